"""``codesuggest batch``: many notes in, JSONL out; bad records reported, OUT atomic."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from codesuggest.cli.main import app
from codesuggest.engine import Engine
from codesuggest.errors import ModelError
from codesuggest.settings import get_settings
from codesuggest.types import ModelInfo, Note, NoteResult
from tests.cli.conftest import one_error_line

TEXTS = [
    "Assessment: essential hypertension, well controlled on lisinopril.",
    "Type 2 diabetes mellitus without complications. Continue metformin.",
    "Acute bronchitis. No pneumonia on chest x-ray.",
    "Chronic kidney disease stage 3. Anemia in chronic kidney disease.",
]


def _jsonl(path: Path, lines: Iterable[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _row(note_id: str, text: str, **extra: Any) -> str:
    return json.dumps({"id": note_id, "text": text, **extra})


def _read_out(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _batch(runner: CliRunner, source: Path, out: Path, model_dir: Path) -> Result:
    return runner.invoke(app, ["batch", str(source), "--out", str(out), "--model", str(model_dir)])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_batch_jsonl_writes_good_notes_and_reports_bad_lines(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    source = _jsonl(
        tmp_path / "notes.jsonl",
        [
            _row("a", TEXTS[0], age=70, sex="M", date_of_service="2024-05-01"),
            '{"id": "b", "text": "unterminated',
            json.dumps({"id": "c"}),
            _row("d", TEXTS[1], age=-3),
            _row("e", TEXTS[2]),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = _batch(runner, source, out, model_dir)
    assert result.exit_code == 0, result.output
    records = _read_out(out)
    assert [r["note_id"] for r in records] == ["a", "e"]
    assert all(r["model"]["name"] == reuse_engine.info.name for r in records)
    assert f"skipped {source}:2:21: bad JSON: Unterminated string" in result.stderr
    assert f"skipped {source}:3: missing field 'text'" in result.stderr
    assert f"skipped {source}:4: bad age -3" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"wrote 2 notes to {out}; skipped 3"
    assert _leftovers(tmp_path) == []


def test_batch_folder_uses_sorted_file_stems_as_ids(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in zip(["c", "a", "b"], TEXTS, strict=False):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "d.txt").write_bytes(b"caf\xe9 au lait")
    out = tmp_path / "out.jsonl"
    result = _batch(runner, folder, out, model_dir)
    assert result.exit_code == 0, result.output
    assert [r["note_id"] for r in _read_out(out)] == ["a", "b", "c"]
    assert f"skipped {folder / 'd.txt'}: not valid UTF-8" in result.stderr


def test_batch_csv_input(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "notes.csv"
    source.write_text(
        f'id,text,age,sex\nn1,"{TEXTS[0]}",54,F\nn2,"{TEXTS[1]}",,\nn3,"{TEXTS[2]}",54,Q\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _batch(runner, source, out, model_dir)
    assert result.exit_code == 0, result.output
    assert [r["note_id"] for r in _read_out(out)] == ["n1", "n2"]
    assert f"skipped {source}:4: bad sex 'Q'" in result.stderr


def test_batch_blank_notes_are_skipped_and_counted_in_every_format(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    jsonl = _jsonl(tmp_path / "notes.jsonl", [_row("blank", "  "), _row("full", TEXTS[0])])
    csv = tmp_path / "notes.csv"
    csv.write_text(f'id,text\nblank,\nfull,"{TEXTS[0]}"\n', encoding="utf-8")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "blank.txt").write_text(" \n", encoding="utf-8")
    (folder / "full.txt").write_text(TEXTS[0], encoding="utf-8")
    for source, where in ((jsonl, f"{jsonl}:1"), (csv, f"{csv}:2"), (folder, folder / "blank.txt")):
        out = tmp_path / f"out-{source.name}.jsonl"
        result = _batch(runner, source, out, model_dir)
        assert result.exit_code == 0, result.output
        assert [r["note_id"] for r in _read_out(out)] == ["full"]
        assert f"skipped {where}: the note's text is " in result.stderr
        assert result.stderr.strip().splitlines()[-1] == f"wrote 1 note to {out}; skipped 1"


@pytest.mark.parametrize(
    ("name", "content", "holds"),
    [
        ("notes", None, "folder holds no .txt files"),
        ("notes.jsonl", "\n\n", "file holds no records"),
        ("notes.csv", "id,text\n", "file holds no records"),
    ],
)
def test_batch_empty_input_is_one_line_error_and_no_out(
    runner: CliRunner, tmp_path: Path, name: str, content: str | None, holds: str
) -> None:
    source = tmp_path / name
    if content is None:
        source.mkdir()
        (source / "readme.md").write_text("not a note", encoding="utf-8")
    else:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # no --model: an empty input fails before any model is looked for
    result = runner.invoke(app, ["batch", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: no notes in {source}: the {holds}"
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_batch_oversize_note_is_skipped_and_reported(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    limit = get_settings().max_note_chars
    source = _jsonl(tmp_path / "notes.jsonl", [_row("big", "x" * (limit + 1)), _row("ok", "HTN")])
    out = tmp_path / "out.jsonl"
    result = _batch(runner, source, out, model_dir)
    assert result.exit_code == 0, result.output
    assert [r["note_id"] for r in _read_out(out)] == ["ok"]
    assert f"skipped {source}:1: note has {limit + 1:,} characters" in result.stderr


def test_batch_missing_input_is_one_line_error_and_no_out(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(tmp_path / "absent.jsonl"), "--out", str(out)])
    assert result.exit_code == 1
    assert "no such file or folder" in one_error_line(result.stderr)
    assert not out.exists()


def test_batch_unsupported_input_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "notes.xlsx"
    source.write_bytes(b"PK")
    result = runner.invoke(app, ["batch", str(source), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "unsupported input" in one_error_line(result.stderr)


def test_batch_unknown_model_dir_fails_without_out(runner: CliRunner, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "notes.jsonl", [_row("a", TEXTS[0])])
    out = tmp_path / "out.jsonl"
    args = ["batch", str(source), "--out", str(out), "--model", str(tmp_path / "nope")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(
        f"error: no model directory at {tmp_path / 'nope'}: `codesuggest models list` names "
    )
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_batch_missing_output_folder_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "notes.jsonl", [_row("a", TEXTS[0])])
    out = tmp_path / "no" / "out.jsonl"
    result = runner.invoke(app, ["batch", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "output folder does not exist" in one_error_line(result.stderr)


class _FailingEngine:
    """Answers the first chunk of notes, then fails as a broken model would."""

    info = ModelInfo("broken", "0")

    def __init__(self) -> None:
        self.calls = 0

    def suggest_many(
        self, notes: Iterable[Note], top: int | None = None, *, systems: object = None
    ) -> Iterator[NoteResult]:
        self.calls += 1
        if self.calls > 1:
            raise ModelError("ranker artefact is corrupt")
        for note in notes:
            yield NoteResult(note.note_id, self.info, [])


def test_batch_failed_run_keeps_previous_out_untouched(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(Engine, "load", staticmethod(lambda path=None: _FailingEngine()))
    source = _jsonl(tmp_path / "notes.jsonl", [_row(str(i), TEXTS[0]) for i in range(100)])
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "wrote" not in result.stderr
    assert one_error_line(result.stderr) == "error: ranker artefact is corrupt"
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert _leftovers(tmp_path) == []


def test_batch_all_records_bad_fails_without_out(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path / "notes.jsonl", ['{"note": "wrong field"}', "not json"])
    out = tmp_path / "out.jsonl"
    result = _batch(runner, source, out, model_dir)
    assert result.exit_code == 1
    assert f"skipped {source}:1: missing field 'id'" in result.stderr
    assert "no usable notes" in one_error_line(result.stderr)
    assert not out.exists()


def test_batch_workers_match_serial_output_in_order(
    runner: CliRunner, model_dir: Path, tmp_path: Path
) -> None:
    rows = [_row(f"n{i:02d}", TEXTS[i % len(TEXTS)]) for i in range(70)]  # two chunks
    rows.insert(33, "{broken")
    source = _jsonl(tmp_path / "notes.jsonl", rows)
    serial, parallel = tmp_path / "serial.jsonl", tmp_path / "parallel.jsonl"
    base = ["batch", str(source), "--model", str(model_dir), "--top", "5"]
    first = runner.invoke(app, [*base, "--out", str(serial)])
    second = runner.invoke(app, [*base, "--out", str(parallel), "--workers", "2"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert f"skipped {source}:34:2: bad JSON" in second.stderr
    assert [r["note_id"] for r in _read_out(parallel)] == [f"n{i:02d}" for i in range(70)]
    assert _read_out(parallel) == _read_out(serial)


def _start_batch(source: Path, out: Path, model_dir: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "codesuggest.cli.main", "batch", str(source)]
    command += ["--out", str(out), "--model", str(model_dir)]
    with (source.parent / "stderr.txt").open("wb") as stderr:  # the child keeps its own copy
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)


def _when_writing(process: subprocess.Popen[bytes], folder: Path) -> None:
    """Wait until the batch has begun to write its part file (the model loaded)."""
    deadline = time.monotonic() + 300
    while not _leftovers(folder):
        if process.poll() is not None:
            pytest.fail(f"batch ended before writing (its stderr is in {folder / 'in'})")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("batch wrote no part file in 300 s")
        time.sleep(0.02)


def _many_notes(tmp_path: Path) -> Path:
    """Enough notes that the run is still writing when the test stops it."""
    rows = [_row(f"n{i}", TEXTS[i % len(TEXTS)]) for i in range(20_000)]
    return _jsonl(tmp_path / "in" / "notes.jsonl", rows)


def test_batch_stopped_by_sigterm_removes_its_part_and_keeps_the_previous_out(
    model_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    process = _start_batch(_many_notes(tmp_path), out, model_dir)
    _when_writing(process, tmp_path)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 128 + signal.SIGTERM
    assert _leftovers(tmp_path) == []
    assert out.read_text(encoding="utf-8") == "previous results\n"


def test_the_part_of_a_killed_batch_is_removed_by_the_next_run(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    out = tmp_path / "out.jsonl"
    process = _start_batch(_many_notes(tmp_path), out, model_dir)
    _when_writing(process, tmp_path)
    process.kill()
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert len(_leftovers(tmp_path)) == 1  # kill -9 leaves it: nothing can run
    source = _jsonl(tmp_path / "few.jsonl", [_row("a", TEXTS[0])])
    result = _batch(runner, source, out, model_dir)
    assert result.exit_code == 0, result.output
    assert _leftovers(tmp_path) == []
    assert [r["note_id"] for r in _read_out(out)] == ["a"]


def test_the_batch_command_run_as_a_process_writes_every_note_and_exits_0(
    model_dir: Path, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path / "notes.jsonl", [_row(f"n{i}", t) for i, t in enumerate(TEXTS)])
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "codesuggest.cli.main", "batch", str(source)]
    command += ["--out", str(out), "--model", str(model_dir)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert f"wrote {len(TEXTS)} notes to {out}; skipped 0" in done.stderr
    assert [r["note_id"] for r in _read_out(out)] == [f"n{i}" for i in range(len(TEXTS))]
