"""``run_audit``: read the notes and the billed codes, audit every note with the local or the
Spark engine, and write the findings, the bad input, the totals and the report into ``out``.

What ``out`` holds when an audit finishes: ``findings.csv`` and ``findings.parquet`` (one row
per note and code, sorted by note, system, code and finding), ``problems.csv`` (the bad input),
``summary.json`` (the totals), ``report.html`` and, written last, ``audit.json`` (what was
audited with what). A folder holding ``audit.json`` is not audited again without ``force``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from codesuggest.audit.billed import Billed, read_billed
from codesuggest.audit.checkpoint import Checkpoint, fingerprint
from codesuggest.audit.findings import DEFAULT_MIN_SUPPORT, Finding
from codesuggest.audit.impact import ImpactTables
from codesuggest.audit.local import Chunk, Job, run_local
from codesuggest.audit.outputs import sort_key, write_csv, write_parquet, write_problems
from codesuggest.audit.problems import Problem
from codesuggest.audit.report import write_report
from codesuggest.audit.summary import summarize
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.errors import InputError
from codesuggest.io.atomic import atomic_writer
from codesuggest.io.notes import BadRecord, read_notes
from codesuggest.model_dir import artefact, read_card
from codesuggest.model_io.codeset import FILE as CODESET_FILE
from codesuggest.model_io.codeset import load_codeset
from codesuggest.settings import get_settings

ENGINES = ("local", "spark")
FINISHED = "audit.json"
OUTPUTS = ("findings.csv", "findings.parquet", "problems.csv", "summary.json", "report.html")


@dataclass
class AuditResult:
    """Where an audit wrote, its totals and its bad input."""

    out: Path
    findings: list[Finding]
    problems: list[Problem]
    summary: dict[str, Any] = field(default_factory=dict)
    resumed_chunks: int = 0


def run_audit(
    notes: str | Path,
    billed: str | Path,
    out: str | Path,
    *,
    model: str | Path | None = None,
    engine: str = "local",
    workers: int = 1,
    force: bool = False,
    min_support: float = DEFAULT_MIN_SUPPORT,
    echo: Callable[[str], None] | None = None,
    progress: bool = False,
) -> AuditResult:
    """Audit the billed codes of ``billed`` against the notes of ``notes`` into folder ``out``
    (see the module). ``echo`` is told each piece of bad input and, when a run goes on with
    the checkpointed chunks of an earlier one, how many it found (default: stderr)."""
    say = echo or (lambda line: print(line, file=sys.stderr))
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; give one of {', '.join(ENGINES)}")
    if workers < 1:
        raise InputError("workers must be at least 1")
    notes_path, billed_path, out_dir = Path(notes), Path(billed), Path(out)
    model_dir = _model_dir(model)
    card = read_card(model_dir)
    _prepare(out_dir, force)
    codeset = load_codeset(artefact(model_dir, card, CODESET_FILE))
    billed_codes = read_billed(billed_path, CodeSystems(codeset))
    problems = list(billed_codes.problems)
    jobs, note_problems = _jobs(notes_path, billed_codes)
    problems.extend(note_problems)
    for p in problems:
        say(f"bad input: {p}")
    chunk_notes = get_settings().audit_chunk_notes  # the engine ranks a chunk at once
    settings = {
        "model": str(model_dir.resolve()),
        "card": card.get("artefacts"),
        "min_support": min_support,
        "chunk": chunk_notes,
        "engine": engine,
    }
    if engine == "spark":
        from codesuggest.audit.spark import run_spark

        work = out_dir / ".partial" / "spark"
        findings = run_spark(
            jobs, model=model_dir, min_support=min_support, workers=workers, work=work
        )
        shutil.rmtree(out_dir / ".partial", ignore_errors=True)
        resumed = 0
    else:
        checkpoint = Checkpoint(out_dir, fingerprint([notes_path, billed_path], settings))
        checkpoint.open()
        chunks = list(_chunks(jobs, chunk_notes))
        resumed = len(checkpoint.done())
        if resumed:
            say(f"resuming the audit in {out_dir}: {resumed} of {len(chunks)} chunks already done")
        with _ProgressBar(len(jobs), progress) as tick:
            tick(sum(len(c[1]) for c in chunks if c[0] in checkpoint.done()))
            run_local(
                chunks,
                checkpoint,
                model=model_dir,
                workers=workers,
                min_support=min_support,
                progress=tick,
            )
        findings = list(checkpoint.findings())
    findings.sort(key=sort_key)
    about = {
        "model": {"name": card.get("name"), "version": card.get("version"), "path": str(model_dir)},
        "code_sets": {SYSTEM: codeset.release},
        "tables": ImpactTables.releases(),
        "engine": engine,
        "min_support": min_support,
        "inputs": {"notes": str(notes_path), "billed": str(billed_path)},
    }
    summary = summarize(
        findings, problems, notes=len(jobs), billed_rows=billed_codes.rows, about=about
    )
    _write(out_dir, findings, problems, summary, {job[0].note_id: job[0].text for job in jobs})
    if engine == "local":
        checkpoint.remove()
    return AuditResult(out_dir, findings, problems, summary, resumed)


def _model_dir(model: str | Path | None) -> Path:
    if model is not None:
        return Path(model)
    from codesuggest.engine import default_model_path

    return default_model_path()


def _prepare(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder")
    if (out / FINISHED).exists():
        if not force:
            raise InputError(f"{out} holds a finished audit; give --force to overwrite it")
        for name in (FINISHED, *OUTPUTS):
            (out / name).unlink(missing_ok=True)
    if force:
        shutil.rmtree(out / ".partial", ignore_errors=True)
    if not out.parent.is_dir():
        raise InputError(f"output folder's parent does not exist: {out.parent}")
    out.mkdir(exist_ok=True)


def _jobs(path: Path, billed: Billed) -> tuple[list[Job], list[Problem]]:
    """Each readable note with its billed codes, and the notes and billed rows left out."""
    problems: list[Problem] = []
    jobs: list[Job] = []
    try:
        for record in read_notes(path, max_chars=get_settings().max_note_chars):
            if isinstance(record, BadRecord):
                problems.append(Problem("bad_note", record.where or str(path), record.reason))
            else:
                jobs.append((record, billed.codes(record.note_id)))
    except InputError as exc:  # a file of notes that cannot be read from some row on
        kind = "bad_columns" if "column" in str(exc) else "unreadable_file"
        problems.append(Problem(kind, str(path), str(exc)))
    if not jobs and not problems:
        problems.append(Problem("empty_file", str(path), "no notes"))
    seen = {note.note_id for note, _ in jobs}
    for note_id, rows in billed.by_note.items():
        if note_id not in seen:
            for row in rows:
                reason = "billed for a note that is not in the notes"
                problems.append(Problem("absent_note", row.where, reason, note_id, row.code))
    return jobs, problems


def _chunks(jobs: list[Job], size: int) -> Iterator[Chunk]:
    it = iter(jobs)
    number = 0
    while chunk := list(islice(it, size)):
        yield number, chunk
        number += 1


class _ProgressBar:
    """A tqdm bar on stderr when asked for, told how many notes each chunk held."""

    def __init__(self, total: int, show: bool) -> None:
        self.total, self.show = total, show
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if self.show:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="note", file=sys.stderr)
        return self.tick

    def tick(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _write(
    out: Path,
    findings: list[Finding],
    problems: list[Problem],
    summary: dict[str, Any],
    texts: dict[str, str],
) -> None:
    write_csv(out / "findings.csv", findings)
    write_parquet(out / "findings.parquet", findings)
    write_problems(out / "problems.csv", problems)
    with atomic_writer(out / "summary.json") as handle:
        json.dump(summary, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    write_report(out / "report.html", findings, problems, summary, texts)
    with atomic_writer(out / FINISHED) as handle:
        json.dump(
            {"finished": True, **{k: summary[k] for k in ("model", "engine", "inputs")}},
            handle,
            indent=2,
        )
        handle.write("\n")
