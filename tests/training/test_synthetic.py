"""Synthetic coded notes for the default model."""

from __future__ import annotations

import pytest

from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.lexicon import Phrase
from codesuggest.training.synthetic import generate, load_templates

PHRASES = [
    Phrase("breast cancer", "C50.919", "synonym"),
    Phrase("colon cancer", "C18.9", "synonym"),
    Phrase("pneumonia", "J18.9", "variant"),
    Phrase("essential hypertension", "I10", "synonym"),
    Phrase("acute myocardial infarction", "I21.9", "synonym"),
    Phrase("asthma", "J45.909", "variant"),
]
FAMILY_WORDS = ("mother", "father", "family", "brother", "sister", "grandmother")


@pytest.fixture(scope="module")
def history() -> HistoryMap:
    return HistoryMap.load()


def test_synthetic_templates_have_every_assertion() -> None:
    t = load_templates()
    for key in ("present", "negated", "possible", "historical", "family", "hypothetical", "filler"):
        assert t[key], key
    assert all("{p}" in s or "{P}" in s for s in t["family"])


def test_synthetic_is_deterministic_with_a_seed(history: HistoryMap) -> None:
    a = list(generate(PHRASES, history, 20, seed=7))
    b = list(generate(PHRASES, history, 20, seed=7))
    c = list(generate(PHRASES, history, 20, seed=8))
    assert a == b
    assert [n.note.text for n in a] != [n.note.text for n in c]
    assert [n.note.note_id for n in a][:2] == ["synthetic-7-0", "synthetic-7-1"]


def test_synthetic_family_items_produce_z80_codes(history: HistoryMap) -> None:
    notes = list(generate(PHRASES, history, 200, seed=0))
    with_family = [n for n in notes if n.codes & {"Z80.3", "Z80.0"}]
    assert with_family
    for n in with_family:
        text = n.note.text.lower()
        assert any(w in text for w in FAMILY_WORDS)
        if "Z80.3" in n.codes:
            assert "breast cancer" in text
        if "Z80.0" in n.codes:
            assert "colon cancer" in text


def test_synthetic_gold_follows_coding_convention(history: HistoryMap) -> None:
    allowed = {p.code for p in PHRASES} | {
        history.lookup(p.code, column)
        for p in PHRASES
        for column in ("family_history", "personal_history")
    }
    notes = list(generate(PHRASES, history, 100, seed=1))
    assert all(n.codes <= allowed for n in notes)
    assert all(n.codes for n in notes)  # every note has at least one present condition
    for n in notes:  # a phrase's own code is gold only when the phrase is in the note
        text = n.note.text.lower()
        assert all(p.text in text for p in PHRASES if p.code in n.codes)
    # hypertension is chronic: its history never yields a personal-history code
    assert not any("Z86.79" in n.codes for n in notes)
