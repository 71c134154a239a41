"""The contract every code system implements: ICD-10-CM (``icd10cm.Icd10Cm``), ICD-10-PCS
(``icd10pcs.Icd10Pcs``) and the user catalogs (``catalogs.Catalog``: CPT, HCPCS). An engine
serves them by name through ``code_systems.CodeSystems``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class CodeInfo:
    """What a coder needs to know about one code."""

    code: str
    system: str
    title: str
    billable: bool
    parent: str | None
    children: tuple[str, ...] = ()
    inclusion_terms: tuple[str, ...] = ()
    excludes1: tuple[str, ...] = ()
    excludes2: tuple[str, ...] = ()
    code_first: tuple[str, ...] = ()
    use_additional: tuple[str, ...] = ()
    seventh_characters: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class CodeSystem(Protocol):
    """A code system: lookup, hierarchy and instructional notes."""

    @property
    def name(self) -> str:
        """Its name, as suggestions give it (``codesets.systems.SYSTEMS``)."""
        ...

    @property
    def release(self) -> str: ...

    @property
    def labels(self) -> str:
        """What its labels are, for messages: "code", "code or table" (``label``)."""
        ...

    def __contains__(self, code: object) -> bool: ...

    def normalize(self, code: str) -> str | None:
        """The official form of ``code`` (case, dots), or None when it is not in the system."""
        ...

    def label(self, code: str) -> str | None:
        """``code`` in official form as a bill or a coded note gives it (a code of the
        system; for ICD-10-PCS a table row too), or None."""
        ...

    def info(self, code: str) -> CodeInfo: ...

    def title(self, code: str) -> str: ...

    def is_billable(self, code: str) -> bool: ...

    def parent(self, code: str) -> str | None: ...

    def ancestors(self, code: str) -> list[str]: ...

    def billable_descendants(self, code: str, limit: int = 50) -> list[str]: ...

    def codes(self) -> list[str]: ...
