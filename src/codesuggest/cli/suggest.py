"""``codesuggest suggest FILE|-``: suggest codes for one note and print them."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from codesuggest.cli.common import (
    SystemOption,
    handled_errors,
    kept_systems,
    load_engine,
)
from codesuggest.errors import InputError
from codesuggest.io.notes import decode_utf8, read_text
from codesuggest.process_heap import one_shot_heap
from codesuggest.types import Note, NoteResult, Suggestion, parse_sex

DESCRIPTION_WIDTH = 44
EVIDENCE_WIDTH = 40
INDEX_WIDTH = 70


def _sex(value: str | None) -> str | None:
    """The canonical sex of ``--sex`` (f, M, female...); a usage error otherwise."""
    if value is None:
        return None
    try:
        return parse_sex(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None


def suggest(
    file: Annotated[
        str, typer.Argument(metavar="FILE|-", help="A UTF-8 text note, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    model: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Model directory (default: configured).")
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(
            min=1,
            help=(
                "Suggestions to show: every recommended code, then the most confident others "
                "until there are this many."
            ),
        ),
    ] = None,
    note_id: Annotated[str | None, typer.Option(help="Note id (default: the file name).")] = None,
    age: Annotated[int | None, typer.Option(min=0, max=130, help="Patient age in years.")] = None,
    sex: Annotated[
        str | None,
        typer.Option(
            metavar="F|M",
            callback=_sex,
            help="Patient sex: F or M (f, m, female, male accepted).",
        ),
    ] = None,
    date_of_service: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date of service.")
    ] = None,
    system: SystemOption = None,
) -> None:
    """Suggest codes for one note, with confidence and supporting evidence."""
    systems = kept_systems(system)
    with handled_errors(), one_shot_heap():
        text = _read_input(file)
        note = Note(
            text=text,
            note_id=note_id or ("stdin" if file == "-" else Path(file).stem),
            age=age,
            sex=sex,
            date_of_service=date_of_service.date() if date_of_service else None,
        )
        engine = load_engine(model)
        result = engine.suggest(note, top=top, systems=systems)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_table(result))


def _read_input(file: str) -> str:
    """The note text from a file or from stdin (``-``), as strict UTF-8."""
    if file == "-":
        return decode_utf8(sys.stdin.buffer.read(), "stdin")
    return read_text(Path(file))


def format_table(result: NoteResult) -> str:
    """A plain-text table: rank, code, confidence, recommended mark, description, evidence."""
    header = f"note {result.note_id} - model {result.model.name} {result.model.version}"
    if not result.suggestions:
        return f"{header}\nno suggestions"
    rows = [("#", "code", "system", "conf", "rec", "description", "evidence")]
    rows += [_row(rank, s) for rank, s in enumerate(result.suggestions, start=1)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [header]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.append("rec: * = recommended")
    return "\n".join(lines)


def _row(rank: int, suggestion: Suggestion) -> tuple[str, str, str, str, str, str, str]:
    evidence = suggestion.evidence
    if not evidence:
        shown = ""
    elif evidence[0].kind == "learned":  # the words that drove a code learned from the note
        shown = _clip("words: " + ", ".join(e.text for e in evidence), EVIDENCE_WIDTH)
    else:
        shown = f'"{_clip(evidence[0].text, EVIDENCE_WIDTH)}"'
    if suggestion.index_path:  # the Alphabetic Index entry that found the code
        shown = f"{shown}  index: {_clip(suggestion.index_path, INDEX_WIDTH)}".strip()
    return (
        str(rank),
        suggestion.code,
        suggestion.system,
        f"{suggestion.confidence:.2f}",
        "*" if suggestion.recommended else "",
        _clip(suggestion.description, DESCRIPTION_WIDTH),
        shown,
    )


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters, ending in an ellipsis when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
