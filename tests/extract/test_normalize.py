"""Word normalisation shared by the lexicon compiler and the term matcher."""

from __future__ import annotations

import pytest

from codesuggest.extract.normalize import STOPWORDS, content_words, fold, stem, token_words


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("fractures", "fracture"),
        ("pains", "pain"),
        ("bodies", "body"),
        ("arteries", "artery"),
        ("feet", "foot"),
        ("metastases", "metastasis"),
        ("diabetes", "diabetes"),
        ("abscess", "abscess"),
        ("sinus", "sinus"),
        ("pelvis", "pelvis"),
        ("ribs", "rib"),
        ("has", "has"),  # three letters or fewer: unchanged
        ("2019", "2019"),
    ],
)
def test_stem_singularizes_plurals_only(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stem_singularizes_ys_plurals() -> None:
    assert stem("kidneys") == "kidney"
    assert stem("airways") == "airway"


def test_fold_lowercases_and_strips_accents() -> None:
    assert fold("Sjögren") == "sjogren"
    assert fold("MÉNIÈRE Disease") == "meniere disease"
    assert fold("COPD") == "copd"


def test_content_words_drop_stopwords_and_stem() -> None:
    assert content_words("Pneumonia, unspecified organism") == ["pneumonia", "organism"]
    assert content_words("Fractures of the ribs") == ["fracture", "rib"]
    assert content_words("of the, and") == []


def test_content_words_keep_type_and_numbers() -> None:
    assert "type" not in STOPWORDS
    assert content_words("Type 2 diabetes mellitus without complications") == [
        "type",
        "2",
        "diabetes",
        "mellitus",
        "without",
        "complication",
    ]


def test_token_words_split_punctuated_tokens() -> None:
    assert token_words("COPD/asthma") == ("copd", "asthma")
    assert token_words("of") == ()
    assert token_words("MI") == ("mi",)
    assert token_words("non-ST") == ("non", "st")


def test_lexicon_and_matcher_agree_on_words() -> None:
    phrase = "Chest Pains"
    assert list(token_words("Chest") + token_words("Pains")) == content_words(phrase)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Cellulitis R lower leg", ["cellulitis", "right", "lower", "leg"]),
        ("fracture L femur", ["fracture", "left", "femur"]),
        ("rt knee, lt hand", ["right", "knee", "left", "hand"]),
        ("b/l LE edema", ["bilateral", "lower", "extremity", "edema"]),
        ("bilat knees", ["bilateral", "knee"]),
        ("r/o MI", ["r", "o", "mi"]),  # lower case: not a side
        ("3 L/min", ["3", "l", "min"]),
    ],
)
def test_content_words_read_written_sides(text: str, words: list[str]) -> None:
    assert content_words(text) == words


def test_content_words_read_af_as_atrial_fibrillation() -> None:
    # so every "... atrial fibrillation" title reads its AF form too
    assert content_words("longstanding persistent AF") == [
        "longstanding",
        "persistent",
        "atrial",
        "fibrillation",
    ]
    assert content_words("afib") == ["atrial", "fibrillation"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ER+/PR+/HER2-", ["erpositive", "prpositive", "her2negative"]),
        ("(IDC, ER-/PR-)", ["idc", "ernegative", "prnegative"]),
        ("HER-2+ tumor", ["her2positive", "neoplasm"]),
        ("er+", ["erpositive"]),  # the lexicon's spelling
        ("ER-positive", ["er", "positive"]),  # a sign joined to a word is a hyphen
        ("PR-interval", ["pr", "interval"]),
        ("seen in the ER", ["seen", "er"]),
    ],
)
def test_content_words_read_receptor_signs_as_one_word(text: str, words: list[str]) -> None:
    # "ER+/PR+/HER2-" states ER positive (Z17.0) and must not lend HER2's "negative" to ER
    assert content_words(text) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("physical exam", ["physical", "examination"]),
        ("chronic systolic HF", ["chronic", "systolic", "heart", "failure"]),
        ("pressure ulcer of sacrum", ["pressure", "ulcer", "sacral"]),
        ("type 1 DM", ["type", "1", "diabetes", "mellitus"]),
    ],
)
def test_content_words_read_us_abbreviations_as_titles_spell_them(
    text: str, words: list[str]
) -> None:
    assert content_words(text) == words


def test_stopwords_and_word_forms_are_data() -> None:
    from codesuggest.extract import normalize

    # the words that never decide a code, and the forms the stemmer does not read
    assert {"of", "unspecified", "nos", "nec", "site"} <= normalize.STOPWORDS
    assert "type" not in normalize.STOPWORDS  # "type 2 diabetes" keeps its type
    assert all(w == w.lower() and w.isalpha() for w in normalize.STOPWORDS)
    assert stem("feet") == "foot" and stem("diabetes") == "diabetes" and stem("pelvis") == "pelvis"
    assert content_words("Fracture of the feet, unspecified site") == ["fracture", "foot"]
