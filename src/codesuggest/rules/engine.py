"""Loads rule data strictly and applies the rules to a note's ranked suggestions.

A rule is ``{"name", "kind", "description", "params"}``; unknown keys, kinds or params are
errors, so a typo in a rule file fails loudly at load time instead of silently never firing.
Every rule that changes a suggestion appends its name to ``Suggestion.rules`` so an auditor can
cite it. The kinds live in ``rules/kinds``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.adaptable import adaptations
from codesuggest.rules.base import Apply, Kind, Rule, Scored, for_systems
from codesuggest.rules.kinds import ALL
from codesuggest.rules.params import check_params
from codesuggest.types import Note

__all__ = ["KINDS", "Rule", "RuleSet", "Scored", "rule_from_dict"]

_KEYS = {"name", "kind", "description", "params"}
# every kind accepts them: a trained model may turn a withdrawal into a flag, in the settings
# a rule declares adaptable (rules/adaptable.py)
_ANY_KIND = frozenset({"withdraw", "adaptable"})

# each kind applied to the suggestions of its code systems (``Kind.systems``)
KINDS: dict[str, Apply] = {
    name: for_systems(kind.apply, kind.systems) for name, kind in ALL.items()
}


def rule_from_dict(data: dict[str, Any]) -> Rule:
    """One rule of a rule file, checked: its keys, its kind, its params against the kind's
    (unknown, missing), each param's value against its name's shape (``rules.params``), the
    kind's own check, and every adaptable setting the same way."""
    unknown = set(data) - _KEYS
    missing = {"name", "kind", "description"} - set(data)
    if unknown or missing:
        raise ConfigError(
            f"rule {data.get('name', '?')!r}: unknown keys {sorted(unknown)}, "
            f"missing keys {sorted(missing)}"
        )
    kind = ALL.get(data["kind"])
    if kind is None:
        raise ConfigError(
            f"rule {data['name']!r}: unknown kind {data['kind']!r}; known: {', '.join(sorted(ALL))}"
        )
    params = dict(data.get("params", {}))
    extra = set(params) - _accepted(kind)
    absent = kind.required - set(params)
    if extra or absent:
        raise ConfigError(
            f"rule {data['name']!r} ({data['kind']}): unknown params {sorted(extra)}, "
            f"missing params {sorted(absent)}"
        )
    _check_values(data["name"], data["kind"], kind, params)
    rule = Rule(data["name"], data["kind"], data["description"], params)
    for adaptation in adaptations(rule):  # each setting a site may choose, checked the same way
        adapted = adaptation.applied(rule).params
        if extra := set(adapted) - _accepted(kind):
            raise ConfigError(
                f"rule {rule.name!r} ({rule.kind}): adaptable setting names unknown params "
                f"{sorted(extra)}"
            )
        _check_values(rule.name, rule.kind, kind, adapted)
    return rule


def _accepted(kind: Kind) -> frozenset[str]:
    return kind.required | kind.optional | _ANY_KIND


def _check_values(name: str, kind_name: str, kind: Kind, params: dict[str, Any]) -> None:
    """Each param's value against its name's shape (``rules.params``), then the kind's own
    check."""
    check_params(name, kind_name, params)
    if kind.check is not None:
        kind.check(params)


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
        return cls([rule_from_dict(r) for r in data["rules"]])

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
