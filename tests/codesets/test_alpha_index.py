"""The Alphabetic Index as lexicon phrases: code resolution, the noise filter, index paths."""

from __future__ import annotations

import pytest

from codesuggest.codesets.alpha_index import (
    SOURCE,
    alias_rows,
    drug_aliases,
    index_phrases,
    index_rows,
    noise_entries,
    resolve_code,
)
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import Phrase, compile_lexicon
from codesuggest.extract.normalize import content_words


@pytest.fixture(scope="module")
def phrases(cs: Icd10Cm) -> list[Phrase]:
    return list(index_phrases(cs))


def test_codes_resolve_against_the_shipped_code_set(cs: Icd10Cm) -> None:
    assert resolve_code("I10", cs) == "I10"
    assert resolve_code("W11", cs) == "W11.XXXA"  # a 7th character is needed: initial encounter
    assert resolve_code("T46.4X5", cs) == "T46.4X5A"
    assert resolve_code("S82.87", cs) == "S82.87"  # subdivided: the hierarchy picks children
    assert resolve_code("Z99.99", cs) is None


def test_every_phrase_names_a_code_of_the_code_set_with_its_path(
    cs: Icd10Cm, phrases: list[Phrase]
) -> None:
    assert len(phrases) > 100_000
    assert all(p.code in cs and p.source == SOURCE and p.path for p in phrases)
    assert not any(p.code.startswith("Y9") for p in phrases)  # place/activity: by hand


def test_noise_entries_are_left_out(phrases: list[Phrase]) -> None:
    noisy = noise_entries()
    assert noisy, "the shipped noise filter is empty"
    paths = {r.path for r in index_rows()}
    assert all(path in paths for path, _ in noisy)
    kept = {(p.path, p.code) for p in phrases}
    assert not any((path, code) in kept for path, code in noisy)


def test_index_phrases_carry_their_path_into_the_lexicon(
    cs: Icd10Cm, phrases: list[Phrase]
) -> None:
    wanted = {"I11.0", "G43.019", "C50.919", "W11.XXXA"}
    index = compile_lexicon([p for p in phrases if p.code in wanted], cs)
    key = index.keys.index(tuple(sorted(set(content_words("hypertension heart failure")))))
    assert index.paths[key, "I11.0"] == "Hypertension, hypertensive > with > heart failure"
    assert ("index", "I11.0") in {(s, c) for c, s in index.codes[key]} or any(
        c == "I11.0" for c, _ in index.codes[key]
    )


def test_hand_written_exclusions_are_left_out(phrases: list[Phrase]) -> None:
    # "Falling, falls (repeated)": read without its modifier, one fall would be R29.6
    assert ("Falling, falls", "R29.6") in noise_entries()
    kept = {(p.path, p.code) for p in phrases}
    assert ("Falling, falls", "R29.6") not in kept
    assert ("Repeated falls", "R29.6") in kept


def test_bare_stress_names_no_stress_disorder(phrases: list[Phrase]) -> None:
    # "stress test", "stress echo": bare "stress" is no reaction to severe stress
    kept = {(p.path, p.code) for p in phrases}
    assert ("Stress", "F43.9") not in kept


def test_drug_aliases_are_absent_from_the_table_and_name_an_entry_of_it() -> None:
    entries = {r.path.rpartition(" > ")[0].lower() for r in index_rows() if r.table == "drug"}
    aliases = drug_aliases()
    assert aliases
    for drug, entry in aliases:
        assert drug.lower() not in entries, drug  # the table codes it itself
        assert entry.lower() in entries, entry


def test_drug_alias_takes_every_column_of_its_entry(phrases: list[Phrase]) -> None:
    rows = [r for r in alias_rows(index_rows()) if r.words.startswith("amlodipine ")]
    assert {r.code for r in rows} == {"T46.1X1", "T46.1X2", "T46.1X5", "T46.1X6"}
    found = {(p.text, p.code) for p in phrases if p.text.startswith("amlodipine ")}
    assert ("amlodipine adverse effect", "T46.1X5A") in found
    assert ("amlodipine induced", "T46.1X5A") in found
    assert ("amlodipine overdose", "T46.1X1A") in found
    path = next(p.path for p in phrases if p.text == "amlodipine adverse effect")
    assert path == "Blockers, calcium channel (amlodipine) > AdverseEffect"
