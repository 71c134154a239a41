"""Rules for procedure codes: only a procedure performed in this encounter is recommended,
and only as a complete, valid ICD-10-PCS code."""

from __future__ import annotations

from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.codesets.systems import PCS
from codesuggest.errors import ConfigError
from codesuggest.extract.procedures import PERFORMED, STATUSES
from codesuggest.rules.base import Kind, Rule, Scored, fire
from codesuggest.types import Note

_BASIS = "procedure:"


def _check_statuses(params: dict[str, Any]) -> None:
    statuses = params["statuses"]
    if not isinstance(statuses, list) or not set(statuses) <= set(STATUSES) - {PERFORMED}:
        raise ConfigError(f"statuses must be a list of {', '.join(STATUSES[1:])}")


def procedure_status(s: Scored) -> set[str]:
    """The statuses the note gives the procedure behind ``s`` (empty: no procedure mention)."""
    return {
        m.basis.removeprefix(_BASIS) for m in s.candidate.mentions if m.basis.startswith(_BASIS)
    }


def _not_performed(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Withdraw a procedure code whose every procedure mention has one of the statuses."""
    barred = set(rule.params["statuses"])
    for s in items:
        found = procedure_status(s)
        if found and found <= barred:
            fire(s, rule, withdraw=True, flag=f"procedure {'/'.join(sorted(found))}, not performed")
    return items


def _complete_pcs(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Never recommend an ICD-10-PCS code that is not a complete code of the release. A table
    row such as CodiEsp's "BN20" names the right procedure without its last characters: it
    keeps its rank (``Scored.to_complete``: among the recommended codes, by its confidence,
    when it would have been recommended), flagged with codes that complete it, for the coder
    to finish. A code
    retired since (or never valid) is withdrawn."""
    pcs = None
    for s in items:  # ICD-10-PCS codes only (``Kind.systems``)
        pcs = pcs or shipped_pcs()
        code = s.suggestion.code
        if code in pcs:
            continue
        if not pcs.is_prefix(code):
            fire(s, rule, withdraw=True, flag="not an ICD-10-PCS code")
            continue
        completions = ", ".join(pcs.billable_descendants(code, limit=3))
        s.to_complete = s.suggestion.recommended and not s.withdrawn
        s.suggestion.recommended = False
        fire(s, rule, flag=f"incomplete ICD-10-PCS code: complete it ({completions}...)")
    return items


KINDS = {
    "procedure_not_performed": Kind(
        _not_performed,
        required=frozenset({"statuses"}),
        check=_check_statuses,
        systems=frozenset({PCS}),
    ),
    "pcs_complete": Kind(_complete_pcs, systems=frozenset({PCS})),
}
