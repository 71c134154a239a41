"""CodiEsp's 2018 codes in the current release, and its real dev split read as a corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.training.codiesp import expanded_default
from codesuggest.training.corpus import read_corpus


def test_expanded_default_only_for_unambiguous_splits(cs: Icd10Cm) -> None:
    assert expanded_default(cs, "R51") == "R51.9"
    assert expanded_default(cs, "E11.9") is None  # billable: unchanged
    assert expanded_default(cs, "E11") is None  # many different children
    assert expanded_default(cs, "XX1") is None


def test_expanded_default_low_back_pain(cs: Icd10Cm) -> None:
    assert expanded_default(cs, "M54.5") == "M54.50"


@pytest.mark.codiesp
def test_real_dev_split_gold_in_current_release(codiesp_dir: Path, cs: Icd10Cm) -> None:
    notes, report = read_corpus(f"codiesp:{codiesp_dir / 'dev'}", cs)
    assert len(notes) == 250
    assert all(n.note.text.strip() for n in notes)
    codes = [c for n in notes for c in n.codes_of(SYSTEM)]
    assert len(codes) > 1000
    # every code is the current release's, but those reported as unknown
    unknown = set(report.unknown.get(SYSTEM, {}))
    assert {c for c in codes if c not in cs} == unknown
    # CodiEsp's truncated 7th characters are completed (W19.XXX -> W19.XXXA)
    assert "W19.XXXA" in codes and "W19.XXX" not in codes
