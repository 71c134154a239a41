"""The local engine: chunks of notes through one engine per process (``--workers N`` worker
processes, as ``codesuggest batch`` runs them), each finished chunk checkpointed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from codesuggest.audit.checkpoint import Checkpoint
from codesuggest.audit.findings import Context, Finding, note_findings
from codesuggest.audit.impact import ImpactTables
from codesuggest.types import Note
from codesuggest.workers import in_worker

if TYPE_CHECKING:
    from codesuggest.engine import Engine

# a note and its billed (system, code) pairs
Job = tuple[Note, list[tuple[str, str]]]
Chunk = tuple[int, list[Job]]


def audit_chunk(engine: Engine, jobs: list[Job], min_support: float) -> list[Finding]:
    """The findings of a chunk of notes, note by note in order."""
    ctx = Context(engine.codeset, engine.rules, ImpactTables.load(), min_support, engine.catalogs)
    out: list[Finding] = []
    for (note, billed), assessment in zip(jobs, engine.assess_many(jobs), strict=True):
        out.extend(note_findings(note, assessment, billed, ctx))
    return out


def run_local(
    chunks: Iterable[Chunk],
    checkpoint: Checkpoint,
    *,
    model: Path,
    workers: int,
    min_support: float,
    progress: Callable[[int], None],
) -> None:
    """Audit the chunks the checkpoint lacks and save each as it finishes; ``progress`` is
    told how many notes each finished chunk held."""
    done = checkpoint.done()
    todo = ((n, jobs) for n, jobs in chunks if n not in done)
    for number, jobs, findings in _outcomes(todo, str(model), workers, min_support):
        checkpoint.save(number, findings)
        progress(len(jobs))


def _outcomes(
    chunks: Iterator[Chunk], model: str, workers: int, min_support: float
) -> Iterator[tuple[int, list[Job], list[Finding]]]:
    if workers == 1:
        from codesuggest.engine import Engine
        from codesuggest.process_heap import settled_heap

        with settled_heap():
            engine = Engine.load(model)
        for number, jobs in chunks:
            yield number, jobs, audit_chunk(engine, jobs, min_support)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=workers, backend="loky", return_as="generator")
    pending: list[Chunk] = []

    def tasks() -> Iterator[object]:
        for chunk in chunks:
            pending.append(chunk)
            yield delayed(_in_worker)(chunk[1], model, min_support)

    for i, findings in enumerate(parallel(tasks())):
        number, jobs = pending[i]
        yield number, jobs, findings


def _in_worker(jobs: list[Job], model: str, min_support: float) -> list[Finding]:
    """Run in a worker process: audit one chunk on the process's engine."""
    return in_worker(model, lambda engine: audit_chunk(engine, jobs, min_support))
