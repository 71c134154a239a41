"""The ``status_requirements`` rule kind: codes reported only beside another code, or only
at some ages (OCG I.B.14 and I.C.21.c.3 BMI; I.C.20 external causes).

Params: ``{"groups": [{"codes": [prefixes], "companions": [prefixes], "min_age": n,
"max_age": n, "reason": text}]}``; a group needs ``codes`` and at least one condition. A
recommended code of a group is withdrawn, flagged with the group's reason, when no
recommended code of its ``companions`` is in the note (BMI without obesity, a fall without an
injury) or when the patient's age is outside ``min_age``..``max_age`` (adult BMI at 15).

Kept apart from ``rules/engine.py`` to merge easily; the engine lists it in its ``KINDS``
as ``"status_requirements": status_requirements``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codesuggest.errors import ConfigError

if TYPE_CHECKING:
    from codesuggest.codesets.icd10cm import Icd10Cm
    from codesuggest.rules.engine import Rule, Scored
    from codesuggest.types import Note

_GROUP_KEYS = frozenset({"codes", "companions", "min_age", "max_age", "reason"})


def _groups(rule: Rule) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = rule.params.get("groups", [])
    for g in groups:
        unknown = set(g) - _GROUP_KEYS
        if unknown or not g.get("codes") or not ({"companions", "min_age", "max_age"} & set(g)):
            raise ConfigError(
                f"rule {rule.name!r}: a group needs codes and companions or ages "
                f"(unknown keys {sorted(unknown)})"
            )
    return groups


def _withdraw(s: Scored, rule: Rule, flag: str) -> None:
    if rule.params.get("withdraw", True):
        s.suggestion.recommended = False
    if flag not in s.suggestion.flags:
        s.suggestion.flags.append(flag)
    if rule.name not in s.suggestion.rules:
        s.suggestion.rules.append(rule.name)


def status_requirements(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Withdraw the recommended codes of each group that lack a companion or the age."""
    for group in _groups(rule):
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
                _withdraw(s, rule, f"{reason}: no {', '.join(companions)} recommended")
            elif note.age is not None and (
                (low is not None and note.age < low) or (high is not None and note.age > high)
            ):
                _withdraw(s, rule, f"{reason}: not for age {note.age}")
    return items
