"""The plain data types: a note's sex read the same way wherever it comes from."""

from __future__ import annotations

import pytest

from codesuggest.errors import InputError
from codesuggest.types import Note, parse_sex


@pytest.mark.parametrize(
    ("spelling", "sex"),
    [("F", "F"), ("f", "F"), (" female ", "F"), ("FEMALE", "F"), ("M", "M"), ("m", "M"),
     ("Male", "M")],
)  # fmt: skip
def test_parse_sex_reads_every_spelling_as_canonical(spelling: str, sex: str) -> None:
    assert parse_sex(spelling) == sex
    assert Note("text", sex=spelling).sex == sex


@pytest.mark.parametrize("value", ["", "X", "fem", "U", 1, None])
def test_parse_sex_refuses_other_values_on_one_line(value: object) -> None:
    with pytest.raises(InputError, match=r"^bad sex .*: expected F or M") as info:
        parse_sex(value)
    assert "\n" not in str(info.value)


def test_note_without_sex_keeps_none() -> None:
    assert Note("text").sex is None
