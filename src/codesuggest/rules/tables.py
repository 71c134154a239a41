"""Tab-separated rule tables packaged beside rules.json, read strictly.

A table has a header naming its columns; ``#`` lines are comments. A prefix column holds
ICD-10-CM codes or code prefixes separated by spaces; every row must cite the Official
Guidelines ("OCG ...") in its ``cite`` column.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from codesuggest.errors import ConfigError
from codesuggest.io.tables import Row, parse_table

__all__ = ["Row", "parse_table", "prefixes", "read_table"]


@cache
def read_table(name: str, columns: tuple[str, ...]) -> tuple[Row, ...]:
    """The rows of packaged table ``name`` (under rules/data), whose header must be ``columns``."""
    if "/" in name or not name.endswith(".tsv"):
        raise ConfigError(f"rule table {name!r}: a .tsv file name under rules/data")
    path = resources.files("codesuggest.rules").joinpath("data").joinpath(name)
    if not path.is_file():
        raise ConfigError(f"rule table {name!r} not found under rules/data")
    return parse_table(path.read_text("utf-8"), name, columns)


@cache
def prefixes(cell: str) -> tuple[str, ...]:
    """The code prefixes of a table cell (read once per cell: rules ask on every note)."""
    return tuple(cell.split())
