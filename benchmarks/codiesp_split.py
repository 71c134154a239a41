"""What the CodiEsp accuracy benchmarks share: the common arguments, the split's notes and gold
codes read as the trainer reads them (official form, current release, 7th characters), and each
note's ranking per code system. Imported by the benchmarks beside it (run as scripts, their
folder is on the path). Data: CodiEsp (CC-BY 4.0; CLEF eHealth 2020), read from
../shared/data/codiesp and never copied."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from codesuggest.engine import Engine
from codesuggest.errors import CodeSuggestError
from codesuggest.training.corpus import CodedNote, CorpusReport, read_corpus
from codesuggest.training.metrics import Ranked

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--model``, ``--data``, ``--split`` and ``--top``."""
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--top", type=int, default=30)


@dataclass
class Split:
    """A loaded model and a CodiEsp split's coded notes."""

    engine: Engine
    coded: list[CodedNote]
    report: CorpusReport
    name: str

    def gold(self, system: str) -> dict[str, set[str]]:
        """The gold codes of ``system`` of each note that has some."""
        return {c.note.note_id: c.codes_of(system) for c in self.coded if c.codes_of(system)}

    def rank(self, systems: Iterable[str], top: int) -> tuple[dict[str, dict[str, Ranked]], float]:
        """Each note's first ``top`` suggestions of each system, ranked apart as `codesuggest
        evaluate` ranks them; and the notes per second."""
        systems = tuple(systems)
        ranked: dict[str, dict[str, Ranked]] = {s: {} for s in systems}
        notes = [c.note for c in self.coded]
        started = time.perf_counter()
        results = self.engine.suggest_many(notes, top=top * 2)
        for result in tqdm(results, total=len(notes), desc=f"codiesp {self.name}", file=sys.stderr):
            for system in systems:
                s = [x for x in result.suggestions if x.system == system][:top]
                ranked[system][result.note_id] = Ranked(
                    [x.code for x in s], [x.confidence for x in s], [x.recommended for x in s]
                )
        return ranked, len(notes) / (time.perf_counter() - started)


def load_split(args: argparse.Namespace) -> Split | int:
    """The model and split the arguments name, or the exit code when either is missing (a
    missing split is skipped with a message, not failed)."""
    folder = args.data / args.split
    if not folder.is_dir():
        print(f"skipped: CodiEsp split not found at {folder}", file=sys.stderr)
        return 0
    try:
        engine = Engine.load(args.model)
    except CodeSuggestError as exc:
        print(f"error: {exc} (run `make install`, or pass --model DIR)", file=sys.stderr)
        return 1
    coded, report = read_corpus(f"codiesp:{folder}", engine.codeset)
    return Split(engine, coded, report, args.split)
