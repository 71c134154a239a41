"""Trainer helpers that need no training run (the CLI tests train end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError
from codesuggest.training.trainer import read_training_data


@pytest.fixture(scope="module")
def codeset(cs: Icd10Cm) -> Icd10Cm:
    """The session's packaged code set (tests/conftest.py; read-only)."""
    return cs


def test_read_training_data_rejects_an_id_in_two_corpora(tmp_path: Path, codeset: Icd10Cm) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(
            json.dumps({"id": "n1", "text": "Hypertension.", "codes": ["I10"]}) + "\n", "utf-8"
        )
    with pytest.raises(InputError, match="'n1' is in both"):
        read_training_data(
            [f"jsonl:{tmp_path / 'a.jsonl'}", f"jsonl:{tmp_path / 'b.jsonl'}"], codeset
        )
