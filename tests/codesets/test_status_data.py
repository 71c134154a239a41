"""Integrity tests for the status data files: status_codes.tsv, bmi_ranges.tsv,
status_cues.json, and the status phrases of synonyms.tsv."""

import csv
import itertools
import json
import re
from pathlib import Path

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.status import KINDS, StatusCodes

DATA_DIR = Path(__file__).parents[2] / "src/codesuggest/codesets/data"


def _rows(name):
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def codeset(cs: Icd10Cm) -> Icd10Cm:
    """The session's packaged code set (tests/conftest.py; read-only)."""
    return cs


@pytest.fixture(scope="module")
def status():
    return StatusCodes.load()


def test_status_codes_prefixes_unique_known_kinds_and_in_code_set(codeset):
    rows = _rows("status_codes.tsv")
    prefixes = [r["prefix"] for r in rows]
    assert len(prefixes) == len(set(prefixes))
    assert {r["kind"] for r in rows} <= KINDS
    chapters = {"V", "W", "X", "Y0"}  # chapter letters: no code of their own
    missing = [
        p
        for p in prefixes
        if p not in chapters and p not in codeset and not codeset.billable_descendants(p)
    ]
    assert not missing, missing


def test_bmi_ranges_codes_billable_unique_and_contiguous(codeset):
    rows = _rows("bmi_ranges.tsv")
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(c in codeset and codeset.is_billable(c) for c in codes)
    for measure in ("value", "percentile"):
        spans = sorted((float(r["low"]), float(r["high"])) for r in rows if r["measure"] == measure)
        assert spans[0][0] == 0
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans)), spans


def test_bmi_ranges_titles_match_their_values(codeset):
    for r in _rows("bmi_ranges.tsv"):
        title = codeset.title(r["code"]).lower()
        if r["measure"] == "value" and float(r["low"]) >= 20:
            assert f"{int(float(r['low']))}" in title, (r, title)
        if r["measure"] == "percentile":
            assert "pediatric" in title, (r, title)


def test_status_cues_keys_are_lists_of_lowercase_strings():
    cues = json.loads((DATA_DIR / "status_cues.json").read_text("utf-8"))
    for key, words in cues.items():
        assert words and all(w == w.lower().strip() and w for w in words), key
        assert len(words) == len(set(words)), key


def test_synonyms_status_phrases_are_billable_and_unique(codeset, status):
    rows = [r for r in _rows("synonyms.tsv") if status.kind(r["code"]) is not None]
    assert len(rows) > 500
    pairs = [(r["phrase"], r["code"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    bad = [p for p in pairs if p[1] not in codeset or not codeset.is_billable(p[1])]
    assert not bad, bad[:10]


def test_synonyms_bmi_numbers_name_the_code_of_their_value(status):
    rows = [r for r in _rows("synonyms.tsv") if r["code"].startswith("Z68")]
    checked = 0
    numbered = re.compile(r"(bmi|body mass index) \d+(st|nd|rd|th percentile)?")
    for r in rows:
        if numbered.fullmatch(r["phrase"]):
            assert status.bmi_code(r["phrase"]) == r["code"], r
            checked += 1
    assert checked > 200
