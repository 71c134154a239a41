"""The lexicon: title and inclusion-term variants, and the compiled matcher index."""

from __future__ import annotations

import pytest

from codesuggest.codesets.data_files import data_rows
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import (
    MAX_VARIANT_CODES,
    NONFINDING_FILE,
    Phrase,
    code_set_phrases,
    compile_lexicon,
    data_phrases,
    extend_lexicon,
    inclusion_variants,
    lowercase_abbreviations,
    nonfinding_phrases,
    pair_variants,
    title_variants,
)
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.normalize import content_words


@pytest.fixture(scope="module")
def index(cs: Icd10Cm) -> LexiconIndex:
    phrases = [
        Phrase("Type 2 diabetes mellitus without complications", "E11.9", "title"),
        Phrase("Type 2 diabetes mellitus", "E11.9", "variant"),
        Phrase("htn", "I10", "abbreviation"),
        Phrase("Hypertension", "I10", "synonym"),
        Phrase("hypertension", "I10", "variant"),  # same key: the stronger source stays
        Phrase("MI", "I21.9", "abbreviation"),
        Phrase("Acute myocardial infarction", "I21.9", "variant"),
        Phrase("Acute myocardial infarction", "I21.A1", "variant"),
        Phrase("chest pain", "R07.9", "synonym"),
        Phrase("Chest pains", "R07.9", "plain"),  # plural: same key as "chest pain"
        Phrase("pain", "R52", "synonym"),
        Phrase("of the", "R69", "title"),  # only stop words: no key
        Phrase("x", "R69", "title"),  # one-letter key: dropped
    ]
    return compile_lexicon(phrases, cs)


def _key_id(index: LexiconIndex, *words: str) -> int:
    return index.keys.index(tuple(sorted(words)))


def test_title_variants_drop_parenthetical_modifiers() -> None:
    variants = title_variants("Essential (primary) hypertension")
    assert "Essential hypertension" in variants
    assert "primary Essential hypertension" in variants
    assert "Essential (primary) hypertension" in variants


def test_title_variants_drop_unspecified_segments() -> None:
    assert title_variants("Pneumonia, unspecified organism") == {
        "Pneumonia, unspecified organism",
        "Pneumonia",
    }
    assert "Urinary tract infection" in title_variants(
        "Urinary tract infection, site not specified"
    )
    assert "Acute myocardial infarction" in title_variants(
        "Acute myocardial infarction, unspecified"
    )


def test_title_variants_keep_a_segment_naming_a_site_left_open() -> None:
    # "fascia and tendon of unspecified hip" continues the title's list: the hip stays, so
    # "lumbar muscle strain" does not read "Strain of muscle" of the hip (S76.019A)
    variants = {
        " ".join(v.split())
        for v in title_variants("Strain of muscle, fascia and tendon of unspecified hip")
    }
    assert "Strain of muscle" not in variants
    assert "Strain of muscle, fascia and tendon of hip" in variants
    assert "Epiphora" in title_variants("Epiphora, unspecified side")


def test_title_variants_drop_without_complications() -> None:
    variants = {v.strip() for v in title_variants("Type 2 diabetes mellitus without complications")}
    assert variants == {
        "Type 2 diabetes mellitus without complications",
        "Type 2 diabetes mellitus",
    }


def test_title_variants_drop_initial_encounter_segment() -> None:
    title = (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )
    assert "Fracture of unspecified part of neck of right femur" in title_variants(title)


def test_title_variants_drop_both() -> None:
    title = "Crohn's disease of both small and large intestine with rectal bleeding"
    assert "Crohn's disease of small and large intestine with rectal bleeding" in (
        title_variants(title)
    )


def test_inclusion_variants_apply_each_modifier_alone() -> None:
    assert inclusion_variants("Hypertension (arterial) (benign) (essential)") == {
        "Hypertension",
        "arterial Hypertension",
        "benign Hypertension",
        "essential Hypertension",
    }
    assert inclusion_variants("Infarction of heart (acute)") == {
        "Infarction of heart",
        "acute Infarction of heart",
    }


def test_inclusion_variants_skip_code_references() -> None:
    assert inclusion_variants("Hypertensive heart disease (see I11.-)") == {
        "Hypertensive heart disease"
    }
    assert inclusion_variants("Heart attack") == {"Heart attack"}


def test_compile_lexicon_maps_keys_to_codes(index: LexiconIndex) -> None:
    dm = _key_id(index, "type", "2", "diabetes", "mellitus", "without", "complication")
    assert index.codes[dm] == (("E11.9", "title"),)
    assert index.codes[_key_id(index, "diabetes", "mellitus", "type", "2")] == (
        ("E11.9", "variant"),
    )
    ami = _key_id(index, "acute", "myocardial", "infarction")
    assert [c for c, _ in index.codes[ami]] == ["I21.9", "I21.A1"]


def test_compile_lexicon_keeps_strongest_source_per_code(index: LexiconIndex) -> None:
    assert index.codes[_key_id(index, "hypertension")] == (("I10", "synonym"),)
    assert index.codes[_key_id(index, "chest", "pain")] == (("R07.9", "synonym"),)


def test_compile_lexicon_drops_empty_and_one_letter_keys(index: LexiconIndex) -> None:
    assert len(index) == 8
    assert all(code != "R69" for codes in index.codes for code, _ in codes)


def test_compile_lexicon_anchors_every_key_on_one_of_its_words(index: LexiconIndex) -> None:
    anchored = sorted(i for ids in index.anchors.values() for i in ids)
    assert anchored == list(range(len(index)))
    for word, ids in index.anchors.items():
        assert all(word in index.keys[i] for i in ids)
    # "pain" appears in two keys, "chest" in one: the rarer word anchors "chest pain"
    assert _key_id(index, "chest", "pain") in index.anchors["chest"]


def test_compile_lexicon_short_abbreviations_are_upper_only(index: LexiconIndex) -> None:
    assert _key_id(index, "mi") in index.upper_only
    # "htn" is no English word: typed in lower case it still means hypertension
    assert _key_id(index, "htn") not in index.upper_only
    assert "htn" in lowercase_abbreviations()
    assert _key_id(index, "pain") not in index.upper_only
    assert _key_id(index, "chest", "pain") not in index.upper_only


def test_compile_lexicon_title_words_for_every_code(index: LexiconIndex, cs: Icd10Cm) -> None:
    assert index.title_words["E11.9"] == 6
    assert index.title_words["I10"] == len({"essential", "primary", "hypertension"})
    assert len(index.title_words) == len(cs)


def test_extend_lexicon_adds_codes_and_keys_and_leaves_its_base(index: LexiconIndex) -> None:
    before = (list(index.keys), list(index.codes), {w: list(i) for w, i in index.anchors.items()})
    extended = extend_lexicon(
        index,
        [
            (("hypertension",), "I11.9", "learned"),  # an existing key names one more code
            (("hypertension",), "I10", "learned"),  # a code the key names keeps its source
            (("hta",), "I10", "learned"),  # a new short key: upper case only
            (("chest", "pain", "pressure"), "I20.9", "learned"),
        ],
    )
    assert (list(index.keys), list(index.codes)) == before[:2]
    assert {w: list(i) for w, i in index.anchors.items()} == before[2]
    assert not index.weak
    assert extended.codes[_key_id(extended, "hypertension")] == (
        ("I10", "synonym"),
        ("I11.9", "learned"),
    )
    hta = _key_id(extended, "hta")
    assert extended.codes[hta] == (("I10", "learned"),)
    assert hta in extended.upper_only and hta in extended.weak
    assert _key_id(extended, "hypertension") not in extended.weak
    anchored = sorted(i for ids in extended.anchors.values() for i in ids)
    assert anchored == list(range(len(extended)))
    assert len(extended) == len(index) + 2


def test_data_phrases_are_normalized_codes(cs: Icd10Cm) -> None:
    phrases = list(data_phrases(cs))
    assert Phrase("htn", "I10", "abbreviation") in phrases
    assert all(p.code in cs for p in phrases)
    assert {p.source for p in phrases} <= {"abbreviation", "synonym", "plain", "inverted"}


def test_lowercase_abbreviations_are_no_english_words() -> None:
    # each reads one way only; English words of three letters stay upper-case only
    found = lowercase_abbreviations()
    assert {"htn", "hld", "ckd", "uti"} <= found
    assert not found & {"pad", "all", "has", "aid", "ms", "pe", "ra", "mi", "cp"}


def test_code_set_phrases_leave_out_variants_many_codes_share(cs: Icd10Cm) -> None:
    variants: dict[str, set[str]] = {}
    for p in code_set_phrases(cs):
        if p.source == "variant":
            variants.setdefault(p.text.lower(), set()).add(p.code)
    # "Fistula, unspecified shoulder", "..., unspecified elbow": bare "fistula" names no joint
    assert "fistula" not in variants
    assert "alcohol use" not in variants  # nor "... unspecified with intoxication delirium"
    assert "J18.9" in variants["pneumonia"]  # a variant few codes share stays
    assert all(len(codes) <= MAX_VARIANT_CODES for codes in variants.values())


def test_nonfinding_phrases_are_keys_naming_no_code(cs: Icd10Cm) -> None:
    found = nonfinding_phrases()
    assert {p.text for p in found} >= {"stress test", "fall precautions"}
    assert all(p.code == "" and p.source == "nonfinding" for p in found)
    index = compile_lexicon([Phrase("stress", "Z73.3", "variant"), *found], cs)
    assert index.codes[_key_id(index, "stress", "test")] == ()
    assert index.codes[_key_id(index, "stress")] == (("Z73.3", "variant"),)
    # a phrase that names a code as well keeps it
    both = compile_lexicon([Phrase("stress test", "R94.39", "synonym"), *found], cs)
    assert both.codes[_key_id(both, "stress", "test")] == (("R94.39", "synonym"),)


def test_nonfinding_phrase_file_rows_are_complete() -> None:
    rows = data_rows(NONFINDING_FILE)
    assert rows
    for row in rows:
        assert row["reason"].strip(), row
        # it hides a smaller finding only if it holds more than one word
        assert len(set(content_words(row["phrase"]))) >= 2, row
    assert len({r["phrase"] for r in rows}) == len(rows)


def test_nonfinding_phrases_are_no_phrase_our_data_says_names_a_code(cs: Icd10Cm) -> None:
    # a key that names a code is that code's key: a non-finding row of the same words would
    # be a no-op saying the opposite of the data ("flu shot": Z23 in synonyms.tsv)
    named = {tuple(sorted(set(content_words(p.text)))): p for p in data_phrases(cs) if p.code}
    for row in data_rows(NONFINDING_FILE):
        key = tuple(sorted(set(content_words(row["phrase"]))))
        assert key not in named, (row["phrase"], named.get(key))


def test_compile_lexicon_stores_equal_codes_and_paths_once(cs: Icd10Cm) -> None:
    path = "Hypertension > essential"  # and below an equal string that is another object
    index = compile_lexicon(
        [
            Phrase("essential hypertension", "I10", "index", path),
            Phrase(
                "primary hypertension", "I10", "index", " > ".join(["Hypertension", "essential"])
            ),
            Phrase("high blood pressure", "I10", "synonym"),
            Phrase("hypertension", "I10", "synonym"),
        ],
        cs,
    )
    i, j = (
        index.keys.index(("essential", "hypertension")),
        index.keys.index(("hypertension", "primary")),
    )
    assert index.codes[i] == index.codes[j] == (("I10", "index"),)
    assert index.codes[i] is index.codes[j]  # one tuple for the two keys
    k, m = index.keys.index(("blood", "high", "pressure")), index.keys.index(("hypertension",))
    assert index.codes[k][0] is index.codes[m][0]  # one ("I10", "synonym") pair
    assert index.paths[i, "I10"] == path
    assert index.paths[i, "I10"] is index.paths[j, "I10"]


def test_pair_variants_name_either_word_of_an_opening_pair() -> None:
    # "Hemiplegia and hemiparesis following ...": a note says one of them
    title = "Hemiplegia and hemiparesis following cerebral infarction affecting right dominant side"
    assert pair_variants(title_variants(title)) == {
        "hemiparesis following cerebral infarction affecting right dominant side",
        "Hemiplegia following cerebral infarction affecting right dominant side",
    }
    assert "stenosis of right carotid artery" in pair_variants(
        {"Occlusion and stenosis of right carotid artery"}
    )
    # a pair inside a title is left as it is
    assert pair_variants({"Fracture of radius and ulna"}) == set()


def test_code_set_phrases_keep_a_half_of_a_pair_only_where_no_other_code_is_named_so(
    cs: Icd10Cm,
) -> None:
    phrases = {(p.text, p.code) for p in code_set_phrases(cs) if p.code in ("I65.21", "J96.21")}
    assert ("stenosis of right carotid artery", "I65.21") in phrases
    # "Acute and chronic respiratory failure with hypoxia" means both: "Acute respiratory
    # failure with hypoxia" is J96.01's title, not a way of saying J96.21
    assert not any(code == "J96.21" and "and" not in text.split() for text, code in phrases)
