"""The ``status_requirements`` rule kind: codes reported only beside another code, or only
at some ages (OCG I.B.14 and I.C.21.c.3 BMI; I.C.20 external causes).

Params: ``{"groups": [{"codes": [prefixes], "companions": [prefixes], "min_age": n,
"max_age": n, "reason": text}]}``; a group needs ``codes`` and at least one condition. A
recommended code of a group is withdrawn, flagged with the group's reason, when no
recommended code of its ``companions`` is in the note (BMI without obesity, a fall without an
injury) or when the patient's age is outside ``min_age``..``max_age`` (adult BMI at 15).
With ``confirm_min_confidence``, when a code of the group is recommended and none of its
companions is, the companion the note documents best (a present mention, not withdrawn,
billable, at least that confident; the least vague title, then the one named in the most
words) is recommended first: a documented mechanism confirms the injury it explains ("bitten
on the left forearm by her own dog": the open bite S51.852A beside W54.0XXA, OCG I.C.20). With
``complete_min_confidence``, the other way round: beside a recommended companion, the group's
best documented code is recommended ("fell down the stairs" with a hip fracture: W10.9XXA,
OCG I.C.20: as many external cause codes as explain the injury).

"""

from __future__ import annotations

from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.base import Kind, Rule, Scored, documented_candidate, fire, vagueness
from codesuggest.types import Assertion, Note

_GROUP_KEYS = frozenset(
    {
        "codes",
        "companions",
        "min_age",
        "max_age",
        "reason",
        "confirm_min_confidence",
        "complete_min_confidence",
    }
)


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
        if companions and has_companion and "complete_min_confidence" in group:
            floor = float(group["complete_min_confidence"])
            _recommend_documented(rule, items, codes, companions, floor, cs)
        if companions and not has_companion and "confirm_min_confidence" in group:
            floor = float(group["confirm_min_confidence"])
            has_companion = _recommend_documented(rule, items, companions, codes, floor, cs)
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


def _recommend_documented(
    rule: Rule,
    items: list[Scored],
    pool: tuple[str, ...],
    beside: tuple[str, ...],
    floor: float,
    cs: Icd10Cm,
) -> bool:
    """Recommend the best documented code of ``pool`` when a code of ``beside`` is recommended
    and none of ``pool`` is: a present mention, not withdrawn, billable, at least ``floor``
    confident; the least vague title first, then the one named in the most words, then the
    most confident. Whether one of ``pool`` is recommended now."""
    if any(s.suggestion.recommended and s.suggestion.code.startswith(pool) for s in items):
        return True
    by = [
        s.suggestion.code
        for s in items
        if s.suggestion.recommended and s.suggestion.code.startswith(beside)
    ]
    if not by:
        return False
    documented = [
        (s, max(m.n_words for m in s.candidate.mentions if m.assertion is Assertion.PRESENT))
        for s in items
        if s.suggestion.code.startswith(pool) and documented_candidate(s, floor, cs)
    ]
    if not documented:
        return False
    best, _ = min(
        documented,
        key=lambda d: (
            vagueness(cs.title(d[0].suggestion.code)),
            -d[1],
            -d[0].suggestion.confidence,
        ),
    )
    best.suggestion.recommended = True
    fire(best, rule, flag=f"documented beside {', '.join(by)}")
    return True


def _check(params: dict[str, Any]) -> None:
    _groups(params)


KINDS = {
    "status_requirements": Kind(status_requirements, required=frozenset({"groups"}), check=_check)
}
