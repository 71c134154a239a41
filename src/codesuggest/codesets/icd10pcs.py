"""ICD-10-PCS: every valid code with its title, and the seven axes each code is built from.

Codes and titles are the list the ``drg`` package ships (Apache-2.0, from the Tuva Project;
CMS data, public domain): 78,638 codes of the FY2024 release (its latest New Technology group
is 9). The meaning of every axis value is our compact table ``data/icd10pcs_axes.tsv.gz``
(``codesuggest.codesets.pcs_convert``). A code's title is CMS's; a code cut short, as CodiEsp
labels some ("BN20"), names the part of a table it starts, and its title is the meanings of
its characters ("Imaging > Skull and Facial Bones > Computerized Tomography (CT Scan) >
Skull"). Both files are read on first use, not when the engine starts.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import re
import threading
from dataclasses import dataclass
from importlib import resources

from codesuggest.codesets.base import CodeInfo
from codesuggest.codesets.data_files import data_bytes, data_rows
from codesuggest.codesets.systems import PCS
from codesuggest.errors import CodeSetError

_MAX_PREFIX_TITLES = 50_000  # prefix titles kept once made (then made afresh)

SYSTEM = PCS
RELEASE = "FY2024 (drg 1.0.0, Tuva Project list)"
AXES_FILE = "icd10pcs_axes.tsv.gz"
NAMES_FILE = "icd10pcs_names.tsv"
DRG_TITLES = ("drg", "data/tuva/icd_10_pcs.csv")
LENGTH = 7
ROW = 4  # characters of a table row: section, body system, root operation, body part
SEP = " > "
_PLAIN = re.compile(r"[^A-Za-z0-9]")
_VALUES = re.compile(r"[0-9A-HJ-NP-Z]{1,7}")  # PCS uses neither I nor O


@dataclass(frozen=True)
class Axis:
    """One character of a code: its place (1-7), the axis it is in that section ("Body
    Part", "Contrast"), its value and what that value means there."""

    position: int
    name: str
    value: str
    meaning: str
    definition: str = ""


# a line of the list that needs no CSV parser: two quoted fields without quotes inside
_PLAIN_ROW = re.compile(r'^"([^"\n]*)","([^"\n]*)"\r?$', re.MULTILINE)


def drg_titles() -> dict[str, str]:
    """Every code of the ``drg`` package's ICD-10-PCS list with its title (read by a regular
    expression when every line is two plain quoted fields, as they are: a fifth of the CSV
    reader's time; by the CSV reader otherwise)."""
    package, name = DRG_TITLES
    return parse_titles(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def parse_titles(text: str) -> dict[str, str]:
    """The (code, title) rows of a two-column CSV text."""
    plain = _PLAIN_ROW.findall(text)
    if len(plain) == sum(1 for line in text.splitlines() if line.strip()):
        return dict(plain)
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if len(row) == 2}


def read_axes() -> dict[tuple[str, int, str], tuple[str, str]]:
    """The shipped axis table: (prefix, axis, value) -> (meaning, definition)."""
    lines = gzip.decompress(data_bytes(AXES_FILE)).decode("utf-8").splitlines()
    return {
        (row["prefix"], int(row["axis"]), row["value"]): (row["meaning"], row["definition"])
        for row in csv.DictReader(lines, delimiter="\t")
    }


class Icd10Pcs:
    """The ICD-10-PCS code list, its titles and the meaning of each code's characters."""

    name = SYSTEM
    labels = "code or table"

    def __init__(
        self,
        titles: dict[str, str],
        axes: dict[tuple[str, int, str], tuple[str, str]],
        axis_names: dict[str, tuple[str, ...]],
        release: str = RELEASE,
    ) -> None:
        self._titles = titles
        self._axes = axes
        self._axis_names = axis_names
        self._sorted = sorted(titles)
        self.release = release
        self._prefix_titles: dict[str, str] = {}  # the titles of prefixes asked, made once

    @classmethod
    def from_package(cls) -> Icd10Pcs:
        """The shipped release: ``drg``'s code list and our axis table."""
        names = {
            r["prefix"]: tuple(r["name"].split("|"))
            for r in data_rows(NAMES_FILE)
            if r["kind"] == "axes"
        }
        return cls(drg_titles(), read_axes(), names)

    # --- lookups ----------------------------------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._titles

    def __len__(self) -> int:
        return len(self._titles)

    def codes(self) -> list[str]:
        return list(self._sorted)

    def normalize(self, code: str) -> str | None:
        """The code in capitals without punctuation when it is a complete code, else None."""
        plain = _PLAIN.sub("", code).upper()
        return plain if plain in self._titles else None

    def is_prefix(self, code: str) -> bool:
        """Whether ``code`` (1-6 characters, capitals) starts at least one code: a table
        ("0DT"), a row of one ("BN20") or any part of a code."""
        if not 0 < len(code) < LENGTH or not _VALUES.fullmatch(code):
            return False
        i = bisect.bisect_left(self._sorted, code)
        return i < len(self._sorted) and self._sorted[i].startswith(code)

    def resolve(self, code: str) -> str | None:
        """A complete code or a valid prefix in its official form (capitals), else None."""
        plain = _PLAIN.sub("", code).upper()
        return plain if plain in self._titles or self.is_prefix(plain) else None

    def label(self, code: str) -> str | None:
        return self.as_label(code)

    def as_label(self, code: str) -> str | None:
        """In official form, a complete code of the release or a row of one of its tables
        (``BN20``): the two forms procedures are billed and labelled in (CodiEsp labels some by
        their row); None for anything else, a code cut short elsewhere included."""
        plain = self.resolve(code)
        if plain is None or not (plain in self._titles or len(plain) == ROW):
            return None
        return plain

    def _check(self, code: str) -> None:
        if code not in self._titles and not self.is_prefix(code):
            raise CodeSetError(f"{code!r} is not an {SYSTEM} code or table ({self.release})")

    def axes(self, code: str) -> list[Axis]:
        """The meaning of each character of ``code`` (complete or cut short)."""
        self._check(code)
        names = self._axis_names.get(code[0], ())
        out = []
        for i, value in enumerate(code, start=1):
            prefix = code[: min(i - 1, 3)]
            meaning, definition = self._axes.get((prefix, i, value), ("", ""))
            name = names[i - 1] if i <= len(names) else f"Character {i}"
            out.append(Axis(i, name, value, meaning, definition))
        return out

    def meaning(self, prefix: str, axis: int, value: str) -> str:
        """What ``value`` means at ``axis`` after ``prefix`` (its first ``min(axis-1, 3)``
        characters matter); "" when the table holds no such value."""
        return self._axes.get((prefix[: min(axis - 1, 3)], axis, value), ("", ""))[0]

    def title(self, code: str) -> str:
        """CMS's title of a complete code; the meanings of its characters for a prefix."""
        found = self._titles.get(code)
        if found is None:
            found = self._prefix_titles.get(code)
        if found is not None:
            return found
        self._check(code)
        if len(self._prefix_titles) >= _MAX_PREFIX_TITLES:  # a server runs for months
            self._prefix_titles.clear()
        found = self._prefix_titles[code] = SEP.join(a.meaning or a.value for a in self.axes(code))
        return found

    def is_billable(self, code: str) -> bool:
        """Only a complete code of the release is reported."""
        self._check(code)
        return code in self._titles

    def parent(self, code: str) -> str | None:
        """The row of its table a code starts (4 characters), and that row's table (3)."""
        self._check(code)
        if len(code) > 4:
            return code[:4]
        return code[:3] if len(code) == 4 else None

    def ancestors(self, code: str) -> list[str]:
        out: list[str] = []
        node = self.parent(code)
        while node is not None:
            out.append(node)
            node = self.parent(node)
        return out

    def billable_descendants(self, code: str, limit: int = 50) -> list[str]:
        """The complete codes starting with ``code``, in code order."""
        out: list[str] = []
        i = bisect.bisect_left(self._sorted, code)
        while i < len(self._sorted) and self._sorted[i].startswith(code) and len(out) < limit:
            out.append(self._sorted[i])
            i += 1
        return out

    def info(self, code: str) -> CodeInfo:
        self._check(code)
        return CodeInfo(
            code=code,
            system=SYSTEM,
            title=self.title(code),
            billable=code in self._titles,
            parent=self.parent(code),
        )


_LOCK = threading.Lock()
_SHIPPED: list[Icd10Pcs] = []


def shipped_pcs() -> Icd10Pcs:
    """The shipped release, read once per process on first use."""
    with _LOCK:
        if not _SHIPPED:
            _SHIPPED.append(Icd10Pcs.from_package())
        return _SHIPPED[0]
