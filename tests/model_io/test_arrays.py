"""Arrays in .npz files read without pickle: text, ragged lists, sparse matrices."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from codesuggest.errors import ModelError
from codesuggest.model_io.arrays import (
    check_offsets,
    csr_arrays,
    csr_from_arrays,
    csr_names,
    decode_strings,
    encode_strings,
    ragged,
    read_arrays,
    write_arrays,
)


@pytest.mark.parametrize("values", [[], [""], ["a", "", "é ü", "E11.9"], ["x" * 1000]])
def test_strings_round_trip(values: list[str]) -> None:
    assert decode_strings(encode_strings(values), "t", len(values)) == values


def test_strings_with_nul_are_refused_and_bad_bytes_are_a_model_error() -> None:
    with pytest.raises(ValueError, match="NUL"):
        encode_strings(["a\x00b"])
    with pytest.raises(ModelError, match="not UTF-8"):
        decode_strings(np.frombuffer(b"\xff\x00", dtype=np.uint8), "t")
    with pytest.raises(ModelError, match="cut short"):
        decode_strings(np.frombuffer(b"abc", dtype=np.uint8), "t")
    with pytest.raises(ModelError, match="2 strings where 3"):
        decode_strings(encode_strings(["a", "b"]), "t", 3)


def test_ragged_lists_and_their_offsets_are_checked() -> None:
    flat, offsets = ragged([[1, 2], [], [3]])
    assert flat.tolist() == [1, 2, 3] and offsets.tolist() == [0, 2, 2, 3]
    assert check_offsets(offsets, 3, "t", 3) == [0, 2, 2, 3]
    with pytest.raises(ModelError, match="out of order"):
        check_offsets(np.asarray([0, 3, 2, 3]), 3, "t")
    with pytest.raises(ModelError, match="out of order"):
        check_offsets(offsets, 4, "t")


def test_read_arrays_returns_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "a.npz"
    write_arrays(path, {"x": np.arange(3), "s": encode_strings(["a"])})
    got = read_arrays(path, ["x", "s"])
    assert got["x"].tolist() == [0, 1, 2]
    with pytest.raises(ModelError, match="lacks y, holds unexpected s"):
        read_arrays(path, ["x", "y"])


def test_object_arrays_are_never_written_nor_read(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Python objects"):
        write_arrays(tmp_path / "a.npz", {"x": np.asarray([{"a": 1}], dtype=object)})
    path = tmp_path / "b.npz"
    np.savez(path, x=np.asarray([{"a": 1}], dtype=object))  # a pickle inside the archive
    with pytest.raises(ModelError, match=r"b\.npz"):
        read_arrays(path, ["x"])


def test_a_pickle_is_not_an_archive_of_arrays(tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    path.write_bytes(pickle.dumps({"x": 1}))
    with pytest.raises(ModelError, match=r"c\.npz: not an \.npz archive"):
        read_arrays(path, ["x"])
    np.save(tmp_path / "d.npy", np.arange(2))
    with pytest.raises(ModelError, match=r"not an \.npz archive"):
        read_arrays(tmp_path / "d.npy", ["x"])


def test_csr_round_trip_keeps_the_order_of_indices() -> None:
    m = sparse.csr_matrix(
        (np.asarray([1.0, 2.0, 3.0], dtype=np.float32), [2, 0, 1], [0, 2, 3]), shape=(2, 3)
    )
    back = csr_from_arrays("m", csr_arrays("m", m), "t")
    assert back.indices.tolist() == [2, 0, 1] and back.data.dtype == np.float32
    assert (back != m).nnz == 0
    bad = {**csr_arrays("m", m), "m_indices": np.asarray([5, 0, 1], dtype=np.int32)}
    with pytest.raises(ModelError, match="out of range"):
        csr_from_arrays("m", bad, "t")
    assert sorted(csr_arrays("m", m)) == sorted(csr_names("m"))
