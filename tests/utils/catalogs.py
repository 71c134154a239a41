"""The catalogs written for the tests (tests/resources/catalogs: invented descriptors, never
CPT or HCPCS text), read as a registered catalog is."""

from __future__ import annotations

from pathlib import Path

from codesuggest.codesets.catalogs import Catalog, parse_catalog
from codesuggest.codesets.systems import CPT, HCPCS

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "catalogs"
FILES = {CPT: RESOURCES / "cpt_invented.tsv", HCPCS: RESOURCES / "hcpcs_invented.tsv"}
# a note whose procedures the invented CPT catalog names (90001, 90002) beside diagnoses
PROCEDURE_NOTE = (
    "Assessment: acute appendicitis. Laparoscopic appendectomy performed today. "
    "Colonoscopy with biopsy last week. Essential hypertension, stable."
)


def invented_catalog(system: str, release: str = "test") -> Catalog:
    """The test catalog of ``system`` (CPT or HCPCS)."""
    path = FILES[system]
    titles = parse_catalog(path.read_bytes(), system, path.name)
    return Catalog(system, release, "0" * 64, path.name, "2026-01-01T00:00:00+00:00", titles)


def invented_catalogs() -> dict[str, Catalog]:
    return {system: invented_catalog(system) for system in FILES}
