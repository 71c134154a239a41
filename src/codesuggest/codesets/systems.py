"""The code systems, spelled one way everywhere: suggestions, feedback, the code search, the
store and its audit trail name them ``ICD-10-CM``, ``ICD-10-PCS``, ``CPT`` and ``HCPCS``, as the
public suggestion contract does. Other spellings a caller may send (``icd10cm``, ``icd-10-cm``,
``Icd10Pcs``) are read as these; the store kept the short ones before migration 0002."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from codesuggest.errors import InputError

CM, PCS, CPT, HCPCS = "ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS"
SYSTEMS = (CM, PCS, CPT, HCPCS)
# the type of a system's name, and of a system as a caller may spell it in the API (its name or
# its plain form); ``tests/codesets/test_systems.py`` keeps them equal to ``SYSTEMS``
SystemName = Literal["ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS"]
SystemSpelling = Literal[
    "ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS", "icd10cm", "icd10pcs", "cpt", "hcpcs"
]  # fmt: skip
PROCEDURE_SYSTEMS = (PCS, CPT, HCPCS)  # the review page groups them apart from diagnoses
USER_SYSTEMS = (CPT, HCPCS)  # licensed code sets a site registers (codesets.catalogs)
SHIPPED = (CM, PCS)  # the code sets codesuggest ships: a code of one must be one of its labels
CODE_SHAPES = {  # the shape of a valid code where no code table ships
    PCS: re.compile(r"[0-9A-HJ-NP-Z]{7}"),  # PCS uses neither I nor O
    CPT: re.compile(r"[0-9]{4}[0-9FTU]"),
    HCPCS: re.compile(r"[A-V][0-9]{4}"),
}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def plain(value: str) -> str:
    """``value`` lower-cased without punctuation (``ICD-10-CM`` -> ``icd10cm``)."""
    return _NOT_ALNUM.sub("", value.lower())


# the plain form of each system -> its one name ("icd10cm" -> "ICD-10-CM")
SHORT_NAMES = {plain(system): system for system in SYSTEMS}


def system_name(value: str) -> str:
    """The one name of a code system however it is spelled; an unknown value unchanged."""
    return SHORT_NAMES.get(plain(value), value)


def known_system(value: str) -> str | None:
    """The one name of a code system however it is spelled; ``None`` when it is none of ours."""
    return SHORT_NAMES.get(plain(value))


def system_filter(values: Iterable[str] | None) -> frozenset[str] | None:
    """The systems a caller keeps (``--system``, ``?system=``: repeated or comma-separated,
    spelled any way), or ``None`` for all; an unknown one raises
    :class:`~codesuggest.errors.InputError` listing the known ones."""
    if values is None:
        return None
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not names:
        return None
    unknown = [name for name in names if known_system(name) is None]
    if unknown:
        known = ", ".join(SYSTEMS)
        raise InputError(f"unknown code system {unknown[0]!r}; known: {known}")
    return frozenset(SHORT_NAMES[plain(name)] for name in names)
