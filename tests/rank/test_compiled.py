"""The compiled ranker: the fitted pipeline's probabilities, bit for bit, from numpy arrays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from codesuggest.errors import ModelError
from codesuggest.rank import compiled
from codesuggest.rank.compiled import CompiledRanker
from codesuggest.rank.features import FEATURES
from codesuggest.rank.ranker import CandidateFeatures, compile_ranker, make_ranker
from tests.rank.test_ranker import _toy

NOTES = Path(__file__).parents[1] / "resources" / "notes"


def _rows(n: int, seed: int) -> npt.NDArray[np.float64]:
    """Feature rows with ties, zeros and spread values, as real features have."""
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(n, len(FEATURES)))
    rows[:, ::3] = np.round(rows[:, ::3])  # counts and flags: few distinct values
    return rows


def _fitted_on_rows(
    n: int = 600, seed: int = 0, *, max_iter: int = 200, max_leaf_nodes: int = 31
) -> Pipeline:
    """``make_ranker``'s pipeline fitted on feature rows whose label depends on a few of them."""
    rows = _rows(n, seed)
    y = (rows[:, 0] + 0.5 * rows[:, 4] - rows[:, 9] + np.random.default_rng(1).normal(size=n)) > 0
    ranker = make_ranker(seed, max_iter=max_iter, max_leaf_nodes=max_leaf_nodes)
    ranker.named_steps["features"].fit([])
    ranker.named_steps["model"].fit(rows, y.astype(int))
    return ranker


def test_compiled_matches_pipeline_bit_for_bit_on_feature_rows() -> None:
    ranker = _fitted_on_rows()
    compiled_ranker = compile_ranker(ranker)
    rows = _rows(2000, seed=7) * 1.5  # beyond the fitted range too: the calibration clips
    expected = ranker.named_steps["model"].predict_proba(rows)
    got = compiled_ranker.proba_of_features(rows)
    assert got.dtype == expected.dtype and got.shape == expected.shape == (2000, 2)
    assert got.tobytes() == expected.tobytes()
    # the trees' sums themselves, before calibration
    trees = ranker.named_steps["model"].calibrated_classifiers_[0].estimator
    assert (
        compiled_ranker.decision_function(rows).tobytes() == trees.decision_function(rows).tobytes()
    )


@pytest.mark.parametrize("pairs", [1, 1_000, 10_000_000])  # a tree a block ... all at once
def test_compiled_walks_its_trees_in_blocks_with_the_same_sums(
    monkeypatch: pytest.MonkeyPatch, pairs: int
) -> None:
    ranker = _fitted_on_rows(max_iter=40)
    trees = ranker.named_steps["model"].calibrated_classifiers_[0].estimator
    rows = _rows(300, seed=11)
    monkeypatch.setattr(compiled, "_PAIRS", pairs)
    monkeypatch.setattr(compiled.ExitLeaves, "of", lambda *a: None)  # every row walked
    compiled_ranker = compile_ranker(ranker)
    assert compiled_ranker._exits is None
    got = compiled_ranker.decision_function(rows)
    assert got.tobytes() == trees.decision_function(rows).tobytes()


def test_compiled_matches_pipeline_on_missing_values() -> None:
    rows = _rows(800, seed=3)
    rows[::4, 0] = np.nan  # missing at fit: the trees learn where a missing value goes
    y = (np.nan_to_num(rows[:, 0], nan=1.0) - rows[:, 9]) > 0
    ranker = make_ranker(0)
    ranker.named_steps["features"].fit([])
    ranker.named_steps["model"].fit(rows, y.astype(int))
    test = _rows(500, seed=4)
    test[::3, 0] = np.nan
    test[::5, 9] = np.nan  # never missing at fit
    expected = ranker.named_steps["model"].predict_proba(test)
    assert compile_ranker(ranker).proba_of_features(test).tobytes() == expected.tobytes()


def test_compiled_scores_candidates_as_the_pipeline() -> None:
    X, y = _toy()
    ranker = make_ranker().fit(X, y)
    got = compile_ranker(ranker).predict_proba(X)
    assert got.tobytes() == ranker.predict_proba(X).tobytes()
    assert compile_ranker(ranker).predict_proba([]).shape == (0, 2)


def test_compiled_ranker_round_trips_through_its_file(tmp_path: Path) -> None:
    ranker = compile_ranker(_fitted_on_rows(max_iter=30, max_leaf_nodes=7))
    ranker.save(tmp_path / compiled.FILE)
    again = CompiledRanker.load(tmp_path / compiled.FILE)
    rows = _rows(300, seed=5)
    assert again.proba_of_features(rows).tobytes() == ranker.proba_of_features(rows).tobytes()
    assert len(again.roots) == 30
    with np.load(tmp_path / compiled.FILE, allow_pickle=False) as data:  # no pickled object
        assert list(data["features"]) == list(FEATURES)


def _resave(path: Path, **changes: object) -> None:
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update({k: np.asarray(v) for k, v in changes.items()})
    with path.open("wb") as f:
        np.savez(f, **arrays)


def test_compiled_ranker_refuses_another_format_or_other_features(tmp_path: Path) -> None:
    path = tmp_path / compiled.FILE
    compile_ranker(_fitted_on_rows(max_iter=5)).save(path)
    _resave(path, format=compiled.FORMAT + 1)
    with pytest.raises(ModelError, match=r"format .* rebuild"):
        CompiledRanker.load(path)
    _resave(path, format=compiled.FORMAT, features=np.asarray([*FEATURES[:-1], "other"]))
    with pytest.raises(ModelError, match="other features"):
        CompiledRanker.load(path)


def test_compiled_ranker_refuses_inconsistent_trees(tmp_path: Path) -> None:
    path = tmp_path / compiled.FILE
    ranker = compile_ranker(_fitted_on_rows(max_iter=5))
    ranker.save(path)
    _resave(path, left=ranker.left + len(ranker.feature))  # points past the nodes
    with pytest.raises(ModelError, match="inconsistent"):
        CompiledRanker.load(path)


def test_compile_refuses_rankers_it_cannot_repeat() -> None:
    rows, y = _rows(300, seed=0), (_rows(300, seed=0)[:, 0] > 0).astype(int)
    trees = HistGradientBoostingClassifier(max_iter=5)
    folds = Pipeline(
        [
            ("features", CandidateFeatures().fit([])),
            ("model", CalibratedClassifierCV(trees, method="isotonic", cv=3, ensemble=True)),
        ]
    )
    folds.named_steps["model"].fit(rows, y)
    with pytest.raises(ValueError, match="several folds"):
        compile_ranker(folds)
    sigmoid = Pipeline(
        [
            ("features", CandidateFeatures().fit([])),
            ("model", CalibratedClassifierCV(trees, method="sigmoid", cv=3, ensemble=False)),
        ]
    )
    sigmoid.named_steps["model"].fit(rows, y)
    with pytest.raises(ValueError, match="other than make_ranker"):
        compile_ranker(sigmoid)


def test_computing_features_imports_no_scikit_learn() -> None:
    code = (
        "import sys\n"
        "import codesuggest.rank.compiled, codesuggest.rank.calibration\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'joblib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
