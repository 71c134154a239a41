"""What every rule kind shares: the suggestion being edited, a kind's param schema, and how a rule
leaves its mark on a suggestion (its name always, a flag for the coder, a withdrawal)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from operator import is_
from typing import Any

from codesuggest.candidates.base import Candidate, naming_mentions
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import CM
from codesuggest.types import Assertion, Note, Suggestion


@dataclass(frozen=True)
class Rule:
    """One declarative coding edit (read from a rule file by ``rules.engine.rule_from_dict``,
    which checks it against its kind)."""

    name: str
    kind: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scored:
    """A suggestion being edited, with the candidate behind it."""

    suggestion: Suggestion
    candidate: Candidate
    # a rule withdrew it (or would have, were it recommended): it ranks after the codes that
    # are merely below their threshold
    withdrawn: bool = False
    # not recommended only because the code needs completing (an ICD-10-PCS table row): it
    # keeps its place among the recommended codes, by its confidence, for the coder to finish
    to_complete: bool = False


Apply = Callable[[Rule, list[Scored], Note, Icd10Cm], list[Scored]]
Check = Callable[[dict[str, Any]], None]


def for_systems(apply: Apply, systems: frozenset[str] | None) -> Apply:
    """``apply`` on the suggestions of ``systems`` only: the others keep their place, and
    what ``apply`` adds comes after every suggestion it was given, as it would alone."""
    if systems is None:
        return apply

    def applied(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
        read = [s for s in items if s.suggestion.system in systems]
        if len(read) == len(items):
            return apply(rule, items, note, cs)
        given_order = tuple(read)  # (``apply`` may edit the list it is given)
        out = apply(rule, read, note, cs)
        if len(out) == len(given_order) and all(map(is_, out, given_order)):
            return items[:]  # most rules drop, add and reorder nothing
        given = {id(s) for s in given_order}
        kept = {id(s) for s in out}
        return [s for s in items if id(s) in kept or id(s) not in given] + [
            s for s in out if id(s) not in given
        ]

    return applied


@dataclass(frozen=True)
class Kind:
    """A rule kind: how it applies, and the params it requires and accepts (``withdraw`` is
    accepted by every kind: a trained model may turn a withdrawal into a flag)."""

    apply: Apply
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    check: Check | None = None  # deeper checks of the params (tables, nested records)
    # the code systems whose suggestions the kind reads (None: all): an ICD-10-CM rule's
    # prefixes never match an ICD-10-PCS or HCPCS code ("B02" zoster is not "B020ZZZ", a CT
    # of the brain; "J12" pneumonia is not a HCPCS J code)
    systems: frozenset[str] | None = frozenset({CM})


def fire(s: Scored, rule: Rule, *, withdraw: bool = False, flag: str | None = None) -> None:
    """Leave ``rule``'s name on ``s``, its flag, and withdraw it if asked (and allowed)."""
    # a rule with "withdraw": false only flags: a trained model may learn that its site's
    # coders report such codes (training/rule_choice.py)
    if withdraw and rule.params.get("withdraw", True):
        s.suggestion.recommended = False
        s.withdrawn = True
    if flag and flag not in s.suggestion.flags:
        s.suggestion.flags.append(flag)
    if rule.name not in s.suggestion.rules:
        s.suggestion.rules.append(rule.name)


def words_said(s: Scored) -> int:
    """The most words a present mention of the code matched (0: none)."""
    return max(
        (m.n_words for m in s.candidate.mentions if m.assertion is Assertion.PRESENT), default=0
    )


_VAGUE = re.compile(r"\bunspecified\b|\bnot elsewhere classified\b|^other\b|, other\b", re.I)


@cache
def vagueness(title: str) -> int:
    """How many ways a title leaves its condition open: "unspecified", "not elsewhere
    classified", a residual "other"."""
    return len(_VAGUE.findall(title))


def affirmed(s: Scored) -> bool:
    """Recommended, and supported by a present mention (as ``candidates.assertion`` read it for
    the code: a history code's past or family mentions are what it reports) or learned from
    the whole note."""
    evidence = s.suggestion.evidence
    return s.suggestion.recommended and (
        not evidence or any(e.assertion == "present" for e in evidence)
    )


def documented_candidate(s: Scored, floor: float, cs: Icd10Cm) -> bool:
    """A code a rule may recommend in another's place or beside it: not recommended, not
    withdrawn, a billable code of the set, at least ``floor`` confident, with a present mention
    in the note that names it (``candidates.base.naming_mentions``: not a phrase its site's
    coding only pairs with it)."""
    code = s.suggestion.code
    return (
        not s.suggestion.recommended
        and not s.withdrawn
        and s.suggestion.confidence >= floor
        and code in cs
        and cs.is_billable(code)
        and any(m.assertion is Assertion.PRESENT for m in naming_mentions(s.candidate))
    )


_SIDE_WORDS = {"right": {"right"}, "left": {"left"}, "bilateral": {"right", "left"}}
_WORD = re.compile(r"[a-z]+")


@cache
def sides(title: str) -> frozenset[str]:
    """The body sides a code's title names (bilateral names both; none: no side)."""
    out: set[str] = set()
    for w in _WORD.findall(title.lower()):
        out |= _SIDE_WORDS.get(w, set())
    return frozenset(out)


def other_side(a: str, b: str) -> bool:
    """Whether two titles name sides and no side is common to both."""
    sa, sb = sides(a), sides(b)
    return bool(sa and sb and not sa & sb)
