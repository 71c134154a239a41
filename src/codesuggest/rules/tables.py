"""Tab-separated rule tables packaged beside rules.json, read strictly.

A table has a header naming its columns; ``#`` lines are comments. A prefix column holds
ICD-10-CM codes or code prefixes separated by spaces; every row must cite the Official
Guidelines ("OCG ...") in its ``cite`` column.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from codesuggest.errors import ConfigError

Row = dict[str, str]


@cache
def read_table(name: str, columns: tuple[str, ...]) -> tuple[Row, ...]:
    """The rows of packaged table ``name`` (under rules/data), whose header must be ``columns``."""
    if "/" in name or not name.endswith(".tsv"):
        raise ConfigError(f"rule table {name!r}: a .tsv file name under rules/data")
    path = resources.files("codesuggest.rules").joinpath("data").joinpath(name)
    if not path.is_file():
        raise ConfigError(f"rule table {name!r} not found under rules/data")
    return parse_table(path.read_text("utf-8"), name, columns)


def parse_table(text: str, name: str, columns: tuple[str, ...]) -> tuple[Row, ...]:
    """The rows of a table's text (``name`` only names it in errors)."""
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise ConfigError(f"rule table {name!r}: header must be {'<TAB>'.join(columns)}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(columns) or not all(c.strip() for c in cells):
            raise ConfigError(f"rule table {name!r} row {n}: {len(columns)} non-empty cells")
        row = dict(zip(columns, (c.strip() for c in cells), strict=True))
        if "cite" in row and not row["cite"].startswith("OCG "):
            raise ConfigError(f"rule table {name!r} row {n}: cite must start with 'OCG '")
        rows.append(row)
    return tuple(rows)


@cache
def prefixes(cell: str) -> tuple[str, ...]:
    """The code prefixes of a table cell (read once per cell: rules ask on every note)."""
    return tuple(cell.split())
