"""The secondary site of each primary site of the Neoplasm Table, shipped as
``data/neoplasm_secondary.tsv``: the row of a site gives the code of a primary malignancy
there (C34.1-, upper lobe of lung) and the code of a malignancy that spread there (C78.0-).
``training/convert_index.py`` writes the file from the converted table, as it writes
``drug_effects.tsv``, so that the engine reads a few hundred rows, not the whole index."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from codesuggest.codesets.data_files import data_rows
from codesuggest.codesets.index_convert import SEP, IndexRow

SECONDARY_FILE = "neoplasm_secondary.tsv"
PRIMARY, SECONDARY = "MalignantPrimary", "MalignantSecondary"  # the table's column names
_HEADER = (
    "# Primary malignant neoplasm code and the secondary code of its Neoplasm Table row "
    "(FY2025), as the table gives them (an incomplete code without its dash); written by "
    "training/convert_index.py"
)


def build_secondary_sites(rows: Iterable[IndexRow]) -> dict[str, str]:
    """A primary-site code of the Neoplasm Table -> the secondary code of its row (the first
    row that gives the primary code, as the table gives them)."""
    by_row: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.table != "neoplasm":
            continue
        site, _, column = row.path.rpartition(SEP)
        if column in (PRIMARY, SECONDARY):
            by_row.setdefault(site, {})[column] = row.code
    out: dict[str, str] = {}
    for columns in by_row.values():
        primary, secondary = columns.get(PRIMARY), columns.get(SECONDARY)
        if primary and secondary:
            out.setdefault(primary, secondary)
    return out


def write_secondary_sites(sites: dict[str, str]) -> str:
    """The text of ``data/neoplasm_secondary.tsv`` for ``sites``."""
    lines = [_HEADER, "primary\tsecondary"]
    lines.extend(f"{primary}\t{secondary}" for primary, secondary in sites.items())
    return "\n".join(lines) + "\n"


@cache
def secondary_sites() -> dict[str, str]:
    """The shipped ``data/neoplasm_secondary.tsv``: primary code -> secondary code."""
    return {r["primary"]: r["secondary"] for r in data_rows(SECONDARY_FILE)}
