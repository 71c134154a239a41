"""The lexicon index saved as arrays and read back equal, sharing what it shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from codesuggest.codesets.lexicon import extend_lexicon
from codesuggest.engine import Engine
from codesuggest.errors import ModelError
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.model_io.arrays import read_arrays, write_arrays
from codesuggest.model_io.lexicon import NAMES, load_lexicon, save_lexicon


def _round_trip(index: LexiconIndex, path: Path) -> LexiconIndex:
    save_lexicon(index, path)
    return load_lexicon(path)


def test_default_lexicon_round_trip(engine: Engine, tmp_path: Path) -> None:
    index = engine.index
    loaded = _round_trip(index, tmp_path / "lexicon.npz")
    assert loaded == index
    assert list(loaded.anchors) == list(index.anchors)
    assert list(loaded.paths) == list(index.paths)
    # equal (code, source) pairs are one object, as compile_lexicon shares them
    first = {}
    for codes in loaded.codes:
        for pair in codes:
            assert first.setdefault(pair, pair) is pair


def test_extended_lexicon_round_trip_keeps_weak_keys_and_strengths(tmp_path: Path) -> None:
    base = LexiconIndex(
        keys=[("diabetes",), ("hypertension",)],
        codes=[(("E11.9", "title"),), (("I10", "synonym"),)],
        anchors={"diabetes": [0], "hypertension": [1]},
        title_words={"E11.9": 4, "I10": 2},
        paths={(0, "E11.9"): "Diabetes > type 2"},
    )
    index = extend_lexicon(base, [(("sugar", "high"), "E11.9", "learned")])
    index.strength[(2, "E11.9")] = 0.75
    loaded = _round_trip(index, tmp_path / "lexicon.npz")
    assert loaded == index and loaded.weak == {2} and loaded.strength == {(2, "E11.9"): 0.75}


def test_lexicon_with_a_key_out_of_range_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.npz"
    save_lexicon(LexiconIndex([("a", "b")], [(("A00", "title"),)], {"a": [0]}), path)
    arrays = read_arrays(path, NAMES)
    write_arrays(path, {**arrays, "anchors": np.asarray([3])})
    with pytest.raises(ModelError, match="anchors: a reference out of range"):
        load_lexicon(path)
