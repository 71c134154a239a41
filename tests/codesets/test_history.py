"""HistoryMap: the personal- and family-history code of a condition."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesuggest.codesets.history import HistoryMap, self_asserting
from codesuggest.codesets.icd10cm import Icd10Cm


@pytest.fixture(scope="module")
def history() -> HistoryMap:
    return HistoryMap.load()


@pytest.mark.parametrize("code", ["C50", "C50.919", "C50.411"])
def test_lookup_breast_cancer_family_and_personal(history: HistoryMap, code: str) -> None:
    assert history.lookup(code, "family_history") == "Z80.3"
    assert history.lookup(code, "personal_history") == "Z85.3"


@pytest.mark.parametrize("code", ["I21.9", "I21.A1", "I22.0"])
def test_lookup_myocardial_infarction_personal_is_old_mi(history: HistoryMap, code: str) -> None:
    assert history.lookup(code, "personal_history") == "I25.2"


def test_lookup_empty_column_is_none(history: HistoryMap) -> None:
    assert history.lookup("I10", "personal_history") is None
    assert history.lookup("I10", "family_history") == "Z82.49"


def test_is_chronic_for_conditions_without_personal_history(history: HistoryMap) -> None:
    assert history.is_chronic("I10")
    assert history.is_chronic("E11.9")
    assert not history.is_chronic("I21.9")
    assert not history.is_chronic("C50.919")
    assert not history.is_chronic("R07.9")  # no row at all


def test_chapter_wide_rows_ignored_with_default_min_prefix(history: HistoryMap) -> None:
    # I95 (hypotension) has no row of its own; only the chapter-wide "I" row covers it
    assert history.lookup("I95.9", "personal_history") is None
    assert history.lookup("I95.9", "personal_history", min_prefix=1) == "Z86.79"
    assert not history.is_chronic("I95.9")


def test_unknown_prefix_is_none(history: HistoryMap) -> None:
    assert history.lookup("R07.9", "personal_history", min_prefix=1) is None


def test_parse_uses_longest_prefix() -> None:
    text = "prefix\tpersonal_history\tfamily_history\nC\tZ85.9\tZ80.9\nC50\tZ85.3\tZ80.3\n"
    history = HistoryMap.parse(text)
    assert history.lookup("C50.9", "personal_history") == "Z85.3"
    assert history.lookup("C61", "personal_history", min_prefix=1) == "Z85.9"


def test_load_path_reads_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "history_codes.tsv"
    path.write_text("prefix\tpersonal_history\tfamily_history\nj18\tZ87.01\tZ83.6\n", "utf-8")
    history = HistoryMap.load_path(path)
    assert history.lookup("J18.9", "personal_history") == "Z87.01"  # prefix upper-cased


def test_codes_that_state_a_history_themselves_are_data(cs: Icd10Cm) -> None:
    found = self_asserting()
    assert set(found) == {"family", "historical"}
    assert found["family"] == ("Z80", "Z81", "Z82", "Z83", "Z84")
    assert {"Z85", "Z86", "Z87", "Z92", "I25.2"} <= set(found["historical"])
    for prefixes in found.values():
        assert all(p in cs for p in prefixes)  # each a category or code of the code set
    # no code states both histories
    assert not {p[:3] for p in found["family"]} & {p[:3] for p in found["historical"]}
