"""Integrity tests for the project's own clinical lexicon data files."""

import csv
from pathlib import Path

import pytest

cm = pytest.importorskip("simple_icd_10_cm")

DATA_DIR = Path(__file__).parents[2] / "src/codesuggest/codesets/data"
SYNONYMS = DATA_DIR / "synonyms.tsv"
HISTORY = DATA_DIR / "history_codes.tsv"
ABBREVIATIONS = DATA_DIR / "abbreviation_expansions.tsv"

ALLOWED_KINDS = {"abbreviation", "synonym", "plain", "inverted"}
PERSONAL_HISTORY_PREFIXES = ("Z85", "Z86", "Z87")
FAMILY_HISTORY_PREFIXES = ("Z80", "Z81", "Z82", "Z83", "Z84")


def _read(path):
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        rows = list(reader)
    return header, rows


@pytest.fixture(scope="module")
def synonyms():
    return _read(SYNONYMS)


@pytest.fixture(scope="module")
def history():
    return _read(HISTORY)


@pytest.fixture(scope="module")
def abbreviations():
    return _read(ABBREVIATIONS)


@pytest.fixture(scope="module")
def synonym_pairs(synonyms):
    _, rows = synonyms
    return {(row[0], row[1]) for row in rows}


@pytest.fixture(scope="module")
def history_by_prefix(history):
    _, rows = history
    return {row[0]: row for row in rows}


# --- synonyms.tsv -------------------------------------------------------------


def test_synonyms_header_is_exact(synonyms):
    header, _ = synonyms
    assert header == ["phrase", "code", "kind"]


def test_synonyms_rows_have_three_columns(synonyms):
    _, rows = synonyms
    bad = [row for row in rows if len(row) != 3]
    assert not bad, bad[:10]


def test_synonyms_has_broad_coverage(synonyms):
    _, rows = synonyms
    assert len(rows) >= 1500


def test_synonyms_no_duplicate_phrase_code_pairs(synonyms):
    _, rows = synonyms
    seen, dups = set(), []
    for phrase, code, _kind in rows:
        if (phrase, code) in seen:
            dups.append((phrase, code))
        seen.add((phrase, code))
    assert not dups, dups[:10]


def test_synonyms_phrases_are_lowercase_stripped_nonempty(synonyms):
    _, rows = synonyms
    bad = [
        row[0] for row in rows if not row[0] or row[0] != row[0].strip() or row[0] != row[0].lower()
    ]
    assert not bad, bad[:10]


def test_synonyms_phrases_have_no_internal_whitespace_runs(synonyms):
    _, rows = synonyms
    bad = [row[0] for row in rows if "  " in row[0] or "\t" in row[0]]
    assert not bad, bad[:10]


def test_synonyms_kinds_are_allowed(synonyms):
    _, rows = synonyms
    bad = {row[2] for row in rows} - ALLOWED_KINDS
    assert not bad


def test_synonyms_every_kind_is_used(synonyms):
    _, rows = synonyms
    assert {row[2] for row in rows} == ALLOWED_KINDS


def test_synonyms_codes_are_dotted_uppercase(synonyms):
    _, rows = synonyms
    bad = [
        row[1]
        for row in rows
        if row[1] != row[1].strip().upper() or (len(row[1]) > 3 and row[1][3] != ".")
    ]
    assert not bad, bad[:10]


def test_synonyms_codes_are_valid_icd10cm(synonyms):
    _, rows = synonyms
    bad = sorted({row[1] for row in rows if not cm.is_valid_item(row[1])})
    assert not bad, bad[:20]


def test_synonyms_codes_are_billable_leaves(synonyms):
    _, rows = synonyms
    bad = sorted({row[1] for row in rows if not cm.is_leaf(row[1])})
    assert not bad, bad[:20]


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("htn", "I10"),
        ("high blood pressure", "I10"),
        ("hypertension", "I10"),
        ("type 2 diabetes mellitus", "E11.9"),
        ("diabetes type 2", "E11.9"),
        ("dm2", "E11.9"),
        ("heart attack", "I21.9"),
        ("chf", "I50.9"),
        ("copd", "J44.9"),
        ("afib", "I48.91"),
        ("uti", "N39.0"),
        ("pneumonia", "J18.9"),
        ("chest pain", "R07.9"),
        ("breast cancer", "C50.919"),
        ("mi", "I21.9"),
    ],
)
def test_synonyms_must_have_mapping_present(synonym_pairs, phrase, code):
    assert (phrase, code) in synonym_pairs


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("htn", "abbreviation"),
        ("high blood pressure", "plain"),
        ("diabetes type 2", "inverted"),
        ("hypertension", "synonym"),
    ],
)
def test_synonyms_kind_matches_phrase_style(synonyms, phrase, kind):
    _, rows = synonyms
    assert (phrase, kind) in {(row[0], row[2]) for row in rows}


def test_synonyms_type_phrases_match_diabetes_type(synonyms):
    _, rows = synonyms
    bad = []
    for phrase, code, _kind in rows:
        words = phrase.replace(",", " ").split()
        if (("type" in words and "1" in words) or "t1dm" in words) and code.startswith("E11"):
            bad.append((phrase, code))
        if (("type" in words and "2" in words) or "t2dm" in words) and code.startswith("E10"):
            bad.append((phrase, code))
    assert not bad, bad


# --- history_codes.tsv --------------------------------------------------------


def test_history_header_is_exact(history):
    header, _ = history
    assert header == ["prefix", "personal_history", "family_history", "note"]


def test_history_rows_have_four_columns(history):
    _, rows = history
    bad = [row for row in rows if len(row) != 4]
    assert not bad, bad[:10]


def test_history_prefixes_are_unique_and_uppercase(history):
    _, rows = history
    prefixes = [row[0] for row in rows]
    assert len(prefixes) == len(set(prefixes))
    assert all(p and p == p.strip().upper() for p in prefixes)


def test_history_has_broad_coverage(history):
    _, rows = history
    assert len(rows) >= 150


def test_history_codes_are_valid_icd10cm(history):
    _, rows = history
    bad = [
        (row[0], code) for row in rows for code in row[1:3] if code and not cm.is_valid_item(code)
    ]
    assert not bad, bad[:20]


def test_history_personal_codes_are_history_codes(history):
    _, rows = history
    bad = [
        (row[0], row[1])
        for row in rows
        if row[1] and not (row[1].startswith(PERSONAL_HISTORY_PREFIXES) or row[1] == "I25.2")
    ]
    assert not bad, bad


def test_history_family_codes_are_family_history_codes(history):
    _, rows = history
    bad = [
        (row[0], row[2])
        for row in rows
        if row[2] and not row[2].startswith(FAMILY_HISTORY_PREFIXES)
    ]
    assert not bad, bad


@pytest.mark.parametrize(
    ("prefix", "personal", "family"),
    [
        ("C50", "Z85.3", "Z80.3"),
        ("I21", "I25.2", None),
        ("I63", "Z86.73", "Z82.3"),
        ("F17", "Z87.891", None),
        ("E11", "", "Z83.3"),
    ],
)
def test_history_must_have_mapping_present(history_by_prefix, prefix, personal, family):
    row = history_by_prefix[prefix]
    assert row[1] == personal
    if family is not None:
        assert row[2] == family


# --- abbreviation_expansions.tsv ---------------------------------------------


def test_abbreviations_header_is_exact(abbreviations):
    header, _ = abbreviations
    assert header == ["abbreviation", "expansion"]


def test_abbreviations_rows_are_lowercase_stripped_nonempty(abbreviations):
    _, rows = abbreviations
    bad = [
        row
        for row in rows
        if len(row) != 2
        or not all(cell and cell == cell.strip() and cell == cell.lower() for cell in row)
    ]
    assert not bad, bad[:10]


def test_abbreviations_are_unique(abbreviations):
    _, rows = abbreviations
    keys = [row[0] for row in rows]
    assert len(keys) == len(set(keys))


def test_abbreviations_has_broad_coverage(abbreviations):
    _, rows = abbreviations
    assert len(rows) >= 100


@pytest.mark.parametrize(
    ("abbreviation", "expansion"),
    [
        ("hx", "history"),
        ("s/p", "status post"),
        ("r/o", "rule out"),
        ("w/o", "without"),
        ("lle", "left lower extremity"),
    ],
)
def test_abbreviations_must_have_expansion_present(abbreviations, abbreviation, expansion):
    _, rows = abbreviations
    assert [abbreviation, expansion] in rows
