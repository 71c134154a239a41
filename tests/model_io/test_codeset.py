"""The ICD-10-CM table saved as arrays and read back as it was."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ModelError
from codesuggest.model_io.arrays import read_arrays, write_arrays
from codesuggest.model_io.codeset import NAMES, load_codeset, save_codeset


def test_codeset_round_trip(cs: Icd10Cm, tmp_path: Path) -> None:
    path = tmp_path / "icd10cm.npz"
    save_codeset(cs, path)
    loaded = load_codeset(path)
    assert loaded.release == cs.release
    assert list(loaded.entries.items()) == list(cs.entries.items())  # same order, same values
    assert loaded.normalize("e119") == "E11.9"
    assert loaded.info("S72.001A") == cs.info("S72.001A")
    assert loaded.billable_descendants("J18") == cs.billable_descendants("J18")
    # a child names the very string of its code: one object, as the table was built
    child = loaded.entries["E11"].children[0]
    assert next(c for c in loaded.entries if c == child) is child


def test_codeset_of_other_format_or_broken_references_is_refused(
    cs: Icd10Cm, tmp_path: Path
) -> None:
    path = tmp_path / "icd10cm.npz"
    save_codeset(cs, path)
    arrays = read_arrays(path, NAMES)
    write_arrays(path, {**arrays, "format": np.asarray(99)})
    with pytest.raises(ModelError, match="format 99"):
        load_codeset(path)
    parents = arrays["parents"].copy()
    parents[5] = len(parents)  # past the last entry
    write_arrays(path, {**arrays, "parents": parents})
    with pytest.raises(ModelError, match="parents: a reference out of range"):
        load_codeset(path)
