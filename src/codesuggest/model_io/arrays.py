"""Named numpy arrays in one ``.npz`` file, read with ``allow_pickle=False``.

An ``.npz`` is a zip of ``.npy`` files: a header and raw numbers, never an object to call.
Text travels as UTF-8 bytes (:func:`encode_strings`), lists of lists as a flat array and
offsets (:func:`ragged`), sparse matrices as their three arrays (:func:`csr_arrays`). A file
that is not such an archive, holds object arrays or lacks an expected array is refused with
a :class:`~codesuggest.errors.ModelError` naming it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import numpy.typing as npt

from codesuggest.errors import ModelError

if TYPE_CHECKING:
    from scipy import sparse

Array = npt.NDArray[np.generic]
T = TypeVar("T")
END = "\x00"  # ends each string of an encoded list: no text of a model holds it


def write_arrays(path: Path, arrays: Mapping[str, Array]) -> None:
    """Write ``arrays`` to ``path`` (uncompressed: reading them is a copy, not a decompression)."""
    for name, array in arrays.items():
        if array.dtype.hasobject:
            raise ValueError(f"{path.name}: {name} holds Python objects, which need pickle")
    with path.open("wb") as out:
        np.savez(out, **arrays)


def read_arrays(path: Path, names: Sequence[str]) -> dict[str, Array]:
    """The arrays ``names`` of ``path``, read without pickle; anything else in it is refused."""
    try:
        with path.open("rb") as f:
            if f.read(4) != b"PK\x03\x04":  # np.load would also read a .npy or a pickle
                raise ModelError(f"{path.name}: not an .npz archive of arrays")
        with np.load(path, allow_pickle=False) as data:
            found = set(data.files)
            if found != set(names):
                missing = ", ".join(sorted(set(names) - found)) or "nothing"
                extra = ", ".join(sorted(found - set(names))) or "nothing"
                raise ModelError(f"{path.name}: lacks {missing}, holds unexpected {extra}")
            return {name: data[name] for name in names}
    except ModelError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        # a pickle here fails with "Cannot load file containing pickled data"
        raise ModelError(f"{path.name}: not an .npz archive of plain arrays ({exc})") from None


def check_format(arrays: Mapping[str, Array], expected: int, where: str, what: str) -> None:
    """:class:`ModelError` unless ``arrays["format"]`` is the scalar ``expected``."""
    found = arrays["format"]
    if found.shape != () or int(found) != expected:
        raise ModelError(f"{where}: {what} format {found} is not {expected}")


def encode_strings(values: Sequence[str]) -> npt.NDArray[np.uint8]:
    """``values`` as the UTF-8 bytes of each string followed by :data:`END`."""
    if any(END in v for v in values):
        raise ValueError("a string to save holds a NUL character")
    text = "".join(v + END for v in values)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def decode_strings(array: Array, where: str, count: int | None = None) -> list[str]:
    """The strings :func:`encode_strings` wrote (``count`` of them, when given)."""
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ModelError(f"{where}: strings are not stored as bytes")
    try:
        text = str(np.ascontiguousarray(array).data, "utf-8")  # no copy of the bytes
    except UnicodeDecodeError as exc:
        raise ModelError(f"{where}: strings are not UTF-8 ({exc})") from None
    if text and not text.endswith(END):
        raise ModelError(f"{where}: strings are cut short")
    values = text.split(END)[:-1]
    if count is not None and len(values) != count:
        raise ModelError(f"{where}: {len(values)} strings where {count} were expected")
    return values


def int_array(values: Iterable[int]) -> npt.NDArray[np.int32]:
    """Integers (numbers of rows, offsets) as 32-bit: half the bytes to read and hash."""
    array = np.asarray(list(values), dtype=np.int64)
    if len(array) and (array.min() < -(2**31) or array.max() >= 2**31):
        raise ValueError("an integer too large to save in 32 bits")
    return array.astype(np.int32)


def offsets_of(lengths: Iterable[int]) -> npt.NDArray[np.int32]:
    """Where each of groups of ``lengths`` starts, and where the last ends."""
    return int_array([0, *accumulate(lengths)])


def ragged(lists: Sequence[Sequence[int]]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Lists of integers as one flat array and the offsets where each list starts and ends."""
    return int_array(v for x in lists for v in x), offsets_of(len(x) for x in lists)


def check_offsets(offsets: Array, size: int, where: str, count: int | None = None) -> list[int]:
    """``offsets`` as a list, after checking they run from 0 to ``size`` without going back."""
    if offsets.ndim != 1 or not np.issubdtype(offsets.dtype, np.integer) or not len(offsets):
        raise ModelError(f"{where}: offsets are not a list of integers")
    if count is not None and len(offsets) != count + 1:
        raise ModelError(f"{where}: {len(offsets) - 1} lists where {count} were expected")
    if offsets[0] != 0 or offsets[-1] != size or bool(np.any(np.diff(offsets) < 0)):
        raise ModelError(f"{where}: offsets out of order or out of range")
    out: list[int] = offsets.tolist()
    return out


def gather_tuples(table: list[T], offsets: Array, ids: Array | None = None) -> list[tuple[T, ...]]:
    """For each pair of neighbouring checked ``offsets``, the tuple of ``table``'s items at
    ``ids[start:end]`` (at ``start:end`` without ``ids``).

    Models hold hundreds of thousands of such tuples, so no Python step is taken per tuple:
    the tuples of each length are made at once by ``zip`` over one column per place, then put
    in order by ``map`` (or, when most are empty, only the others are placed).
    """
    lengths = np.diff(offsets)
    count = len(lengths)
    full = np.flatnonzero(lengths)
    order = full[np.argsort(lengths[full], kind="stable")]
    by_length = lengths[order]
    starts = offsets[:-1][order].astype(np.int64)
    made: list[tuple[T, ...]] = []
    for group in np.split(np.arange(len(order)), np.flatnonzero(np.diff(by_length)) + 1):
        if len(group):
            at = starts[group]
            columns = (at + j if ids is None else ids[at + j] for j in range(by_length[group[0]]))
            made.extend(zip(*(map(table.__getitem__, c.tolist()) for c in columns), strict=True))
    if len(full) == count:
        position = np.empty(count, dtype=np.int64)
        position[order] = np.arange(count)
        return list(map(made.__getitem__, position.tolist()))
    out: list[tuple[T, ...]] = [()] * count
    for i, group in zip(order.tolist(), made, strict=True):
        out[i] = group
    return out


def check_ids(ids: Array, bound: int, where: str, *, low: int = 0) -> Array:
    """``ids``, after checking each is an integer in ``[low, bound)``."""
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ModelError(f"{where}: not a list of integers")
    if len(ids) and (int(ids.min()) < low or int(ids.max()) >= bound):
        raise ModelError(f"{where}: a reference out of range")
    return ids


def id_list(ids: Array, bound: int, where: str, *, low: int = 0) -> list[int]:
    """:func:`check_ids` as a list."""
    out: list[int] = check_ids(ids, bound, where, low=low).tolist()
    return out


def csr_arrays(prefix: str, matrix: sparse.csr_matrix) -> dict[str, Array]:
    """The arrays of a CSR matrix, as they are (order of indices kept: sums stay the same)."""
    return {
        f"{prefix}_data": np.asarray(matrix.data),
        f"{prefix}_indices": np.asarray(matrix.indices),
        f"{prefix}_indptr": np.asarray(matrix.indptr),
        f"{prefix}_shape": np.asarray(matrix.shape, dtype=np.int64),
    }


def csr_names(prefix: str) -> list[str]:
    return [f"{prefix}_{part}" for part in ("data", "indices", "indptr", "shape")]


def csr_from_arrays(prefix: str, arrays: Mapping[str, Array], where: str) -> sparse.csr_matrix:
    """The CSR matrix :func:`csr_arrays` stored, after a full check of its structure."""
    from scipy import sparse

    shape = arrays[f"{prefix}_shape"]
    if shape.shape != (2,) or not np.issubdtype(shape.dtype, np.integer) or shape.min() < 0:
        raise ModelError(f"{where}: {prefix} has no valid shape")
    data, indices, indptr = (arrays[f"{prefix}_{p}"] for p in ("data", "indices", "indptr"))
    rows, columns = (int(v) for v in shape.tolist())
    check_offsets(indptr, len(data), f"{where}: {prefix}", rows)
    check_ids(indices, columns, f"{where}: {prefix}")
    if len(indices) != len(data) or not np.issubdtype(data.dtype, np.floating):
        raise ModelError(f"{where}: {prefix} has inconsistent arrays")
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(rows, columns), copy=False)
    try:
        matrix.check_format(full_check=True)
    except ValueError as exc:
        raise ModelError(f"{where}: {prefix} is not a valid sparse matrix ({exc})") from None
    return matrix
