"""A candidate of a code no mention proposed (a label a trained model scores highest, a billed
code an audit asks about), described as the generators describe their own."""

from __future__ import annotations

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.systems import CM


def described(system: str, code: str, systems: CodeSystems) -> Candidate | None:
    """``code`` of ``system`` as a candidate: its title and whether it is billable, as its
    code system gives them when it holds the code (``CodeSystems.title``). An ICD-10-CM code
    the code set does not hold is no candidate (None); another system's code is kept as a
    label (``CPT 99213``, billable): a user catalog without it, a procedure code a coded
    note gives that the shipped ICD-10-PCS list lacks."""
    title = systems.title(system, code)
    if title:
        return Candidate(
            code, system=system, title=title, billable=systems[system].is_billable(code)
        )
    if system == CM:
        return None
    return Candidate(code, system=system, title=f"{system} {code}", billable=True)
