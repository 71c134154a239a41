"""The rule kinds that edit suggestions one by one or pairwise: affirmed evidence, history
codes, ancestors, billability, Excludes1, 7th characters, instructional notes, sex and age."""

from __future__ import annotations

from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.base import Kind, Rule, Scored, fire, vagueness, words_said
from codesuggest.rules.kinds.integral import check_symptom_table, is_symptom_code
from codesuggest.types import Assertion, Note


def _require_affirmed(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Withdraw the codes no mention affirms. A code that reports the past (param
    ``past_codes``: follow-up after completed treatment, personal history; OCG I.C.21.c.4,
    I.C.21.c.8) is affirmed by a historical mention too: "follow-up after completed treatment
    of prostate cancer" is what Z08 codes."""
    affirmed = set(rule.params.get("affirmed", ["present"]))
    past = tuple(rule.params.get("past_codes", ()))
    for s in items:
        evidence = s.suggestion.evidence
        accepted = (
            affirmed | {"historical"} if past and s.suggestion.code.startswith(past) else affirmed
        )
        # a code learned from the note as a whole has no mentions: nothing here to contradict
        if evidence and not any(e.assertion in accepted for e in evidence):
            kinds = sorted({e.assertion for e in s.suggestion.evidence})
            fire(s, rule, withdraw=True, flag=f"no affirmed evidence ({', '.join(kinds)})")
    return items


UNNAMED = "no mention names it: learned from the note as a whole"


def _require_mention(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Hold back the recommended codes no mention in the note names (a trained model learned
    them from the note as a whole: "hypertension" from a note on diabetes and obesity). They
    keep their place among the codes below threshold, for the coder to see with the words that
    drove them (evidence of kind ``learned``), and are flagged; with ``withdraw`` false they
    stay recommended, flagged."""
    for s in items:
        if s.suggestion.recommended and not any(e.kind == "mention" for e in s.suggestion.evidence):
            fire(s, rule, flag=UNNAMED)
            if rule.params.get("withdraw", True):
                s.suggestion.recommended = False
    return items


def _basis_flag(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A recommended code whose every present mention owes its assertion to ``basis`` (not to
    the note's words alone) is flagged with ``flag``, so the coder sees why it is there."""
    basis, flag = rule.params["basis"], rule.params["flag"]
    for s in items:
        present = [m for m in s.candidate.mentions if m.assertion is Assertion.PRESENT]
        if s.suggestion.recommended and present and all(m.basis == basis for m in present):
            fire(s, rule, flag=flag)
    return items


def _history_code(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A history code derived through ``column`` of ``codesets/data/history_codes.tsv`` from
    mentions the note gives only as ``assertion`` (``MentionSupport.read_from``) is flagged
    with the condition it stands for."""
    wanted, column = Assertion(rule.params["assertion"]), rule.params["column"]
    for s in items:
        origin = s.candidate.derived_from
        if (
            origin
            and s.candidate.derived_as == column
            and {r.read_from for r in s.candidate.support if r.evidence} == {wanted}
        ):
            fire(s, rule, flag=f"{wanted.value} history of {origin} ({cs.title(origin)})")
    return items


def _drop_ancestors(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    present = {s.suggestion.code for s in items}
    lineage = {c: cs.ancestors(c) if c in cs else [] for c in present}
    covered: set[str] = set()
    for s in items:
        covered.update(a for a in lineage[s.suggestion.code] if a in present)
    for s in items:
        if s.suggestion.code not in covered:
            for a in lineage[s.suggestion.code]:
                if a in present and rule.name not in s.suggestion.rules:
                    s.suggestion.rules.append(rule.name)
    return [s for s in items if s.suggestion.code not in covered]


def _non_billable(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    limit = int(rule.params.get("max_children", 8))
    for s in items:
        code = s.suggestion.code
        if code in cs and not cs.is_billable(code):
            children = cs.billable_descendants(code, limit=limit)
            fire(s, rule, withdraw=True, flag=f"non-billable: specify {', '.join(children)}")
    return items


def _excludes1(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Of two recommended codes that exclude each other, a diagnosis stays over a sign or
    symptom (param ``symptoms``: a symptom table such as ``symptom_codes.tsv``; OCG I.B.4,
    I.B.5: "syncope" beside "orthostatic hypotension"), then the one whose title is the less
    vague ("unspecified", "not elsewhere classified", "other"), then documented in more words,
    then the more confident: "Malignant pleural effusion" is J91.0, not J90 "Pleural effusion,
    not elsewhere classified"."""
    table: str = rule.params.get("symptoms", "")
    kept: list[Scored] = []
    live = [s for s in items if s.suggestion.recommended]
    live.sort(
        key=lambda s: (
            bool(table) and is_symptom_code(table, s.suggestion.code),
            vagueness(s.suggestion.description),
            -words_said(s),
            -s.suggestion.confidence,
        )
    )
    for s in live:
        code = s.suggestion.code
        for other in kept:
            o = other.suggestion.code
            if cs.excludes1_conflict(code, o):
                fire(s, rule, withdraw=True, flag=f"Excludes1 with {o}")
                break
        else:
            kept.append(s)
    return items


def _check_excludes1(params: dict[str, Any]) -> None:
    if "symptoms" in params:
        check_symptom_table(params["symptoms"])


def _seventh_character(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    for s in items:
        code = s.suggestion.code
        if len(code.replace(".", "")) == 7 and code in cs and cs.seventh_characters(code):
            fire(s, rule, flag="7th character A (initial encounter): confirm the encounter")
    return items


def _instructional_notes(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    limit = int(rule.params.get("max_notes", 3))
    for s in items:
        if not s.suggestion.recommended or s.suggestion.code not in cs:
            continue
        code = s.suggestion.code  # (its notes alone: no CodeInfo built per suggestion)
        notes = [f"code first: {n}" for n in cs.code_first(code)[:limit]]
        notes += [f"use additional code: {n}" for n in cs.use_additional(code)[:limit]]
        for n in notes:
            fire(s, rule, flag=n)
    return items


def _sex_edit(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    if note.sex not in ("F", "M"):
        return items
    banned = rule.params["male_only"] if note.sex == "F" else rule.params["female_only"]
    for s in items:
        if s.suggestion.code.replace(".", "").startswith(tuple(banned)):
            fire(s, rule, withdraw=True, flag=f"not expected for sex {note.sex}")
    return items


def _age_edit(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    if note.age is None:
        return items
    low, high = rule.params["maternity_ages"]
    for s in items:
        code = s.suggestion.code
        if note.age >= 1 and code.startswith(tuple(rule.params["newborn_only"])):
            fire(s, rule, withdraw=True, flag=f"perinatal code at age {note.age}")
        elif code.startswith(tuple(rule.params["maternity"])) and not low <= note.age <= high:
            fire(s, rule, withdraw=True, flag=f"maternity code at age {note.age}")
    return items


KINDS = {
    # a code of any system needs affirmed evidence, and says why it was read as present
    "require_affirmed": Kind(
        _require_affirmed, optional=frozenset({"affirmed", "past_codes"}), systems=None
    ),
    # a code of any system needs a mention that names it (a procedure too)
    "require_mention": Kind(_require_mention, systems=None),
    "basis_flag": Kind(_basis_flag, required=frozenset({"basis", "flag"}), systems=None),
    "history_code": Kind(_history_code, required=frozenset({"assertion", "column"})),
    "drop_ancestors": Kind(_drop_ancestors),
    "non_billable": Kind(_non_billable, optional=frozenset({"max_children"})),
    "excludes1": Kind(_excludes1, optional=frozenset({"symptoms"}), check=_check_excludes1),
    "seventh_character": Kind(_seventh_character),
    "instructional_notes": Kind(_instructional_notes, optional=frozenset({"max_notes"})),
    "sex_edit": Kind(_sex_edit, required=frozenset({"female_only", "male_only"})),
    "age_edit": Kind(
        _age_edit, required=frozenset({"newborn_only", "maternity", "maternity_ages"})
    ),
}
