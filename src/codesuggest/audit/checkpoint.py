"""Checkpoints of an audit in progress: each finished chunk of notes leaves its findings in
``DIR/.partial/chunk-NNNNNN.jsonl`` (written whole or not at all), so a run killed part way
and started again with the same arguments does only the chunks it lacks and ends with the
findings of an uninterrupted run. ``manifest.json`` says which inputs the chunks are of: a run
of other inputs does not mix its chunks with them.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codesuggest.audit.findings import Finding
from codesuggest.errors import InputError
from codesuggest.io.atomic import atomic_writer

PARTIAL = ".partial"
_CHUNK = re.compile(r"chunk-(\d{6})\.jsonl")


def fingerprint(paths: list[Path], settings: dict[str, Any]) -> str:
    """What identifies an audit's inputs: each path, its size and modification time, and the
    settings that change findings (the model, the minimum support, the chunk size)."""
    parts: list[Any] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        parts.append([str(path.resolve()), [(f.name, *_stat(f)) for f in files]])
    parts.append(settings)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


class Checkpoint:
    """The chunks of findings an audit in ``out`` has finished."""

    def __init__(self, out: Path, key: str) -> None:
        self.dir = out / PARTIAL
        self.key = key

    def open(self) -> None:
        """Start, or go on with, the audit of these inputs; a partial audit of other inputs
        is an error (``--force`` starts over)."""
        manifest = self.dir / "manifest.json"
        if manifest.is_file():
            found = json.loads(manifest.read_text("utf-8")).get("key")
            if found != self.key:
                raise InputError(
                    f"{self.dir.parent} holds a partial audit of other inputs or settings; "
                    "give --force to start over"
                )
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        with atomic_writer(manifest) as handle:
            json.dump({"key": self.key}, handle)

    def done(self) -> set[int]:
        """The numbers of the chunks already finished."""
        if not self.dir.is_dir():
            return set()
        return {int(m.group(1)) for p in self.dir.iterdir() if (m := _CHUNK.fullmatch(p.name))}

    def save(self, number: int, findings: list[Finding]) -> None:
        with atomic_writer(self.dir / f"chunk-{number:06d}.jsonl") as handle:
            for f in findings:
                handle.write(json.dumps(f.to_row(), ensure_ascii=False) + "\n")

    def findings(self) -> Iterator[Finding]:
        """Every finding of the finished chunks, chunk by chunk."""
        for number in sorted(self.done()):
            path = self.dir / f"chunk-{number:06d}.jsonl"
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    yield Finding.from_row(json.loads(line))

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
