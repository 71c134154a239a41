"""Files that appear whole or not at all: written beside their place, renamed over it.

``atomic_writer`` hands out a text handle; ``atomic_path`` a path, for writers that open the
file themselves (``pyarrow.parquet.write_table``). The file being written is
``.NAME.PID.XXXXXX.part`` beside ``NAME``. A writer that fails or is stopped by SIGTERM (the
CLI turns it into an exit) removes its own; one killed outright cannot, so each writer first
removes the parts of ``NAME`` whose process is gone.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

PART = ".part"
_OLD_PART_SECONDS = 24 * 3600


@contextmanager
def atomic_writer(out: Path) -> Iterator[TextIO]:
    """A text file that appears at ``out`` only if the block finishes without error."""
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle  # closed before atomic_path syncs it to disk and renames it


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A path to write ``out``'s content to (an empty file, created); the file appears at
    ``out`` only if the block finishes without error, else the part is removed."""
    remove_stale_parts(out)
    prefix = f".{out.name}.{os.getpid()}."
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=prefix, suffix=PART)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)  # mkstemp makes 0600; give OUT the usual permissions
        tmp.replace(out)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_parts(out: Path) -> list[Path]:
    """Remove the half-written parts of ``out`` whose writer is no longer running (a run that
    was killed); returns them. Parts of a live writer stay; so do parts named as before the
    writer's process id was in the name, unless a day old."""
    removed: list[Path] = []
    lead = f".{out.name}."
    try:
        candidates = [p for p in out.parent.iterdir() if p.name.startswith(lead)]
    except OSError:
        return removed
    for part in candidates:
        if not part.name.endswith(PART) or not _stale(part.name[len(lead) :], part):
            continue
        with suppress(FileNotFoundError):
            part.unlink()
            removed.append(part)
    return removed


def _stale(rest: str, part: Path) -> bool:
    pid, _, _ = rest.partition(".")
    if not pid.isdigit():  # an older writer's name: no process to ask
        try:
            return time.time() - part.stat().st_mtime > _OLD_PART_SECONDS
        except OSError:
            return False
    return not _running(int(pid))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
