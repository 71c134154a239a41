"""The ranker: candidate features -> gradient-boosted trees -> calibrated probability.

One scikit-learn ``Pipeline`` saved with joblib. Calibration (isotonic, on held-out folds)
makes ``confidence`` mean what it says on data like the training data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from codesuggest.rank.features import FEATURES, MONOTONIC, CandidateFeatures


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


def best_threshold(y: npt.NDArray[np.int_], p: npt.NDArray[np.float64]) -> tuple[float, float]:
    """The probability threshold that maximises F1 on (y, p), and that F1."""
    order = np.argsort(-p)
    tp = np.cumsum(y[order])
    k = np.arange(1, len(p) + 1)
    f1 = 2 * tp / (k + y.sum())
    i = int(np.argmax(f1))
    return float(p[order][i]), float(f1[i])
