"""The code systems one engine serves, by name, each read through ``codesets.base.CodeSystem``:
the model's ICD-10-CM, the shipped ICD-10-PCS (its tables read when first asked for), and the
user catalogs registered (CPT, HCPCS). What differs between systems lives in each system's
class; a consumer asks this lookup for a system by name instead of telling them apart."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from codesuggest.codesets.base import CodeSystem
from codesuggest.codesets.catalogs import Catalog
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.codesets.systems import CM, PCS, SYSTEMS


class CodeSystems(Mapping[str, CodeSystem]):
    """ICD-10-CM, ICD-10-PCS and the catalogs registered, in the order of ``SYSTEMS``; a user
    system with no catalog registered is not one of them (its codes are labels only)."""

    def __init__(self, cm: Icd10Cm, catalogs: Mapping[str, Catalog] | None = None) -> None:
        self.cm = cm
        self.catalogs = dict(catalogs or {})

    def __getitem__(self, name: str) -> CodeSystem:
        if name == CM:
            return self.cm
        if name == PCS:
            return shipped_pcs()
        return self.catalogs[name]

    def __iter__(self) -> Iterator[str]:
        return (s for s in SYSTEMS if s in (CM, PCS) or s in self.catalogs)

    def __len__(self) -> int:
        return 2 + sum(s in self.catalogs for s in SYSTEMS)

    def label(self, system: str, code: str) -> str | None:
        """``code`` as ``system`` labels it (``CodeSystem.label``); None when it is not one of
        its labels or ``system`` is not served."""
        served = self.get(system)
        return served.label(code) if served is not None else None

    def title(self, system: str, code: str) -> str:
        """The title of ``code`` when it is a label of ``system`` as given, else ""."""
        served = self.get(system)
        if served is None or served.label(code) != code:
            return ""
        return served.title(code)
