"""The ``status_requirements`` rule kind: codes reported only beside another code, or only
at some ages (OCG I.B.14 and I.C.21.c.3 BMI; I.C.20 external causes).

Params: ``{"groups": [{"codes": [prefixes], "companions": [prefixes], "min_age": n,
"max_age": n, "reason": text}]}``; a group needs ``codes`` and at least one condition. A
recommended code of a group is withdrawn, flagged with the group's reason, when no
recommended code of its ``companions`` is in the note (BMI without obesity, a fall without an
injury) or when the patient's age is outside ``min_age``..``max_age`` (adult BMI at 15).

"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.base import Kind, Scored, fire
from codesuggest.types import Note

if TYPE_CHECKING:
    from codesuggest.rules.engine import Rule

_GROUP_KEYS = frozenset({"codes", "companions", "min_age", "max_age", "reason"})


def _groups(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rule's groups, each checked: known keys, codes, and a companion or age bound."""
    groups: list[dict[str, Any]] = params.get("groups", [])
    for g in groups:
        unknown = set(g) - _GROUP_KEYS
        if unknown or not g.get("codes") or not ({"companions", "min_age", "max_age"} & set(g)):
            raise ConfigError(
                "status_requirements: a group needs codes and companions or ages "
                f"(unknown keys {sorted(unknown)})"
            )
    return groups


def status_requirements(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Withdraw the recommended codes of each group that lack a companion or the age."""
    for group in _groups(rule.params):
        codes = tuple(group["codes"])
        companions = tuple(group.get("companions", ()))
        reason = group.get("reason", "")
        low, high = group.get("min_age"), group.get("max_age")
        has_companion = any(
            s.suggestion.recommended and s.suggestion.code.startswith(companions)
            for s in items
            if companions
        )
        for s in items:
            code = s.suggestion.code
            if not s.suggestion.recommended or not code.startswith(codes):
                continue
            if companions and not has_companion:
                fire(
                    s, rule, withdraw=True, flag=f"{reason}: no {', '.join(companions)} recommended"
                )
            elif note.age is not None and (
                (low is not None and note.age < low) or (high is not None and note.age > high)
            ):
                fire(s, rule, withdraw=True, flag=f"{reason}: not for age {note.age}")
    return items


def _check(params: dict[str, Any]) -> None:
    _groups(params)


KINDS = {
    "status_requirements": Kind(status_requirements, required=frozenset({"groups"}), check=_check)
}
