"""``codesuggest batch INPUT --out OUT.jsonl``: suggest codes for many notes.

Bad records are reported on stderr with their line and skipped. The output is written to a
temporary file beside OUT and renamed over it only when the run succeeds. With ``--workers N``
each worker process loads its own engine once (medspaCy pipelines cannot be pickled) and
handles chunks of notes; results come back in input order.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from codesuggest.cli.common import (
    SystemOption,
    check_model_dir,
    handled_errors,
    kept_systems,
    load_engine,
    skip_teardown,
)
from codesuggest.errors import InputError
from codesuggest.io.atomic import atomic_writer
from codesuggest.io.notes import BadRecord, read_notes
from codesuggest.process_heap import settle_chunk, settled_heap
from codesuggest.types import Note
from codesuggest.workers import in_worker

if TYPE_CHECKING:
    from tqdm import tqdm

    from codesuggest.engine import Engine

CHUNK_SIZE = 64  # notes per task; the engine ranks a chunk at once
Item = Note | BadRecord
Outcome = dict[str, Any] | BadRecord


@dataclass
class Tally:
    """Counts for the closing summary line."""

    written: int = 0
    skipped: int = 0


def batch(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT", help="A folder of .txt notes, a .jsonl or a .csv (id, text, ...)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", metavar="OUT.jsonl", help="Where to write.")],
    model: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Model directory (default: configured).")
    ] = None,
    top: Annotated[int | None, typer.Option(min=1, help="Suggestions per note.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    system: SystemOption = None,
) -> None:
    """Suggest codes for every note in INPUT and write one JSON result per line to OUT."""
    from tqdm import tqdm

    from codesuggest.settings import get_settings

    ask = Ask(top, kept_systems(system))

    with handled_errors():
        records = read_notes(input_path, max_chars=get_settings().max_note_chars)
        _check_paths(input_path, out)
        first = next(records, None)  # an empty input fails before the model loads
        if first is None:
            holds = "folder holds no .txt files" if input_path.is_dir() else "file holds no records"
            raise InputError(f"no notes in {input_path}: the {holds}")
        records = chain([first], records)
        model_arg = str(model) if model is not None else None
        if workers == 1:
            with settled_heap():
                engine = load_engine(model)
            skip_teardown()  # the process ends with the batch
            outcomes = _serial(engine, records, ask)
        else:
            check_model_dir(model)  # each worker loads the model itself
            outcomes = _parallel(records, model_arg, ask, workers)
        progress = tqdm(total=_estimate_total(input_path), unit="note", file=sys.stderr)
        tally = Tally()
        with progress, atomic_writer(out) as handle:
            _write(outcomes, handle, progress, tally)
            if not tally.written:
                raise InputError(f"no usable notes in {input_path}; {tally.skipped} skipped")
    noun = "note" if tally.written == 1 else "notes"
    typer.echo(f"wrote {tally.written} {noun} to {out}; skipped {tally.skipped}", err=True)


@dataclass(frozen=True)
class Ask:
    """What each note is asked for: ``top`` codes, of the ``systems`` kept (None: all)."""

    top: int | None
    systems: frozenset[str] | None


def _check_paths(input_path: Path, out: Path) -> None:
    if out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name such as results.jsonl")
    if not out.parent.is_dir():
        raise InputError(f"output folder does not exist: {out.parent}")
    if out.exists() and out.resolve() == input_path.resolve():
        raise InputError("--out must not be the input file")


def _write(outcomes: Iterable[Outcome], handle: TextIO, progress: tqdm[Any], tally: Tally) -> None:
    """Write results in order; report each bad record on its own stderr line."""
    for outcome in outcomes:
        if isinstance(outcome, BadRecord):
            tally.skipped += 1
            progress.write(f"skipped {outcome}", file=sys.stderr)
        else:
            handle.write(json.dumps(outcome, ensure_ascii=False) + "\n")
            tally.written += 1
        progress.update(1)


def _chunks(records: Iterable[Item], size: int = CHUNK_SIZE) -> Iterator[list[Item]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _serial(engine: Engine, records: Iterable[Item], ask: Ask) -> Iterator[Outcome]:
    for chunk in _chunks(records):
        yield from _process(engine, chunk, ask)
        settle_chunk()


def _parallel(
    records: Iterable[Item], model: str | None, ask: Ask, workers: int
) -> Iterator[Outcome]:
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=workers, backend="loky", return_as="generator")
    tasks = (delayed(_process_in_worker)(chunk, model, ask) for chunk in _chunks(records))
    for chunk_outcomes in parallel(tasks):
        yield from chunk_outcomes


def _process_in_worker(chunk: list[Item], model: str | None, ask: Ask) -> list[Outcome]:
    """Run in a worker process: process one chunk on the process's engine."""
    return in_worker(model, lambda engine: _process(engine, chunk, ask))


def _process(engine: Engine, chunk: list[Item], ask: Ask) -> list[Outcome]:
    """Suggest for the notes of a chunk, keeping bad records in place."""
    notes = [item for item in chunk if isinstance(item, Note)]
    try:
        results: list[Outcome] = [
            r.to_dict() for r in engine.suggest_many(notes, top=ask.top, systems=ask.systems)
        ]
    except InputError:  # find the note the engine refused; keep the others
        results = [_one(engine, note, ask) for note in notes]
    answers = iter(results)
    return [item if isinstance(item, BadRecord) else next(answers) for item in chunk]


def _one(engine: Engine, note: Note, ask: Ask) -> Outcome:
    try:
        return engine.suggest(note, top=ask.top, systems=ask.systems).to_dict()
    except InputError as exc:
        return BadRecord(0, str(exc), source=f"note {note.note_id!r}")


def _estimate_total(path: Path) -> int | None:
    """How many records to expect, for the progress bar; ``None`` when costly to know."""
    if path.is_dir():
        return sum(1 for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    if path.suffix.lower() == ".jsonl":
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    return None
