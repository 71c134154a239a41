"""The words of the ConText assertion cues."""

from __future__ import annotations

from codesuggest.extract.cues import cue_words


def test_cue_words_are_the_words_of_the_context_literals() -> None:
    words = cue_words()
    assert {"denies", "negative", "rule", "mother", "history"} <= words
    assert not {"pain", "fever", "pneumonia", "hypertension"} & words
    assert all(w == w.lower() and len(w) >= 2 for w in words)
