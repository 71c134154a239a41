"""The most specific supported code wins (OCG I.B.2, I.B.18): an "unspecified" code is not
reported beside a more specific code of the same category for the same condition."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.base import Kind, Scored, fire, other_side
from codesuggest.types import Assertion, Note

if TYPE_CHECKING:
    from codesuggest.rules.engine import Rule

_WORD = re.compile(r"[a-z]+")
# words that say nothing of which condition a title names
_GENERIC_WORDS = """
unspecified other specified of and or the a an with without in to for by not elsewhere
classified nos part site type right left bilateral initial encounter subsequent sequela
fracture closed open disease disorder condition
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


@cache
def _unspecified(title: str) -> int:
    return _WORD.findall(title.lower()).count("unspecified")


@cache
def _stems(title: str) -> frozenset[str]:
    return frozenset(
        {w[:5] for w in _WORD.findall(title.lower()) if w not in _GENERIC and len(w) > 2}
    )


def _same_condition(vague: str, b: str, cs: Icd10Cm) -> bool:
    """Whether an unspecified code and a code of its category name the same condition: a
    subcategory holds both, or the unspecified title says nothing beyond its category's
    ("Heart failure, unspecified") and shares a word with the other, or the titles share a
    word their category does not
    ("Unspecified asthma, uncomplicated" and "Moderate persistent asthma, uncomplicated"; not
    E11.40 "... with diabetic neuropathy, unspecified" and E11.22 "... with diabetic chronic
    kidney disease", two complications both reported)."""
    common = set(cs.ancestors(vague)) & set(cs.ancestors(b))
    if any(len(c) > 3 for c in common):
        return True
    category = _stems(cs.title(vague[:3])) if vague[:3] in cs else frozenset()
    words = _stems(cs.title(vague))
    own = words - category
    # "Vomiting, unspecified" says nothing beyond "Nausea and vomiting" but is not "Nausea"
    return bool((own or words) & _stems(cs.title(b)))


def _unspecified_sibling(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """An unspecified code beside a recommended code of its category that says more is
    withdrawn, naming that code (different body sides are both kept)."""
    exempt = tuple(rule.params.get("exempt", ()))
    live = [
        s
        for s in items
        if s.suggestion.recommended
        and s.suggestion.code in cs
        and cs.is_billable(s.suggestion.code)
    ]
    for s in live:
        code = s.suggestion.code
        vague = _unspecified(cs.title(code))
        if not vague or code.startswith(exempt):
            continue
        for other in live:
            o = other.suggestion.code
            if (
                o == code
                or o[:3] != code[:3]
                or not other.suggestion.recommended
                or _unspecified(cs.title(o)) >= vague
                or other_side(cs.title(code), cs.title(o))
                or not _same_condition(code, o, cs)
            ):
                continue
            flag = f"unspecified beside {o} ({cs.title(o)}) - OCG I.B.18"
            fire(s, rule, withdraw=True, flag=flag)
            break
    return items


# "Other asthma", "Other specified ..." say no more than the note: never promoted over "unspecified"
_RESIDUAL = re.compile(r"^other\b|\bother specified\b|, other\b", re.IGNORECASE)


def _words_said(s: Scored) -> int:
    """The most words a present mention of the code matched (0: none)."""
    return max(
        (m.n_words for m in s.candidate.mentions if m.assertion is Assertion.PRESENT), default=0
    )


def _documented(s: Scored, floor: float, beyond: int) -> bool:
    """A present mention names the code with more than ``beyond`` words, side by side (not
    scattered over a sentence), and the code is at least ``floor`` confident."""
    return s.suggestion.confidence >= floor and any(
        m.assertion is Assertion.PRESENT and m.kind != "scattered" and m.n_words > beyond
        for m in s.candidate.mentions
    )


def _promote_specific(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """An unspecified code is recommended while the note documents a more specific code of its
    category for the same condition ("acute on chronic systolic HF ... HF clinic": I50.23, not
    I50.9): the specific code is recommended too (the ``unspecified_sibling`` kind then
    withdraws the unspecified one). Documented: a present mention names it with its words
    side by side and in more words than any mention of the unspecified code, and its confidence
    reaches ``min_confidence``; residual "other" codes, codes of the other body side and codes
    another rule has marked are never promoted."""
    floor = float(rule.params.get("min_confidence", 0.3))
    exempt = tuple(rule.params.get("exempt", ()))
    by_category: dict[str, list[Scored]] = {}
    for s in items:
        if s.suggestion.code in cs and cs.is_billable(s.suggestion.code):
            by_category.setdefault(s.suggestion.code[:3], []).append(s)
    for s in items:
        code = s.suggestion.code
        if not s.suggestion.recommended or code.startswith(exempt) or code not in cs:
            continue
        vague = _unspecified(cs.title(code))
        if not vague:
            continue
        said = _words_said(s)  # the specific code must be documented in more words than this
        best: Scored | None = None
        for other in by_category.get(code[:3], []):
            o = other.suggestion.code
            if (  # the cheap tests first: most codes of a category are not documented
                other.suggestion.recommended
                or other.suggestion.rules
                or not _documented(other, floor, said)
                or _unspecified(cs.title(o)) >= vague
                or _RESIDUAL.search(cs.title(o))
                or other_side(cs.title(code), cs.title(o))
                or not _same_condition(code, o, cs)
            ):
                continue
            if best is None or other.suggestion.confidence > best.suggestion.confidence:
                best = other
        if best is not None:
            best.suggestion.recommended = True
            fire(best, rule, flag=f"documented in more detail than {code} - OCG I.B.18")
    return items


KINDS = {
    "unspecified_sibling": Kind(_unspecified_sibling, optional=frozenset({"exempt"})),
    "promote_specific": Kind(_promote_specific, optional=frozenset({"exempt", "min_confidence"})),
}
