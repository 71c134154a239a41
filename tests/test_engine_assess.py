"""``Engine.assess_many``: how well a note supports any code, without changing its
suggestions."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import CodeSetError
from codesuggest.types import Note

CM = "ICD-10-CM"
TEXT = "Acute respiratory failure with hypoxia. Denies chest pain."


def test_assessing_codes_leaves_the_suggestions_as_they_were(engine: Engine) -> None:
    note = Note(TEXT, "n")
    asked = [(CM, "J96.01"), (CM, "R07.9"), (CM, "S72.001A")]
    (assessment,) = engine.assess_many([(note, asked)])
    assert assessment.result.to_dict() == engine.suggest(note).to_dict()
    support = assessment.support
    assert list(support) == asked
    assert support[(CM, "J96.01")].recommended and support[(CM, "J96.01")].proposed
    assert [e.assertion for e in support[(CM, "R07.9")].evidence] == ["negated"]
    fracture = support[(CM, "S72.001A")]
    assert not fracture.proposed and not fracture.recommended and fracture.evidence == []
    assert 0.0 <= fracture.confidence < fracture.threshold


def test_an_unknown_code_is_a_code_set_error(engine: Engine) -> None:
    with pytest.raises(CodeSetError):
        list(engine.assess_many([(Note(TEXT), [(CM, "XYZ")])]))
