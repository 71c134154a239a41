"""Every rule kind, by the name a rule file gives it."""

from __future__ import annotations

from codesuggest.rules.base import Kind
from codesuggest.rules.kinds import (
    cause,
    combination,
    edits,
    integral,
    neoplasm,
    procedures,
    specificity,
    status,
    typed,
)

ALL: dict[str, Kind] = {
    **edits.KINDS,
    **combination.KINDS,
    **specificity.KINDS,
    **integral.KINDS,
    **status.KINDS,
    **typed.KINDS,
    **cause.KINDS,
    **procedures.KINDS,
    **neoplasm.KINDS,
}
