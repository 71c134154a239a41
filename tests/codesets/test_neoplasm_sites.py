"""The Neoplasm Table's secondary site of each primary site, shipped beside the index."""

from __future__ import annotations

from codesuggest.codesets.alpha_index import index_rows
from codesuggest.codesets.data_files import data_text
from codesuggest.codesets.index_convert import IndexRow
from codesuggest.codesets.neoplasm_sites import (
    SECONDARY_FILE,
    build_secondary_sites,
    secondary_sites,
    write_secondary_sites,
)


def _row(site: str, column: str, code: str, table: str = "neoplasm") -> IndexRow:
    return IndexRow(table, f"{site} > {column}", site.lower(), code)


def test_a_rows_primary_code_maps_to_its_secondary_code() -> None:
    rows = [
        _row("Lung > upper lobe", "MalignantPrimary", "C34.1"),
        _row("Lung > upper lobe", "MalignantSecondary", "C78.0"),
        _row("Lung > upper lobe", "Benign", "D14.3"),
        _row("Bone marrow", "MalignantSecondary", "C79.52"),  # no primary: no entry
        _row("Lung > lower lobe", "MalignantPrimary", "C34.3"),  # no secondary: no entry
        _row("Aspirin", "MalignantPrimary", "T39.0", table="drug"),  # another table
    ]
    assert build_secondary_sites(rows) == {"C34.1": "C78.0"}


def test_the_first_row_of_a_primary_code_decides() -> None:
    rows = [
        _row("Bronchus", "MalignantPrimary", "C34.9"),
        _row("Bronchus", "MalignantSecondary", "C78.0"),
        _row("Lung", "MalignantPrimary", "C34.9"),
        _row("Lung", "MalignantSecondary", "C78.9"),
    ]
    assert build_secondary_sites(rows) == {"C34.9": "C78.0"}


def test_shipped_file_is_what_the_shipped_table_gives() -> None:
    sites = build_secondary_sites(index_rows())
    assert data_text(SECONDARY_FILE) == write_secondary_sites(sites), "rerun convert_index.py"
    assert secondary_sites() == sites
    assert sites["C34.1"] == "C78.0"  # upper lobe, lung -> lung, secondary
    assert sites["C50.9"] == "C79.81"  # breast -> breast, secondary
