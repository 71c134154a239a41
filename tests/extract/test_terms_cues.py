"""A scattered lexicon match may not swallow an assertion cue that is not its own words."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.types import Note


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("XR ankle: no fracture.", "S82.899A"),
        ("MRI brain w/ DWI: no acute infarct.", "I63.9"),
        ("Chest X-ray without infiltrates.", "R91.8"),
    ],
)
def test_scattered_match_across_a_cue_is_not_a_finding(
    engine: Engine, text: str, code: str
) -> None:
    out = {s.code: s for s in engine.suggest(Note(text), top=30).suggestions}
    assert code not in out or not out[code].recommended
    assert all(e.assertion != "present" for e in out[code].evidence) if code in out else True


def test_a_cue_that_is_the_terms_own_word_still_matches(engine: Engine) -> None:
    text = "Assessment: migraine without aura."
    out = {s.code: s for s in engine.suggest(Note(text), top=30).suggestions}
    assert out["G43.009"].recommended  # "without" is the term's own word, not a negation
