"""codesuggest.text_policy: one rule for characters that cannot be encoded, stored or logged."""

from __future__ import annotations

import re

import pytest

from codesuggest.errors import InputError
from codesuggest.text_policy import (
    NOTE_ID_PATTERN,
    check_identifier,
    check_note_id,
    clean_text,
    identifier_problem,
    log_safe,
)
from codesuggest.types import Note


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("plain text, tabs\tand\nnewlines", "plain text, tabs\tand\nnewlines"),
        ("split emoji \ud83d here", "split emoji \ufffd here"),
        ("low half \ude00", "low half \ufffd"),
        ("nul\x00byte", "nul\ufffdbyte"),
        ("a whole emoji \U0001f600 stays", "a whole emoji \U0001f600 stays"),
    ],
)
def test_clean_text_replaces_only_lone_surrogates_and_nul_one_for_one(
    text: str, cleaned: str
) -> None:
    assert clean_text(text) == cleaned
    assert len(clean_text(text)) == len(text)
    clean_text(text).encode("utf-8")  # always encodable


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("enc-1", None),
        ("Bed 4 / Ward B", None),
        ("enc\n1", "holds a control character (\\n) at position 4"),
        ("\x00", "holds a control character (\\x00) at position 1"),
        ("x\x85", "holds a control character (\\x85) at position 2"),
        ("a\ud800", "holds a lone surrogate (\\ud800) at position 2"),
    ],
)
def test_identifier_problem_names_the_character_and_where(value: str, problem: str | None) -> None:
    assert identifier_problem(value) == problem
    if problem is None:
        assert check_identifier(value) == value
    else:
        with pytest.raises(ValueError, match="holds a"):
            check_identifier(value)


def test_log_safe_escapes_what_could_start_a_log_line() -> None:
    assert log_safe("enc-1") == "enc-1"
    assert log_safe("enc-1\n2026-01-01 INFO forged") == "enc-1\\n2026-01-01 INFO forged"
    assert log_safe(ValueError("bad\x1b[31m\ud800")) == "bad\\x1b[31m\\ud800"
    assert "\n" not in log_safe("\r\n\x00")


def test_a_note_cleans_its_text_and_refuses_unsafe_ids() -> None:
    assert Note(text="gout \ud800").text == "gout \ufffd"
    with pytest.raises(InputError, match="the note's id holds a control character"):
        Note(text="gout", note_id="a\nb")
    with pytest.raises(InputError, match="the note's setting holds a lone surrogate"):
        Note(text="gout", setting="in\udc00")


@pytest.mark.parametrize("value", ["", " ", "\t", "\u3000"])
def test_a_blank_note_id_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"blank|control"):
        check_note_id(value)


def test_a_note_id_with_words_is_kept_as_sent() -> None:
    assert check_note_id(" note 7 ") == " note 7 "


def test_the_note_id_pattern_says_what_the_validator_does() -> None:
    pattern = re.compile(NOTE_ID_PATTERN)
    for value in ("n1", " n1 ", "\u00e9", " ", "", "a\nb", "\x00"):
        valid = True
        try:
            check_note_id(value)
        except ValueError:
            valid = False
        assert (pattern.match(value) is not None) == valid, repr(value)
