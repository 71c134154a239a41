"""The packaged rule tables: strict reading, valid codes, no duplicates, citations."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.kinds.combination import SUPERSEDES_COLUMNS, WITHOUT_TERMS_COLUMNS
from codesuggest.rules.kinds.integral import COLUMNS as INTEGRAL_COLUMNS
from codesuggest.rules.tables import parse_table, prefixes, read_table

TABLES = {"integral_symptoms.tsv": INTEGRAL_COLUMNS, "supersedes.tsv": SUPERSEDES_COLUMNS}
COLUMNS = ("a", "b", "cite")


def test_parse_table_reads_rows_and_skips_comments() -> None:
    rows = parse_table("# note\na\tb\tcite\nI10\tI11 I12\tOCG I.C.9.a\n", "t.tsv", COLUMNS)
    assert rows == ({"a": "I10", "b": "I11 I12", "cite": "OCG I.C.9.a"},)
    assert prefixes(rows[0]["b"]) == ("I11", "I12")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\tb\n", "header"),
        ("a\tb\tcite\nI10\tI11\n", "3 non-empty cells"),
        ("a\tb\tcite\nI10\t \tOCG I.B.5\n", "3 non-empty cells"),
        ("a\tb\tcite\nI10\tI11\tI.B.5\n", "cite must start"),
    ],
)
def test_parse_table_rejects_malformed(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_table(text, "t.tsv", COLUMNS)


def test_read_table_rejects_names_outside_the_package() -> None:
    with pytest.raises(ConfigError, match="not found"):
        read_table("missing.tsv", COLUMNS)
    with pytest.raises(ConfigError, match=r"\.tsv file name"):
        read_table("../rules.json", COLUMNS)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_packaged_table_codes_are_in_the_code_set(name: str, cs: Icd10Cm) -> None:
    columns = TABLES[name]
    bad = [
        (row[col], code)
        for row in read_table(name, columns)
        for col in columns[:2]
        for code in prefixes(row[col])
        if code not in cs
    ]
    assert bad == []


@pytest.mark.parametrize("name", sorted(TABLES))
def test_packaged_table_has_no_duplicate_pairs(name: str) -> None:
    left, right = TABLES[name][:2]
    pairs = [
        (a, b)
        for row in read_table(name, TABLES[name])
        for a in prefixes(row[left])
        for b in prefixes(row[right])
    ]
    assert len(pairs) == len(set(pairs))
    assert all(a != b for a, b in pairs)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_packaged_table_rows_cite_and_explain(name: str) -> None:
    rows = read_table(name, TABLES[name])
    assert all(row["cite"].startswith("OCG I.") for row in rows)
    assert all(len(row["comment"]) > 15 for row in rows)


def test_integral_symptoms_covers_the_common_pairs() -> None:
    rows = read_table("integral_symptoms.tsv", INTEGRAL_COLUMNS)
    assert len(rows) >= 80
    pairs = {
        (s, c) for r in rows for s in prefixes(r["symptom"]) for c in prefixes(r["conditions"])
    }
    for pair in [("R06.0", "I50"), ("R05", "J20"), ("M25.53", "S52.5"), ("R07.9", "I21")]:
        assert pair in pairs


def test_integral_symptoms_leaves_out_what_the_classification_codes_beside() -> None:
    rows = read_table("integral_symptoms.tsv", INTEGRAL_COLUMNS)
    conditions = {c for r in rows for c in prefixes(r["conditions"])}
    symptoms = {s for r in rows for s in prefixes(r["symptom"])}
    assert "N40.1" not in conditions  # BPH with LUTS: use additional code for the symptoms
    assert "R45.851" not in symptoms  # suicidal ideation is coded beside depression


def test_packaged_combinations_use_valid_codes_and_cite(cs: Icd10Cm) -> None:
    text = resources.files("codesuggest.rules").joinpath("data/rules.json").read_text("utf-8")
    rules = {r["name"]: r for r in json.loads(text)["rules"]}
    combo = rules["combination-codes"]
    assert "OCG I.C.9.a.3" in combo["description"]
    codes = [
        c
        for x in combo["params"]["combinations"]
        for c in [*x["all_of"], x["code"], *x["replaces"]]
    ]
    assert [c for c in codes if c not in cs] == []
    keys = [(tuple(x["all_of"]), x["code"]) for x in combo["params"]["combinations"]]
    assert len(keys) == len(set(keys))


def test_without_terms_rows_name_without_codes_and_terms(cs: Icd10Cm) -> None:
    rows = read_table("without_terms.tsv", WITHOUT_TERMS_COLUMNS)
    assert rows
    for row in rows:
        for code in prefixes(row["codes"]):
            assert code in cs
            assert "without" in cs.title(code).lower() or "not specified" in cs.title(code)
        assert all(t.strip() for t in row["terms"].split(";"))
        assert row["cite"].startswith("OCG I.")
        assert len(row["comment"]) > 15
