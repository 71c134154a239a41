"""codesuggest.io.atomic: whole files or none, and no parts left behind by killed writers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codesuggest.io.atomic import atomic_path, atomic_writer, remove_stale_parts


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_finished_block_replaces_the_file_and_leaves_no_part(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with atomic_writer(out) as handle:
        handle.write("new\n")
        assert _parts(tmp_path) == [p for p in _parts(tmp_path) if f".{os.getpid()}." in p]
    assert out.read_text(encoding="utf-8") == "new\n"
    assert _parts(tmp_path) == []


def test_a_failed_block_keeps_the_old_file_and_removes_its_part(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(out) as handle:
        handle.write("half")
        raise RuntimeError("stop")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert _parts(tmp_path) == []


def test_a_writer_removes_the_parts_of_dead_writers_only(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    dead = tmp_path / f".out.jsonl.{_dead_pid()}.abc123.part"
    live = tmp_path / f".out.jsonl.{os.getppid()}.def456.part"  # pytest's parent runs
    old_style = tmp_path / ".out.jsonl.k2j3h4.part"  # before the pid was in the name
    other = tmp_path / f".other.jsonl.{_dead_pid()}.abc123.part"
    for part in (dead, live, old_style, other):
        part.write_text("half", encoding="utf-8")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old_style, (day_ago, day_ago))
    with atomic_writer(out) as handle:
        handle.write("whole\n")
    assert not dead.exists()
    assert not old_style.exists()
    assert live.exists()  # its writer may still finish
    assert other.exists()  # another file's part is that file's writer's business
    assert remove_stale_parts(tmp_path / "other.jsonl") == [other]


def test_atomic_path_hands_out_a_part_beside_the_file_and_renames_it_when_whole(
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "findings.parquet"
    dead = tmp_path / f".findings.parquet.{_dead_pid()}.abc123.part"
    dead.write_bytes(b"PAR1half")
    with atomic_path(out) as part:
        assert part.parent == tmp_path
        assert part.name.startswith(f".findings.parquet.{os.getpid()}.")
        assert part.name.endswith(".part")
        assert not dead.exists()  # a dead writer's part is removed first
        assert not out.exists()  # nothing at OUT until the block is done
        pq.write_table(pa.table({"code": ["I10"]}), part)  # a writer that opens the path itself
    assert pq.read_table(out).to_pylist() == [{"code": "I10"}]
    assert _parts(tmp_path) == []
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_a_failed_atomic_path_keeps_the_old_file_and_removes_its_part(tmp_path: Path) -> None:
    out = tmp_path / "findings.parquet"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(out) as part:
        part.write_bytes(b"half")
        raise RuntimeError("stop")
    assert out.read_bytes() == b"old"
    assert _parts(tmp_path) == []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
