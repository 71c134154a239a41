"""The leaf each feature row reaches in every tree, found without walking the trees.

QuickScorer's idea (Lucchese et al., SIGIR 2015): number a tree's leaves left to right, one bit
each. A node whose test fails (``x > threshold``: the row goes right) rules out every leaf of its
left subtree; the row's leaf is the leftmost one that no failed node rules out. For one feature,
the nodes a value fails are those whose threshold is below it: in threshold order, a prefix,
whose count ``searchsorted`` gives. So each feature keeps, for each prefix length, the leaves
those nodes leave standing in each tree (a bitmask per tree), and a row's leaves are the AND of
one such row of masks per feature, then the lowest bit left in each tree's mask.

Against a node-by-node walk (``CompiledRanker._walk``) this reads memory in order instead of
gathering it, for the same leaves: the same tests (``x <= threshold`` goes left), so the same
sums bit for bit. Missing values (NaN) are the walk's: whether they go left is a node's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from codesuggest.errors import ModelError

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
Masks = npt.NDArray[np.unsignedinteger[Any]]

_BLOCK = 256  # rows scored at once: their masks, a few hundred kB, stay in the CPU's cache
# a power of two 2**b, 0 <= b < bits, taken modulo these is distinct for each b: its remainder
# finds b in a table (32 bits: 37; 64 bits: 67, the smallest primes that do)
_MODULI = {32: 37, 64: 67}


class ExitLeaves:
    """Per-feature tables of leaf bitmasks for a stack of trees (``CompiledRanker``'s arrays).
    Build with :meth:`of`, which declines trees it cannot represent."""

    def __init__(
        self,
        tables: list[tuple[int, Floats, Masks]],
        values: Floats,
        bits: int,
        dtype: type[np.unsignedinteger[Any]],
    ) -> None:
        self._tables = tables  # (feature, sorted thresholds, masks per prefix and tree)
        self._values = values.ravel()  # tree t's leaf b: index t * bits + b
        self._trees = values.shape[0]
        self._offsets = np.arange(self._trees, dtype=np.int64) * bits
        self._dtype = dtype
        self._all = dtype(np.iinfo(dtype).max)
        self._one = dtype(1)
        self._modulus = dtype(_MODULI[bits])
        lookup = np.zeros(_MODULI[bits], dtype=np.int64)
        for b in range(bits):
            lookup[(1 << b) % _MODULI[bits]] = b
        self._lookup = lookup

    @classmethod
    def of(
        cls,
        roots: Ints,
        feature: Ints,
        threshold: Floats,
        left: Ints,
        right: Ints,
        leaf: Flags,
        value: Floats,
    ) -> ExitLeaves | None:
        """The tables for these trees (arrays already checked to index one another), or None
        when a tree has more than 64 leaves or a test's threshold is NaN (the walk takes
        those). Trees that share nodes or loop are refused."""
        n, trees = len(leaf), len(roots)
        if len(np.unique(roots)) < trees:
            raise ModelError("compiled ranker: two trees share a root")
        tree_of = np.full(n, -1, dtype=np.int64)
        tree_of[roots] = np.arange(trees)
        levels = [roots]
        frontier = roots
        while frontier.size:  # top down, a level at a time
            inner = frontier[~leaf[frontier]]
            kids = np.concatenate([left[inner], right[inner]])
            owners = np.concatenate([tree_of[inner], tree_of[inner]])
            if (tree_of[kids] != -1).any() or len(np.unique(kids)) < len(kids):
                raise ModelError("compiled ranker: a tree's nodes are reached twice")
            tree_of[kids] = owners
            levels.append(kids)
            frontier = kids
        # leaves under each node, then the first leaf of each node's subtree (left to right)
        count = leaf.astype(np.int64)
        for level in reversed(levels):
            inner = level[~leaf[level]]
            count[inner] = count[left[inner]] + count[right[inner]]
        widest = int(count[roots].max(initial=0))
        internal = np.flatnonzero(~leaf & (tree_of >= 0))
        if widest > 64 or np.isnan(threshold[internal]).any():
            return None
        first = np.zeros(n, dtype=np.int64)
        for level in levels:
            inner = level[~leaf[level]]
            first[left[inner]] = first[inner]
            first[right[inner]] = first[inner] + count[left[inner]]
        bits = 32 if widest <= 32 else 64
        dtype: type[np.unsignedinteger[Any]] = np.uint32 if bits == 32 else np.uint64
        # a failed node leaves standing all but its left subtree's leaves (fewer than 64 of
        # them: its right subtree has one at least)
        under_left = count[left[internal]].astype(np.uint64)
        span = ((np.uint64(1) << under_left) - np.uint64(1)) << first[left[internal]].astype(
            np.uint64
        )
        standing = np.zeros(n, dtype=dtype)
        standing[internal] = (~span).astype(dtype)
        values = np.zeros((trees, bits), dtype=np.float64)
        leaves = np.flatnonzero(leaf & (tree_of >= 0))
        values[tree_of[leaves], first[leaves]] = value[leaves]
        full = dtype(np.iinfo(dtype).max)
        tables = []
        for f in np.unique(feature[internal]):
            nodes = internal[feature[internal] == f]
            nodes = nodes[np.argsort(threshold[nodes], kind="stable")]
            masks = np.full((len(nodes) + 1, trees), full, dtype=dtype)
            masks[np.arange(1, len(nodes) + 1), tree_of[nodes]] = standing[nodes]
            np.bitwise_and.accumulate(masks, axis=0, out=masks)
            tables.append((int(f), threshold[nodes].copy(), masks))
        return cls(tables, values, bits, dtype)

    def leaf_values(self, rows: Floats) -> Floats:
        """The value of the leaf each row (without NaN) reaches in each tree, shaped
        (trees, rows)."""
        n = len(rows)
        out = np.empty((n, self._trees), dtype=np.float64)
        columns = np.ascontiguousarray(rows.T)
        size = min(_BLOCK, n)
        acc = np.empty((size, self._trees), dtype=self._dtype)
        row = np.empty((size, self._trees), dtype=self._dtype)
        for start in range(0, n, _BLOCK):
            m = min(_BLOCK, n - start)
            a, r = acc[:m], row[:m]
            a.fill(self._all)
            for f, thresholds, masks in self._tables:
                # the nodes of feature f this block's values fail: thresholds below the value
                failed = np.searchsorted(thresholds, columns[f, start : start + m], side="left")
                np.take(masks, failed, axis=0, out=r)
                np.bitwise_and(a, r, out=a)
            lowest = a & (~a + self._one)  # each tree's leftmost leaf standing
            bit = np.take(self._lookup, (lowest % self._modulus).astype(np.intp))
            found = bit + self._offsets
            np.take(self._values, found, out=out[start : start + m])
        return out.T
