"""Files that appear whole or not at all: written beside their place, renamed over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_writer(out: Path) -> Iterator[TextIO]:
    """A text file that appears at ``out`` only if the block finishes without error."""
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)  # mkstemp makes 0600; give OUT the usual permissions
        tmp.replace(out)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise
