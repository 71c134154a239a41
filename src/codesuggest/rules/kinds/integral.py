"""Signs and symptoms integral to a confirmed diagnosis are not coded (OCG I.B.4, I.B.5):
a recommended symptom code is withdrawn beside a condition the note documents that a packaged
table says routinely comes with it. A condition is documented when it is recommended and
affirmed, or when a present mention names it and its confidence reaches
``documented_min_confidence``, whichever code of the condition a rule kept: "chronic migraine
... headaches" makes the headache integral even where the ranker or another rule leaves that
migraine code unrecommended.

Beyond that table, a sign or symptom the note names only outside its diagnostic statement
(assessment, impression, diagnoses) is not recommended when that statement documents a confirmed
diagnosis: the provider has explained it (OCG IV.D: symptom codes are for encounters where no
diagnosis is established; I.B.4; III.B for abnormal findings)."""

from __future__ import annotations

from functools import cache
from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.base import Kind, Rule, Scored, affirmed, fire, other_side
from codesuggest.rules.tables import Row, prefixes, read_table
from codesuggest.types import Note

COLUMNS = ("symptom", "conditions", "cite", "comment")


def _check(params: dict[str, Any]) -> None:
    read_table(params["table"], COLUMNS)


@cache
def _by_category(table: str) -> dict[str, tuple[Row, ...]]:
    """A table's rows by the 3-character category of their symptom prefixes."""
    out: dict[str, list[Row]] = {}
    for row in read_table(table, COLUMNS):
        for p in prefixes(row["symptom"]):
            out.setdefault(p[:3], []).append(row)
    return {c: tuple(rows) for c, rows in out.items()}


def _integral_symptom(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A recommended symptom withdrawn beside the condition it is integral to (not beside a
    condition of the other body side)."""
    rows = _by_category(rule.params["table"])
    asked = [s for s in items if s.suggestion.recommended and s.suggestion.code[:3] in rows]
    if not asked:
        return items
    floor = float(rule.params.get("documented_min_confidence", 1.0))
    conditions = sorted(
        (s for s in items if affirmed(s) or _documented(s, floor)),
        key=lambda s: (-s.suggestion.confidence, s.suggestion.code),
    )
    for s in asked:
        code = s.suggestion.code
        matching = [r for r in rows[code[:3]] if code.startswith(prefixes(r["symptom"]))]
        if not matching:
            continue
        found = next(
            (
                (c.suggestion, row)
                for c in conditions
                for row in matching
                if c.suggestion.code.startswith(prefixes(row["conditions"]))
                and c is not s
                and not other_side(s.suggestion.description, c.suggestion.description)
            ),
            None,
        )
        if found is not None:
            by, row = found
            flag = f"integral to {by.code} ({by.description}) - {row['cite']}"
            fire(s, rule, withdraw=True, flag=flag)
    return items


def _documented(s: Scored, floor: float) -> bool:
    """Named by a present mention and at least ``floor`` confident (recommended or not)."""
    suggestion = s.suggestion
    return suggestion.confidence >= floor and any(
        e.kind == "mention" and e.assertion == "present" for e in suggestion.evidence
    )


SYMPTOM_COLUMNS = ("prefix", "cite", "comment")
_DIAGNOSIS_CHAPTERS = frozenset("ABCDEFGHIJKLMNOPQSTU")  # not R (symptoms) nor V-Z


def _check_symptoms(params: dict[str, Any]) -> None:
    read_table(params["table"], SYMPTOM_COLUMNS)
    sections = params["statement_sections"]
    if (
        not isinstance(sections, list)
        or not sections
        or not all(isinstance(x, str) and x for x in sections)
    ):
        raise ConfigError("statement_sections: a non-empty list of section names")


@cache
def _symptom_prefixes(table: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """A symptom table's prefixes by 3-character category: (prefixes, cite) per category."""
    out: dict[str, tuple[list[str], str]] = {}
    for row in read_table(table, SYMPTOM_COLUMNS):
        for p in prefixes(row["prefix"]):
            out.setdefault(p[:3], ([], row["cite"]))[0].append(p)
    return {c: (tuple(ps), cite) for c, (ps, cite) in out.items()}


def is_symptom_code(table: str, code: str) -> bool:
    """Whether ``code`` is a sign, symptom or abnormal finding of symptom table ``table``."""
    found = _symptom_prefixes(table).get(code[:3])
    return found is not None and code.startswith(found[0])


def check_symptom_table(table: str) -> None:
    """A symptom table reads (right columns, known file)."""
    read_table(table, SYMPTOM_COLUMNS)


def _symptom_outside_statement(
    rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm
) -> list[Scored]:
    """A recommended symptom whose present mentions all lie outside the diagnostic statement,
    withdrawn when a confirmed diagnosis is named there."""
    table = _symptom_prefixes(rule.params["table"])
    asked = [
        (s, cite)
        for s in items
        if s.suggestion.recommended and (cite := _symptom_cite(table, s.suggestion.code))
    ]
    if not asked:
        return items
    statement = frozenset(rule.params["statement_sections"])
    diagnoses = [
        s.suggestion
        for s in items
        if s.suggestion.code[0] in _DIAGNOSIS_CHAPTERS
        and not _symptom_cite(table, s.suggestion.code)  # leg pain explains no swelling
        and affirmed(s)
        and _named_in(s, statement)
    ]
    if not diagnoses:
        return items
    # the most confident names the flag (no sort of the note's suggestions for one of them)
    explained = min(diagnoses, key=lambda d: (-d.confidence, d.code))
    for s, cite in asked:
        mentions = [e for e in s.suggestion.evidence if e.kind == "mention"]
        present = [e for e in mentions if e.assertion == "present"]
        if present and not any(e.section in statement for e in present):
            flag = (
                f"a sign or symptom outside the diagnostic statement, which documents "
                f"{explained.code} ({explained.description}) - {cite}"
            )
            fire(s, rule, withdraw=True, flag=flag)
    return items


def _symptom_cite(table: dict[str, tuple[tuple[str, ...], str]], code: str) -> str:
    """The cite of ``code``'s row in a symptom table ("": not a sign or symptom)."""
    entry = table.get(code[:3])
    return entry[1] if entry and code.startswith(entry[0]) else ""


def _named_in(s: Scored, sections: frozenset[str]) -> bool:
    """Named by a present mention in one of ``sections``."""
    return any(
        e.kind == "mention" and e.assertion == "present" and e.section in sections
        for e in s.suggestion.evidence
    )


KINDS = {
    "integral_symptom": Kind(
        _integral_symptom,
        required=frozenset({"table"}),
        optional=frozenset({"documented_min_confidence"}),
        check=_check,
    ),
    "symptom_outside_statement": Kind(
        _symptom_outside_statement,
        required=frozenset({"table", "statement_sections"}),
        check=_check_symptoms,
    ),
}
