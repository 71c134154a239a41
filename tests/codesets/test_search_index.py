"""The search index: entries from titles, inclusion terms, the Index and our phrases."""

from __future__ import annotations

import pytest

from codesuggest.codesets.search import CodeSearch, code_search
from codesuggest.codesets.search_index import fillers, query_words, search_stopwords
from codesuggest.engine import Engine


@pytest.fixture(scope="module")
def search(engine: Engine) -> CodeSearch:
    return code_search(engine.codeset, engine.learned)


def entries_of(search: CodeSearch, code: str) -> list[tuple[str, str, str, float]]:
    index = search.index
    return [
        (e.kind, e.text, e.path, float(index.entry_len[i]))
        for i, e in enumerate(index.entries)
        if e.code == code
    ]


def test_query_words_are_normalised_as_notes_are() -> None:
    words = query_words("Renal failures of the Other kind")
    assert [w.stem for w in words] == ["renal", "failure", "other", "kind"]
    assert words[0].canonical == ("kidney",)
    assert "other" not in search_stopwords() and "of" in search_stopwords()
    assert {"initial", "encounter"} <= fillers()


def test_a_code_has_its_title_its_index_entries_and_our_phrases(search: CodeSearch) -> None:
    kinds = {kind for kind, *_ in entries_of(search, "I10")}
    assert {"title", "index", "abbreviation", "synonym"} <= kinds
    index_paths = {path for kind, _, path, _ in entries_of(search, "I10") if kind == "index"}
    assert "Hypertension, hypertensive" in index_paths


def test_nonessential_modifiers_and_fillers_are_not_required(search: CodeSearch) -> None:
    titles = {text: n for kind, text, _, n in entries_of(search, "I50.20") if kind == "title"}
    # systolic, heart, failure: "(congestive)" and "unspecified" are not required
    assert titles == {"Unspecified systolic (congestive) heart failure": 3.0}
    fracture = entries_of(search, "S72.002A")
    # "Fracture of unspecified part of neck of left femur, initial encounter for closed
    # fracture": fracture, neck, left, femur, closed ("part" is a function word)
    assert [n for kind, _, _, n in fracture if kind == "title"] == [5.0]


def test_index_codes_needing_a_7th_character_are_initial_encounters(search: CodeSearch) -> None:
    ladder = [
        e for e in search.index.entries if e.path == "Fall, falling > from, off, out of > ladder"
    ]
    assert ladder and {e.code for e in ladder} == {"W11.XXXA"}


def test_supplementary_factors_the_engine_never_proposes_can_be_found(search: CodeSearch) -> None:
    assert "Y93.02" in [h.code for h in search.search("activity running", limit=5)]
