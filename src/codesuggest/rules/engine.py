"""Loads rule data strictly and applies the rules to a note's ranked suggestions.

A rule is ``{"name", "kind", "description", "params"}``; unknown keys or kinds are errors, so
a typo in a rule file fails loudly at load time instead of silently never firing. Every rule
that changes a suggestion appends its name to ``Suggestion.rules`` so an auditor can cite it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.types import Note, Suggestion

_KEYS = {"name", "kind", "description", "params"}


@dataclass(frozen=True)
class Rule:
    """One declarative coding edit."""

    name: str
    kind: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        unknown = set(data) - _KEYS
        missing = {"name", "kind", "description"} - set(data)
        if unknown or missing:
            raise ConfigError(
                f"rule {data.get('name', '?')!r}: unknown keys {sorted(unknown)}, "
                f"missing keys {sorted(missing)}"
            )
        if data["kind"] not in KINDS:
            raise ConfigError(
                f"rule {data['name']!r}: unknown kind {data['kind']!r}; "
                f"known: {', '.join(sorted(KINDS))}"
            )
        return cls(data["name"], data["kind"], data["description"], dict(data.get("params", {})))


@dataclass
class Scored:
    """A suggestion being edited, with the candidate behind it."""

    suggestion: Suggestion
    candidate: Candidate


Apply = Callable[[Rule, list[Scored], Note, Icd10Cm], list[Scored]]


def _fire(s: Scored, rule: Rule, *, withdraw: bool = False, flag: str | None = None) -> None:
    # a rule with "withdraw": false only flags: a trained model may learn that its site's
    # coders report such codes (training/rule_choice.py)
    if withdraw and rule.params.get("withdraw", True):
        s.suggestion.recommended = False
    if flag and flag not in s.suggestion.flags:
        s.suggestion.flags.append(flag)
    if rule.name not in s.suggestion.rules:
        s.suggestion.rules.append(rule.name)


def _require_affirmed(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    affirmed = set(rule.params.get("affirmed", ["present"]))
    for s in items:
        evidence = s.suggestion.evidence
        # a code learned from the note as a whole has no mentions: nothing here to contradict
        if (
            evidence
            and s.candidate.derived_from is None
            and not any(e.assertion in affirmed for e in evidence)
        ):
            kinds = sorted({e.assertion for e in s.suggestion.evidence})
            _fire(s, rule, withdraw=True, flag=f"no affirmed evidence ({', '.join(kinds)})")
    return items


def _history_code(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    wanted = rule.params["assertion"]
    for s in items:
        origin = s.candidate.derived_from
        if origin and {e.assertion for e in s.suggestion.evidence} == {wanted}:
            _fire(s, rule, flag=f"{wanted} history of {origin} ({cs.title(origin)})")
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
            _fire(s, rule, withdraw=True, flag=f"non-billable: specify {', '.join(children)}")
    return items


def _excludes1(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    kept: list[Scored] = []
    for s in sorted(items, key=lambda x: -x.suggestion.confidence):
        if not s.suggestion.recommended:
            continue
        code = s.suggestion.code
        for other in kept:
            o = other.suggestion.code
            if cs.excludes1_conflict(code, o):
                _fire(s, rule, withdraw=True, flag=f"Excludes1 with {o}")
                break
        else:
            kept.append(s)
    return items


def _seventh_character(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    for s in items:
        code = s.suggestion.code
        if len(code.replace(".", "")) == 7 and code in cs and cs.seventh_characters(code):
            _fire(s, rule, flag="7th character A (initial encounter): confirm the encounter")
    return items


def _instructional_notes(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    limit = int(rule.params.get("max_notes", 3))
    for s in items:
        if not s.suggestion.recommended or s.suggestion.code not in cs:
            continue
        info = cs.info(s.suggestion.code)
        notes = [f"code first: {n}" for n in info.code_first[:limit]]
        notes += [f"use additional code: {n}" for n in info.use_additional[:limit]]
        for n in notes:
            _fire(s, rule, flag=n)
    return items


def _sex_edit(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    if note.sex not in ("F", "M"):
        return items
    banned = rule.params["male_only"] if note.sex == "F" else rule.params["female_only"]
    for s in items:
        if s.suggestion.code.replace(".", "").startswith(tuple(banned)):
            _fire(s, rule, withdraw=True, flag=f"not expected for sex {note.sex}")
    return items


def _age_edit(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    if note.age is None:
        return items
    low, high = rule.params["maternity_ages"]
    for s in items:
        code = s.suggestion.code
        if note.age >= 1 and code.startswith(tuple(rule.params["newborn_only"])):
            _fire(s, rule, withdraw=True, flag=f"perinatal code at age {note.age}")
        elif code.startswith(tuple(rule.params["maternity"])) and not low <= note.age <= high:
            _fire(s, rule, withdraw=True, flag=f"maternity code at age {note.age}")
    return items


def _combination(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Two recommended codes that ICD-10-CM reports as one combination code."""
    for combo in rule.params["combinations"]:
        found = []
        for prefix in combo["all_of"]:
            match = next(
                (
                    s
                    for s in items
                    if s.suggestion.recommended and s.suggestion.code.startswith(prefix)
                ),
                None,
            )
            if match is None:
                break
            found.append(match)
        else:
            target = combo["code"]
            if target not in cs or any(s.suggestion.code == target for s in items):
                continue
            replaced = [s for s in found if s.suggestion.code in combo["replaces"]]
            merged = Suggestion(
                code=target,
                system=found[0].suggestion.system,
                description=cs.title(target),
                confidence=min(s.suggestion.confidence for s in found),
                recommended=True,
                evidence=[e for s in found for e in s.suggestion.evidence],
                flags=[f"combines {' + '.join(s.suggestion.code for s in found)}"],
                rules=[rule.name],
            )
            for s in replaced:
                _fire(s, rule, withdraw=True, flag=f"reported in combination code {target}")
            items.append(Scored(merged, found[0].candidate))
    return items


KINDS: dict[str, Apply] = {
    "combination": _combination,
    "require_affirmed": _require_affirmed,
    "history_code": _history_code,
    "drop_ancestors": _drop_ancestors,
    "non_billable": _non_billable,
    "excludes1": _excludes1,
    "seventh_character": _seventh_character,
    "instructional_notes": _instructional_notes,
    "sex_edit": _sex_edit,
    "age_edit": _age_edit,
}


class RuleSet:
    """An ordered list of rules, applied one after another."""

    def __init__(self, rules: list[Rule]) -> None:
        names = [r.name for r in rules]
        if len(names) != len(set(names)):
            raise ConfigError("rule names must be unique")
        self.rules = rules

    @classmethod
    def from_json(cls, path: Path | None = None) -> RuleSet:
        """Rules from ``path``, or the packaged default rule file."""
        if path is None:
            text = (
                resources.files("codesuggest.rules")
                .joinpath("data")
                .joinpath("rules.json")
                .read_text()
            )
        else:
            text = path.read_text("utf-8")
        data = json.loads(text)
        if set(data) != {"rules"}:
            raise ConfigError("a rule file is an object with one key, 'rules'")
        return cls([Rule.from_dict(r) for r in data["rules"]])

    def to_json(self) -> str:
        """The rule file ``from_json`` reads back."""
        rules = [
            {"name": r.name, "kind": r.kind, "description": r.description, "params": r.params}
            for r in self.rules
        ]
        return json.dumps({"rules": rules}, indent=2) + "\n"

    def apply(self, items: list[Scored], note: Note, codeset: Icd10Cm) -> list[Scored]:
        for rule in self.rules:
            items = KINDS[rule.kind](rule, items, note, codeset)
        return items
