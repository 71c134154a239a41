"""CodiEsp split reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError
from codesuggest.training.codiesp import expanded_default, read_split


@pytest.fixture(scope="module")
def cs() -> Icd10Cm:
    return Icd10Cm.from_package()


def _split(root: Path, gold: str) -> Path:
    texts = root / "dev" / "text_files_en"
    texts.mkdir(parents=True)
    (texts / "doc-b.txt").write_text("Patient with headache.", "utf-8")
    (texts / "doc-a.txt").write_text("Type 2 diabetes and low back pain.", "utf-8")
    (root / "dev" / "devD.tsv").write_text(gold, "utf-8")
    (root / "dev" / "devP.tsv").write_text("doc-a\tbw03zzz\n", "utf-8")  # procedures: ignored
    return root / "dev"


GOLD = "doc-a\te11.9\ndoc-a\ti10\ndoc-b\tr51\ndoc-b\tzz99.9\n\n"


def test_read_split_without_codeset_keeps_raw_codes(tmp_path: Path) -> None:
    split = read_split(_split(tmp_path, GOLD))
    assert [n.note_id for n in split.notes] == ["doc-a", "doc-b"]
    assert split.notes[1].text == "Patient with headache."
    assert split.diagnoses == {"doc-a": {"E11.9", "I10"}, "doc-b": {"R51", "ZZ99.9"}}
    assert split.unknown_codes == {}


def test_read_split_normalizes_crosswalks_and_counts_unknown(tmp_path: Path, cs: Icd10Cm) -> None:
    split = read_split(_split(tmp_path, GOLD), cs)
    assert split.diagnoses == {"doc-a": {"E11.9", "I10"}, "doc-b": {"R51.9", "ZZ99.9"}}
    assert split.unknown_codes == {"ZZ99.9": 1}
    assert split.crosswalked == {"R51": "R51.9"}


def test_expanded_default_only_for_unambiguous_splits(cs: Icd10Cm) -> None:
    assert expanded_default(cs, "R51") == "R51.9"
    assert expanded_default(cs, "E11.9") is None  # billable: unchanged
    assert expanded_default(cs, "E11") is None  # many different children
    assert expanded_default(cs, "XX1") is None


def test_expanded_default_low_back_pain(cs: Icd10Cm) -> None:
    assert expanded_default(cs, "M54.5") == "M54.50"


def test_read_split_rejects_unknown_note_id(tmp_path: Path) -> None:
    folder = _split(tmp_path, "doc-z\tE11.9\n")
    with pytest.raises(InputError, match=r"devD\.tsv:1"):
        read_split(folder)


def test_read_split_rejects_malformed_line(tmp_path: Path) -> None:
    folder = _split(tmp_path, "doc-a\tE11.9\ndoc-a E11.9\n")
    with pytest.raises(InputError, match=r"devD\.tsv:2"):
        read_split(folder)


def test_read_split_requires_text_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="text_files_en"):
        read_split(tmp_path)


@pytest.mark.codiesp
def test_read_split_real_dev(codiesp_dir: Path, cs: Icd10Cm) -> None:
    split = read_split(codiesp_dir / "dev", cs)
    assert len(split.notes) == 250
    assert len(split.diagnoses) == 250
    assert all(n.text.strip() for n in split.notes)
    codes = set().union(*split.diagnoses.values())
    assert {c for c in codes if c not in cs} == set(split.unknown_codes)
    assert sum(len(v) for v in split.diagnoses.values()) > 1000
