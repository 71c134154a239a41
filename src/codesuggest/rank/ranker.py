"""The ranker: candidate features -> gradient-boosted trees -> calibrated probability.

One scikit-learn ``Pipeline``. Calibration (isotonic, on held-out folds) makes ``confidence``
mean what it says on data like the training data. ``compile_ranker`` turns a fitted one into
the arrays the engine scores with and a model directory keeps (``rank.compiled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from codesuggest.candidates.base import Candidate
from codesuggest.rank.compiled import CompiledRanker
from codesuggest.rank.features import FEATURES, MONOTONIC, candidate_features


class CandidateFeatures(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """Turns a sequence of ``Candidate`` into the feature matrix the classifier reads."""

    def fit(self, X: Sequence[Candidate], y: Any = None) -> CandidateFeatures:
        self.n_features_in_ = len(FEATURES)
        return self

    def transform(self, X: Sequence[Candidate]) -> npt.NDArray[np.float64]:
        if not len(X):
            return np.zeros((0, len(FEATURES)))
        return np.asarray([candidate_features(c) for c in X], dtype=np.float64)

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.object_]:
        return np.asarray(FEATURES, dtype=object)


def make_ranker(
    seed: int = 0, *, max_iter: int = 200, learning_rate: float = 0.08, max_leaf_nodes: int = 31
) -> Pipeline:
    """An unfitted ranker."""
    trees = HistGradientBoostingClassifier(
        max_iter=max_iter,
        learning_rate=learning_rate,
        max_leaf_nodes=max_leaf_nodes,
        l2_regularization=1.0,
        random_state=seed,
        monotonic_cst=[MONOTONIC.get(name, 0) for name in FEATURES],
    )
    return Pipeline(
        [
            ("features", CandidateFeatures()),
            ("model", CalibratedClassifierCV(trees, method="isotonic", cv=3, ensemble=False)),
        ]
    )


def compile_ranker(ranker: Pipeline) -> CompiledRanker:
    """The arrays of a fitted ``make_ranker`` pipeline, to score without scikit-learn; a
    ranker of another shape (several calibrated folds, categorical splits...) is refused."""
    steps = [type(step) for _, step in ranker.steps]
    if steps != [CandidateFeatures, CalibratedClassifierCV]:
        raise ValueError(f"cannot compile a ranker made of {[s.__name__ for s in steps]}")
    calibrated = ranker.steps[-1][1]
    if len(calibrated.calibrated_classifiers_) != 1 or list(calibrated.classes_) != [0, 1]:
        raise ValueError("cannot compile a ranker calibrated on several folds or classes")
    fold = calibrated.calibrated_classifiers_[0]
    trees, (iso,) = fold.estimator, fold.calibrators
    if (
        not isinstance(trees, HistGradientBoostingClassifier)
        or fold.method != "isotonic"
        or iso.out_of_bounds != "clip"
        or iso.X_thresholds_.dtype != np.float64
        or trees.n_trees_per_iteration_ != 1
        or getattr(trees, "_preprocessor", None) is not None
        or trees.n_features_in_ != len(FEATURES)
    ):
        raise ValueError("cannot compile a ranker other than make_ranker's")
    roots, nodes = [], []
    offset = 0
    for (predictor,) in trees._predictors:
        tree = predictor.nodes
        if tree["is_categorical"].any():
            raise ValueError("cannot compile categorical splits")
        roots.append(offset)
        nodes.append((tree, offset))
        offset += len(tree)
    leaf = np.concatenate([t["is_leaf"] for t, _ in nodes]).astype(bool)
    return CompiledRanker(
        baseline=float(np.asarray(trees._baseline_prediction).item()),
        roots=np.asarray(roots, dtype=np.int64),
        feature=np.concatenate([t["feature_idx"] for t, _ in nodes]).astype(np.int64),
        threshold=np.concatenate([t["num_threshold"] for t, _ in nodes]).astype(np.float64),
        missing_left=np.concatenate([t["missing_go_to_left"] for t, _ in nodes]).astype(bool),
        left=np.concatenate([t["left"].astype(np.int64) + o for t, o in nodes]),
        right=np.concatenate([t["right"].astype(np.int64) + o for t, o in nodes]),
        leaf=leaf,
        value=np.concatenate([t["value"] for t, _ in nodes]).astype(np.float64),
        iso_x=np.asarray(iso.X_thresholds_, dtype=np.float64),
        iso_y=np.asarray(iso.y_thresholds_, dtype=np.float64),
        clip_low=float(iso.X_min_),
        clip_high=float(iso.X_max_),
    )
