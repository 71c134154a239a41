"""Trainer helpers that need no training run (the CLI tests train end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError
from codesuggest.training.trainer import read_training_data, recommendable
from codesuggest.types import Assertion, Mention


def _mention(assertion: Assertion) -> Mention:
    return Mention(0, 4, "term", "none", assertion, ("R52",), "contiguous", "title", 1)


@pytest.fixture(scope="module")
def codeset() -> Icd10Cm:
    return Icd10Cm.from_package()


def test_recommendable_follows_the_rules() -> None:
    present = Candidate("R52", [_mention(Assertion.PRESENT)], billable=True)
    negated = Candidate("R52", [_mention(Assertion.NEGATED)], billable=True)
    learned_only = Candidate("R69", billable=True)
    category = Candidate("J18", [_mention(Assertion.PRESENT)], billable=False)
    history = Candidate("Z80.3", [_mention(Assertion.FAMILY)], billable=True, derived_from="C50")
    procedure = Candidate("BW03ZZZ", system="ICD-10-PCS", billable=True)
    assert recommendable(present) and recommendable(learned_only)
    assert recommendable(history) and recommendable(procedure)
    assert not recommendable(negated)
    assert not recommendable(category)


def test_read_training_data_rejects_an_id_in_two_corpora(tmp_path: Path, codeset: Icd10Cm) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(
            json.dumps({"id": "n1", "text": "Hypertension.", "codes": ["I10"]}) + "\n", "utf-8"
        )
    with pytest.raises(InputError, match="'n1' is in both"):
        read_training_data(
            [f"jsonl:{tmp_path / 'a.jsonl'}", f"jsonl:{tmp_path / 'b.jsonl'}"], codeset
        )
