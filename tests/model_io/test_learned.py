"""The learned scorer saved as JSON and arrays scores every note as the fitted one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from codesuggest.candidates.learned import LearnedScorer
from codesuggest.errors import ModelError
from codesuggest.model_io.arrays import read_arrays, write_arrays
from codesuggest.model_io.learned import ARRAYS, JSON, NAMES, load_learned, save_learned
from tests.candidates.test_learned import LABELS, TEXTS


def test_loaded_scorer_scores_as_the_fitted_one(tmp_path: Path) -> None:
    fitted = LearnedScorer(top=3, neighbours=2).fit(TEXTS, LABELS)
    save_learned(fitted, tmp_path)
    loaded = load_learned(tmp_path)
    assert sorted(vars(loaded)) == sorted(vars(fitted))
    for name in ("weights_", "bias_", "log_prior_", "centroid_scale_"):
        assert getattr(loaded, name).tobytes() == getattr(fitted, name).tobytes()
    assert loaded.labels_ == fitted.labels_ and loaded.index_ == fitted.index_
    notes = ["hypertension, enalapril", "type 2 diabetes with polyuria", "zzz"]
    for a, b in zip(fitted.score(notes), loaded.score(notes), strict=True):
        assert a.labels == b.labels
        assert a.get_many(a.labels) == b.get_many(b.labels)


def test_learned_files_that_do_not_fit_together_are_refused(tmp_path: Path) -> None:
    save_learned(LearnedScorer(top=3, neighbours=2).fit(TEXTS, LABELS), tmp_path)
    arrays = read_arrays(tmp_path / ARRAYS, NAMES)
    write_arrays(tmp_path / ARRAYS, {**arrays, "bias": np.zeros(1, dtype=np.float32)})
    with pytest.raises(ModelError, match="bias is shaped"):
        load_learned(tmp_path)
    data = json.loads((tmp_path / JSON).read_text("utf-8"))
    (tmp_path / JSON).write_text(json.dumps({**data, "format": 0}), "utf-8")
    with pytest.raises(ModelError, match="format 0"):
        load_learned(tmp_path)
