"""Every code system at a glance, as ``codesuggest codesets list`` and ``GET /v1/codesets``
show them: what it codes, where its codes come from, its release and how many codes it holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from codesuggest.codesets import catalogs
from codesuggest.codesets.catalogs import Catalog
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.codesets.systems import CM, PCS, PROCEDURE_SYSTEMS, SYSTEMS, USER_SYSTEMS

SHIPPED, USER, LABELS = "shipped", "user catalog", "labels only"


@dataclass(frozen=True)
class SystemSummary:
    """One code system: ``kind`` diagnosis or procedure; ``source`` shipped (a dependency),
    user catalog (registered) or labels only (codes a trained model learned, no table)."""

    system: str
    kind: str
    source: str
    release: str = ""
    codes: int = 0
    billable: int = 0
    registered: str = ""  # when a user catalog was registered (ISO 8601)
    file: str = ""  # the file a user catalog was registered from

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def kind_of(system: str) -> str:
    """``procedure`` for ICD-10-PCS, CPT and HCPCS, else ``diagnosis``."""
    return "procedure" if system in PROCEDURE_SYSTEMS else "diagnosis"


def summaries(codeset: Icd10Cm | None, home: Path) -> list[SystemSummary]:
    """The systems in their order (ICD-10-CM, ICD-10-PCS, CPT, HCPCS): ICD-10-CM from
    ``codeset`` (none: not counted), the user catalogs from the home's manifest."""
    return _summaries(codeset, catalogs.listed(home))


def loaded_summaries(codeset: Icd10Cm, loaded: Mapping[str, Catalog]) -> list[SystemSummary]:
    """:func:`summaries` of what an engine loaded: its code set and its catalogs."""
    entries = {
        system: {
            "release": c.release,
            "codes": len(c),
            "registered": c.registered,
            "source": c.source,
        }
        for system, c in loaded.items()
    }
    return _summaries(codeset, entries)


def _summaries(
    codeset: Icd10Cm | None, registered: Mapping[str, Mapping[str, Any]]
) -> list[SystemSummary]:
    out = []
    for system in SYSTEMS:
        if system == CM:
            out.append(_icd10cm(codeset))
        elif system in registered:
            entry = registered[system]
            out.append(
                SystemSummary(
                    system,
                    kind_of(system),
                    USER,
                    entry["release"],
                    entry["codes"],
                    entry["codes"],
                    entry["registered"],
                    entry["source"],
                )
            )
        elif system == PCS:
            out.append(_icd10pcs())
        elif system in USER_SYSTEMS:
            out.append(SystemSummary(system, kind_of(system), LABELS))
    return out


def _icd10pcs() -> SystemSummary:
    pcs = shipped_pcs()
    codes = len(pcs)  # every code of the list is complete, so billable
    return SystemSummary(PCS, kind_of(PCS), SHIPPED, pcs.release, codes, codes)


def _icd10cm(codeset: Icd10Cm | None) -> SystemSummary:
    if codeset is None:
        return SystemSummary(CM, kind_of(CM), SHIPPED)
    codes = codeset.codes()
    billable = sum(1 for code in codes if codeset.is_billable(code))
    return SystemSummary(CM, kind_of(CM), SHIPPED, codeset.release, len(codes), billable)
