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


def test_an_asked_procedure_code_is_described_from_the_pcs_tables(engine: Engine) -> None:
    note = Note("Laparoscopic appendectomy for acute appendicitis.", "p")
    asked = [("ICD-10-PCS", "0DTJ4ZZ"), ("ICD-10-PCS", "0DTJ0ZZ"), ("ICD-10-PCS", "BN20")]
    (assessment,) = engine.assess_many([(note, asked)])
    support = assessment.support
    assert support[asked[0]].proposed  # the note's own procedure
    assert not support[asked[1]].proposed  # scored only because it was asked
    assert support[asked[1]].confidence < support[asked[0]].confidence
    assert not support[asked[2]].recommended  # a table row is never recommended
    with pytest.raises(CodeSetError):
        list(engine.assess_many([(note, [("ICD-10-PCS", "0DTJ4Z")])]))
