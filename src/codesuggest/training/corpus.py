"""Labelled corpora for training: CodiEsp split folders, JSONL and CSV, and coders' feedback in
the store, read into coded notes.

``read_corpus("codiesp:DIR" | "jsonl:PATH" | "csv:PATH" | PATH | "feedback:DB_URL", codeset)``
returns the notes and a :class:`CorpusReport` (feedback: see
:mod:`~codesuggest.training.corpus_feedback`). Nothing is dropped silently: a problem with the
corpus as a whole (no notes, a duplicated id, a label naming a note that does not exist,
conflicting texts) raises :class:`~codesuggest.errors.InputError` naming file and line; a problem
with one record (bad JSON, no text, an unknown code system) skips that record and lists it in
``CorpusReport.skipped``.

Codes are labels in the current release where that is unambiguous: ICD-10-CM in official dotted
form, 2018 codes that a later release split moved to their "unspecified" child (R51 -> R51.9),
CodiEsp's codes without their 7th character completed (W19.XXX -> W19.XXXA). Codes absent from
the code set are kept as labels and counted in ``unknown``; so are truncated ICD-10-PCS codes
(``bn20`` -> ``BN20``, counted in ``truncated``): there is no PCS table to check them against.
"""

from __future__ import annotations

import re
from pathlib import Path

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError
from codesuggest.training.corpus_collect import CodedNote, Collector
from codesuggest.training.corpus_formats import read_codiesp, read_csv, read_jsonl
from codesuggest.training.corpus_report import CorpusReport, Skipped

__all__ = [
    "KINDS",
    "CodedNote",
    "Collector",
    "CorpusReport",
    "Skipped",
    "feedback_url",
    "parse_spec",
    "read_corpus",
]

KINDS = ("codiesp", "jsonl", "csv", "feedback")


def feedback_url(spec: str) -> str | None:
    """The database URL of a ``feedback:DB_URL`` spec; None for a file corpus."""
    head, sep, rest = spec.partition(":")
    if not (sep and head == "feedback"):
        return None
    if not rest.strip():
        raise InputError(f"{spec!r}: no database URL after feedback:")
    return rest


def parse_spec(spec: str) -> tuple[str, Path]:
    """The kind of a file corpus and its path: ``kind:PATH``, or a bare path whose kind is
    inferred (``feedback:DB_URL`` names no path: see :func:`feedback_url`)."""
    head, sep, rest = spec.partition(":")
    if sep and head in KINDS:
        if head == "feedback":
            raise InputError(f"{spec!r}: a feedback corpus is a database URL, not a path")
        if not rest:
            raise InputError(f"{spec!r}: no path after {head}:")
        return head, Path(rest)
    path = Path(spec)
    if sep and re.fullmatch(r"[a-z]{2,}", head) and not path.exists():
        raise InputError(f"{spec!r}: unknown corpus kind {head!r}; use one of {', '.join(KINDS)}")
    if path.is_dir() and (path / "text_files_en").is_dir():
        return "codiesp", path
    if path.suffix.lower() in (".jsonl", ".csv"):
        return path.suffix.lower()[1:], path
    if not path.exists():
        raise InputError(f"no such corpus file or folder: {path}")
    raise InputError(
        f"{path}: cannot tell the corpus kind; give a CodiEsp split folder (with text_files_en/), "
        "a .jsonl or a .csv, or prefix it with codiesp:, jsonl: or csv:"
    )


def read_corpus(spec: str, codeset: Icd10Cm) -> tuple[list[CodedNote], CorpusReport]:
    """Read a labelled corpus (see the module docstring); raises InputError when unusable."""
    url = feedback_url(spec)
    if url is not None:
        from codesuggest.training.corpus_feedback import read_feedback  # loads SQLAlchemy

        return read_feedback(url, codeset)
    kind, path = parse_spec(spec)
    collector = Collector(codeset, str(path))
    {"codiesp": read_codiesp, "jsonl": read_jsonl, "csv": read_csv}[kind](path, collector)
    return collector.finish()
