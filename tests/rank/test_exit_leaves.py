"""Exit leaves found feature by feature: the leaves a node-by-node walk reaches, bit for bit."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from codesuggest.errors import ModelError
from codesuggest.rank import exit_leaves
from codesuggest.rank.compiled import CompiledRanker
from codesuggest.rank.exit_leaves import ExitLeaves
from codesuggest.rank.ranker import compile_ranker
from tests.rank.test_compiled import _fitted_on_rows, _rows


def _walked(ranker: CompiledRanker, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each tree's leaf value for each row, as the walk finds it."""
    slots = ranker._walk_all(rows, missing=False)
    return np.take(ranker._slot_value, slots).reshape(len(ranker.roots), len(rows))


def _hard_rows(ranker: CompiledRanker, n: int) -> npt.NDArray[np.float64]:
    """Rows whose values sit on the trees' own thresholds (ties decide left), beside them,
    and at the infinities."""
    rows = _rows(n, seed=5)
    rng = np.random.default_rng(9)
    inner = ~ranker.leaf
    for f in np.unique(ranker.feature[inner]):
        cuts = ranker.threshold[inner & (ranker.feature == f)]
        picks = rng.choice(cuts, size=n)
        rows[: n // 2, f] = picks[: n // 2]  # exactly a threshold
        rows[n // 2 :, f] = np.nextafter(picks[n // 2 :], np.inf)  # just above one
    rows[::7, 0] = np.inf
    rows[::11, 4] = -np.inf
    return rows


@pytest.mark.parametrize("leaves", [31, 50])  # 32-bit masks, 64-bit masks
def test_exit_leaves_are_the_leaves_the_walk_reaches(leaves: int) -> None:
    ranker = compile_ranker(_fitted_on_rows(n=3000, max_iter=30, max_leaf_nodes=leaves))
    assert ranker._exits is not None
    widest = max(
        np.count_nonzero(ranker.leaf[ranker.roots[t] : end])
        for t, end in enumerate([*ranker.roots[1:], len(ranker.leaf)])
    )
    assert (widest > 32) == (leaves > 32)  # each width of mask is exercised
    for n in (1, 255, 256, 257, 700):  # one row, around a block, several blocks
        rows = _hard_rows(ranker, n)
        got = ranker._exits.leaf_values(rows)
        assert got.tobytes() == np.ascontiguousarray(_walked(ranker, rows)).tobytes()


def test_trees_too_wide_for_a_mask_are_walked_with_the_same_sums() -> None:
    pipeline = _fitted_on_rows(n=3000, max_iter=5, max_leaf_nodes=80)
    ranker = compile_ranker(pipeline)
    assert ranker._exits is None  # more than 64 leaves in a tree
    rows = _rows(300, seed=2)
    trees = pipeline.named_steps["model"].calibrated_classifiers_[0].estimator
    assert ranker.decision_function(rows).tobytes() == trees.decision_function(rows).tobytes()


def test_rows_with_missing_values_are_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    ranker = compile_ranker(_fitted_on_rows(max_iter=20))
    rows = _rows(50, seed=3)
    rows[::2, 0] = np.nan
    assert ranker._exits is not None

    def refuse(*args: object) -> None:
        raise AssertionError("rows with NaN must be walked: a node says where NaN goes")

    monkeypatch.setattr(ranker._exits, "leaf_values", refuse)
    ranker.decision_function(rows)  # walked, without asking the exit leaves


def test_block_size_changes_no_leaf(monkeypatch: pytest.MonkeyPatch) -> None:
    ranker = compile_ranker(_fitted_on_rows(max_iter=20))
    rows = _hard_rows(ranker, 300)
    assert ranker._exits is not None
    expected = ranker._exits.leaf_values(rows)
    monkeypatch.setattr(exit_leaves, "_BLOCK", 7)
    assert ranker._exits.leaf_values(rows).tobytes() == expected.tobytes()


def _stump_arrays() -> dict[str, npt.NDArray[np.generic]]:
    """Two trees of one test each: nodes 0 (root) -> 1, 2 and 3 (root) -> 4, 5."""
    return {
        "roots": np.array([0, 3]),
        "feature": np.array([0, 0, 0, 1, 0, 0]),
        "threshold": np.array([0.5, np.inf, np.inf, 1.5, np.inf, np.inf]),
        "left": np.array([1, 0, 0, 4, 0, 0]),
        "right": np.array([2, 0, 0, 5, 0, 0]),
        "leaf": np.array([False, True, True, False, True, True]),
        "value": np.array([0.0, 1.0, 2.0, 0.0, 10.0, 20.0]),
    }


def test_stumps_reach_the_leaf_their_test_picks() -> None:
    exits = ExitLeaves.of(**_stump_arrays())  # type: ignore[arg-type]
    assert exits is not None
    rows = np.array([[0.5, 1.5], [0.6, 1.4], [-np.inf, np.inf]])
    assert exits.leaf_values(rows).tolist() == [[1.0, 2.0, 1.0], [10.0, 10.0, 20.0]]


def test_trees_that_share_or_revisit_nodes_are_refused() -> None:
    shared = _stump_arrays()
    shared["right"] = np.array([4, 0, 0, 1, 0, 0])  # tree 2 reaches tree 1's leaf
    with pytest.raises(ModelError, match="reached twice"):
        ExitLeaves.of(**shared)  # type: ignore[arg-type]
    same_root = _stump_arrays()
    same_root["roots"] = np.array([0, 0])
    with pytest.raises(ModelError, match="share a root"):
        ExitLeaves.of(**same_root)  # type: ignore[arg-type]


def test_a_nan_threshold_leaves_the_trees_to_the_walk() -> None:
    arrays = _stump_arrays()
    arrays["threshold"] = np.array([np.nan, np.inf, np.inf, 1.5, np.inf, np.inf])
    assert ExitLeaves.of(**arrays) is None  # type: ignore[arg-type]
