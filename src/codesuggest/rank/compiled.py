"""The fitted ranker as plain arrays, scored with numpy alone: what the engine loads.

Scoring needs only what the fit left: the trees' nodes, the baseline they add to, and the
isotonic calibrator's breakpoints. A model build writes them as ``ranker.npz``
(``rank.ranker.compile_ranker``), read without pickle and without importing scikit-learn or
SciPy (about a second of a cold ``codesuggest suggest``); training and evaluation use the
scikit-learn pipeline in memory, which a model directory never holds.

``predict_proba`` repeats scikit-learn's arithmetic step by step (the baseline plus each
tree's leaf in tree order, the clip and the linear interpolation of ``IsotonicRegression``,
the complement and the snap to 1 of ``CalibratedClassifierCV``), so that its probabilities are
the pipeline's bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.base import Candidate
from codesuggest.errors import ModelError
from codesuggest.rank.exit_leaves import ExitLeaves
from codesuggest.rank.features import FEATURES, candidate_features

FILE = "ranker.npz"
FORMAT = 1  # bump when the arrays below change meaning
_LEVELS = 4  # tree levels walked between two compactions of the pairs still walking
_PAIRS = 60_000  # (tree, row) pairs walked at once

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class CompiledRanker:
    """Gradient-boosted trees with an isotonic calibration, as arrays.

    The nodes of every tree are stacked: tree ``t`` starts at ``roots[t]``, and ``left`` /
    ``right`` hold indices into the stack. A leaf's ``value`` already carries the learning rate.
    """

    baseline: float
    roots: Ints
    feature: Ints
    threshold: Floats
    missing_left: Flags
    left: Ints
    right: Ints
    leaf: Flags
    value: Floats
    # IsotonicRegression: inputs are clipped to [clip_low, clip_high], then interpolated
    iso_x: Floats
    iso_y: Floats
    clip_low: float
    clip_high: float
    # derived for the walk, which visits node i as two slots, 2i and 2i + 1, that hold its
    # feature, threshold, flags and value alike: the slot of its child is _next[2i] (right) or
    # _next[2i + 1] (left), the slot it is in plus whether it goes left; a leaf leads to
    # itself whatever it reads
    _slot_feature: Ints = field(init=False, repr=False)
    _slot_threshold: Floats = field(init=False, repr=False)
    _slot_missing_left: Flags = field(init=False, repr=False)
    _slot_leaf: Flags = field(init=False, repr=False)
    _slot_value: Floats = field(init=False, repr=False)
    _next: Ints = field(init=False, repr=False)
    # the same leaves found feature by feature (``rank.exit_leaves``), for rows without NaN;
    # None: trees it cannot represent, walked
    _exits: ExitLeaves | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.feature)
        same = all(
            len(getattr(self, f)) == n
            for f in ("threshold", "missing_left", "left", "right", "leaf", "value")
        )
        inside = n > 0 and all(
            int(a.min(initial=0)) >= 0 and int(a.max(initial=0)) < n
            for a in (self.roots, self.left[~self.leaf], self.right[~self.leaf])
        )
        features_ok = n > 0 and bool(
            np.all((self.feature[~self.leaf] >= 0) & (self.feature[~self.leaf] < len(FEATURES)))
        )
        if not (same and inside and features_ok and len(self.roots)):
            raise ModelError("compiled ranker: inconsistent tree arrays")
        if len(self.iso_x) != len(self.iso_y) or not len(self.iso_x):
            raise ModelError("compiled ranker: the calibration's breakpoints do not pair up")
        itself = np.arange(n)
        children = np.stack(
            [np.where(self.leaf, itself, self.right), np.where(self.leaf, itself, self.left)],
            axis=1,
        )
        slots: dict[str, npt.NDArray[np.generic]] = {
            "_slot_feature": np.where(self.leaf, 0, self.feature),
            "_slot_threshold": np.where(self.leaf, np.inf, self.threshold),
            "_slot_missing_left": self.missing_left,
            "_slot_leaf": self.leaf,
            "_slot_value": self.value,
        }
        for name, per_node in slots.items():
            object.__setattr__(self, name, np.repeat(per_node, 2))
        object.__setattr__(self, "_next", 2 * children.ravel())
        exits = ExitLeaves.of(
            self.roots, self.feature, self.threshold, self.left, self.right, self.leaf, self.value
        )
        object.__setattr__(self, "_exits", exits)

    # --- scoring --------------------------------------------------------------------------------
    def predict_proba(self, X: Sequence[Candidate]) -> Floats:
        """Class probabilities of each candidate, shaped (n, 2) as scikit-learn's."""
        if not len(X):
            return np.zeros((0, 2))
        rows = np.asarray([candidate_features(c) for c in X], dtype=np.float64)
        return self.proba_of_features(rows)

    def proba_of_features(self, rows: Floats) -> Floats:
        """Class probabilities of feature rows (order: ``FEATURES``)."""
        raw = self.decision_function(rows)
        positive = self._calibrate(raw)
        proba = np.zeros((len(rows), 2))
        proba[:, 1] = positive
        proba[:, 0] = 1.0 - proba[:, 1]
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        # the mean over CalibratedClassifierCV's one calibrated classifier, as it takes it
        mean = np.zeros((len(rows), 2))
        mean += proba
        mean /= 1
        return mean

    def decision_function(self, rows: Floats) -> Floats:
        """The baseline plus every tree's leaf value, added tree by tree."""
        n = len(rows)
        missing = bool(np.isnan(rows).any())
        if self._exits is not None and not missing:
            leaves = self._exits.leaf_values(rows)  # a third of the walk's time
        else:
            slots = self._walk_all(rows, missing)
            leaves = np.take(self._slot_value, slots).reshape(len(self.roots), n)
        raw = np.zeros(n) + self.baseline
        for tree in leaves:  # in order, one tree at a time: the same sums as scikit-learn's
            raw += tree
        return raw

    def _walk_all(self, rows: Floats, missing: bool) -> Ints:
        """The leaf slot each (tree, row) pair reaches, walked node by node (``missing``: some
        value is NaN, which goes where each node says), a block of trees at a time."""
        n, width = rows.shape
        values = rows.ravel()
        reached = np.empty(len(self.roots) * n, dtype=np.int64)  # (tree, row) -> leaf slot
        per_block = max(1, _PAIRS // max(n, 1))
        for first in range(0, len(self.roots), per_block):
            roots = self.roots[first : first + per_block]
            found = self._walk(values, n, width, roots, missing)
            reached[first * n : (first + len(roots)) * n] = found
        return reached

    def _walk(self, values: Floats, n: int, width: int, roots: Ints, missing: bool) -> Ints:
        """The leaf slot each (tree, row) pair of ``roots`` and the ``n`` rows of ``values``
        reaches, tree by tree (a few trees at a time: the pairs' arrays stay in the CPU's
        cache, which halves the walk's time)."""
        take = np.take  # (quicker than indexing with an array)
        at = np.repeat(2 * roots, n)  # each pair's slot
        active = np.arange(len(at))  # the pairs not yet at a leaf
        slot = at
        cell = np.tile(np.arange(n) * width, len(roots))  # a pair's row in ``values``
        while active.size:
            # a few levels down, then set aside the pairs that reached a leaf (a leaf leads
            # to itself): compacting at every level costs more than it saves
            for _ in range(_LEVELS):
                x = take(values, take(self._slot_feature, slot) + cell)
                go_left = x <= take(self._slot_threshold, slot)
                if missing:
                    go_left |= np.isnan(x) & take(self._slot_missing_left, slot)
                slot = take(self._next, slot + go_left)
            at[active] = slot
            inner = ~take(self._slot_leaf, slot)
            active, slot, cell = active[inner], slot[inner], cell[inner]
        return at

    def _calibrate(self, raw: Floats) -> Floats:
        """``IsotonicRegression.predict`` with ``out_of_bounds="clip"``."""
        t = np.clip(raw, self.clip_low, self.clip_high)
        if len(self.iso_y) == 1:
            return np.repeat(self.iso_y, t.shape)
        y = np.interp(t, self.iso_x, self.iso_y)
        y[(t < self.iso_x[0]) | (t > self.iso_x[-1])] = np.nan
        return y

    # --- files ----------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "format": np.asarray(FORMAT),
            "features": np.asarray(FEATURES),
        }
        for f in fields(self):
            if f.init:
                arrays[f.name] = np.asarray(getattr(self, f.name))
        with path.open("wb") as out:
            np.savez(out, **arrays)

    @classmethod
    def load(cls, path: Path) -> CompiledRanker:
        """Read a file ``save`` wrote (no pickle: ``allow_pickle=False``)."""
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        return cls.from_arrays(arrays, str(path))

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, npt.NDArray[np.generic]], where: str
    ) -> CompiledRanker:
        if "format" not in arrays or int(arrays["format"]) != FORMAT:
            found = int(arrays["format"]) if "format" in arrays else None
            raise ModelError(
                f"{where}: compiled ranker format {found} is not {FORMAT}; "
                "rebuild the model (codesuggest models build-default) or retrain it"
            )
        if [str(f) for f in arrays.get("features", ())] != list(FEATURES):
            raise ModelError(
                f"{where}: the compiled ranker reads other features than this codesuggest "
                "computes; rebuild the model (codesuggest models build-default) or retrain it"
            )
        missing = [f.name for f in fields(cls) if f.init and f.name not in arrays]
        if missing:
            raise ModelError(f"{where}: compiled ranker lacks {', '.join(missing)}")
        a = arrays
        return cls(
            baseline=float(a["baseline"]),
            roots=np.asarray(a["roots"], dtype=np.int64),
            feature=np.asarray(a["feature"], dtype=np.int64),
            threshold=np.asarray(a["threshold"], dtype=np.float64),
            missing_left=np.asarray(a["missing_left"], dtype=bool),
            left=np.asarray(a["left"], dtype=np.int64),
            right=np.asarray(a["right"], dtype=np.int64),
            leaf=np.asarray(a["leaf"], dtype=bool),
            value=np.asarray(a["value"], dtype=np.float64),
            iso_x=np.asarray(a["iso_x"], dtype=np.float64),
            iso_y=np.asarray(a["iso_y"], dtype=np.float64),
            clip_low=float(a["clip_low"]),
            clip_high=float(a["clip_high"]),
        )
