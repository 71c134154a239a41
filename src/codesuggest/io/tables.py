"""Tab-separated tables of clinical knowledge packaged as data (rule tables, side words, title
defaults), read strictly: a header naming the columns, ``#`` lines as comments, every cell
filled, and a ``cite`` column, where there is one, citing the Official Guidelines ("OCG ...")."""

from __future__ import annotations

import csv
from importlib import resources

from codesuggest.errors import ConfigError

Row = dict[str, str]


def package_rows(package: str, name: str) -> list[Row]:
    """The rows of tab-separated file ``name`` in ``package``'s ``data`` folder, by its header,
    ``#`` lines left out (read as they are: for the files whose rows need no citation)."""
    text = resources.files(package).joinpath("data").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


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
