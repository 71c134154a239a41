"""The documented type of a condition selects its category (OCG I.C.4.a.2: diabetes whose
type is not documented is E11; documented type 1 is E10): a code recommended in the default
category becomes the same code of the documented type's category when the note says that type
and never the default's."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.base import Kind, Rule, Scored, fire
from codesuggest.rules.tables import Row, read_table
from codesuggest.types import Assertion, Note, Suggestion

TYPE_COLUMNS = ("default", "typed", "typed_words", "default_words", "cite", "comment")


def _check(params: dict[str, Any]) -> None:
    check_rows(read_table(params["table"], TYPE_COLUMNS), params["table"])


def check_rows(rows: tuple[Row, ...], name: str) -> None:
    """Each row names two categories and at least one phrase for each type."""
    for row in rows:
        for column in ("default", "typed"):
            if not re.fullmatch(r"[A-Z][0-9]{2}", row[column]):
                raise ConfigError(f"{name}: {column} {row[column]!r} is not a category")
        _words(row["typed_words"])
        _words(row["default_words"])


@cache
def _words(cell: str) -> re.Pattern[str]:
    """A pattern finding any of a cell's phrases (separated by '|') as whole words."""
    phrases = [p.strip() for p in cell.split("|") if p.strip()]
    if not phrases:
        raise ConfigError(f"a words cell names at least one phrase: {cell!r}")
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s*") for p in phrases)
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])", re.IGNORECASE)


def _says(items: list[Scored], category: str, words: re.Pattern[str]) -> list[Scored]:
    """The candidates of ``category`` that a present mention names with one of ``words``."""
    return [
        s
        for s in items
        if s.suggestion.code.startswith(category)
        and any(
            m.assertion is Assertion.PRESENT and words.search(m.text) for m in s.candidate.mentions
        )
    ]


def _typed(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Each row: when a present mention says the typed category's words ("T1DM") and none
    says the default's ("type 2"), every recommended code of the default category (E11.10
    from "DKA") is withdrawn for the typed category's code with the same characters (E10.10),
    recommended with both codes' evidence."""
    for row in read_table(rule.params["table"], TYPE_COLUMNS):
        default, typed = row["default"], row["typed"]
        said = _says(items, typed, _words(row["typed_words"]))
        if not said or _says(items, default, _words(row["default_words"])):
            continue
        by_code = {s.suggestion.code: s for s in items}
        for s in list(items):
            code = s.suggestion.code
            target = typed + code[len(default) :]
            if not s.suggestion.recommended or not code.startswith(default) or target not in cs:
                continue
            if not cs.is_billable(target):
                continue
            flag = f"{row['comment']}: {target} ({cs.title(target)}) - {row['cite']}"
            fire(s, rule, withdraw=True, flag=flag)
            evidence = [*said[0].suggestion.evidence[:1], *s.suggestion.evidence]
            existing = by_code.get(target)
            if existing is not None:
                if existing.suggestion.recommended or existing.suggestion.rules:
                    continue  # already there, or another rule's decision stands
                existing.suggestion.recommended = True
                confidence = max(existing.suggestion.confidence, s.suggestion.confidence)
                existing.suggestion.confidence = confidence
                fire(existing, rule, flag=f"documented type: replaces {code}")
                continue
            typed_suggestion = Suggestion(
                code=target,
                system=s.suggestion.system,
                description=cs.title(target),
                confidence=s.suggestion.confidence,
                recommended=True,
                evidence=evidence,
                flags=[f"documented type: replaces {code}"],
                rules=[rule.name],
            )
            items.append(Scored(typed_suggestion, s.candidate))
            by_code[target] = items[-1]
    return items


KINDS = {"documented_type": Kind(_typed, required=frozenset({"table"}), check=_check)}
