"""``feedback:DB_URL`` corpora: coders' decisions as gold codes, and as edits to other corpora."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError, StoreUnavailableError
from codesuggest.store import ApiKey, FeedbackInput, Store
from codesuggest.training import trainer
from codesuggest.training.corpus import CodedNote, read_corpus
from codesuggest.training.trainer import merge_feedback, read_training_data
from codesuggest.types import Note
from tests.cli.conftest import one_error_line

CM, PCS = "ICD-10-CM", "ICD-10-PCS"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _serve(store: Store, key: ApiKey, note_id: str, text: str | None) -> None:
    store.record_run(
        note_id=note_id,
        text=text,
        model_name="default",
        model_version="1",
        actor=key,
        suggestions=[{"code": "I10", "system": "ICD-10-CM", "confidence": 0.8}],
    )


def _decide(store: Store, key: ApiKey, note_id: str, code: str, decision: Any) -> None:
    system = "icd10pcs" if code[0].isdigit() else "icd10cm"
    fb = FeedbackInput(note_id, code, system, decision)
    store.record_feedback(fb, actor=key, model_name=None, model_version=None)


@pytest.fixture
def feedback_db(db: str) -> str:
    """enc-1: I10 accepted then rejected, E119 accepted, a PCS code added; enc-2: no text."""
    with Store.open(db) as store:
        key, _ = store.create_key("coder", "coder")
        _serve(store, key, "enc-1", "Hypertension and type 2 diabetes.")
        _decide(store, key, "enc-1", "I10", "accepted")
        _decide(store, key, "enc-1", "I10", "rejected")
        _decide(store, key, "enc-1", "e119", "accepted")
        _decide(store, key, "enc-1", "0DTJ4ZZ", "added")
        _serve(store, key, "enc-2", None)
        _decide(store, key, "enc-2", "J45.909", "accepted")
    return db


def test_read_feedback_positives_are_gold_and_missing_text_is_skipped(
    feedback_db: str, cs: Icd10Cm
) -> None:
    notes, report = read_corpus(f"feedback:{feedback_db}", cs)
    [note] = notes
    assert note.note == Note(text="Hypertension and type 2 diabetes.", note_id="enc-1")
    assert note.codes == {(CM, "E11.9"), (PCS, "0DTJ4ZZ")}
    assert note.rejected == {(CM, "I10")}
    assert report.notes == 1
    assert report.source == feedback_db
    [skipped] = report.skipped
    assert "'enc-2' has decisions but no stored text" in skipped.reason
    summary = report.summary()
    assert summary.splitlines()[0] == f"{feedback_db}: 1 notes, 1 ICD-10-CM, 1 ICD-10-PCS"
    assert "1 rejected codes" in summary
    assert "1 records skipped" in summary


def test_read_feedback_without_decisions_is_an_empty_corpus(db: str, cs: Icd10Cm) -> None:
    Store.open(db).close()
    with pytest.raises(InputError, match="empty corpus"):
        read_corpus(f"feedback:{db}", cs)


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("feedback:", InputError, "no database URL after feedback:"),
        ("feedback:sqlite:////no/such/cs.db", InputError, "no feedback database at /no/such"),
        ("feedback:postgresql://u:pw@127.0.0.1:1/x", StoreUnavailableError, "u:\\*\\*\\*@"),
    ],
)
def test_read_feedback_unusable_source_is_one_clear_error(
    cs: Icd10Cm, spec: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        read_corpus(spec, cs)


def test_merge_feedback_edits_gold_code_by_code_and_appends_new_notes() -> None:
    base = [
        CodedNote(Note("text a", "a"), frozenset({(CM, "I10"), (CM, "E11.9")})),
        CodedNote(Note("text b", "b"), frozenset({(CM, "J45.909")})),
    ]
    feedback = [
        CodedNote(
            Note("stored a", "a"),
            frozenset({(CM, "N18.3")}),
            rejected=frozenset({(CM, "E11.9"), (CM, "Z00.00")}),
        ),
        CodedNote(Note("stored c", "c"), frozenset({(CM, "R51.9")})),
    ]
    merged, edited = merge_feedback(base, feedback)
    assert edited == 1
    assert [(c.note.note_id, c.note.text) for c in merged] == [
        ("a", "text a"),
        ("b", "text b"),
        ("c", "stored c"),
    ]
    assert merged[0].codes == {(CM, "I10"), (CM, "N18.3")}
    assert merged[1] == base[1]


def test_read_training_data_lets_feedback_win_over_a_file_corpus(
    feedback_db: str, cs: Icd10Cm, tmp_path: Path
) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {"id": "enc-1", "text": "Hypertension and type 2 diabetes.", "codes": ["I10", "E78.5"]},
        {"id": "other", "text": "Asthma.", "codes": ["J45.909"]},
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    fb = f"feedback:{feedback_db}"
    for specs in ([f"jsonl:{gold}", fb], [fb, str(gold)]):
        notes, summaries = read_training_data(specs, cs)
        by_id = {n.note.note_id: n.codes for n in notes}
        assert by_id == {
            "enc-1": {(CM, "E78.5"), (CM, "E11.9"), (PCS, "0DTJ4ZZ")},  # I10 rejected
            "other": {(CM, "J45.909")},
        }
        assert summaries[-1] == "feedback edited the gold codes of 1 notes of other corpora"


def test_read_training_data_rejects_a_note_in_two_feedback_sources(
    feedback_db: str, cs: Icd10Cm
) -> None:
    with pytest.raises(InputError, match="'enc-1' is in both"):
        read_training_data([f"feedback:{feedback_db}", f"feedback:{feedback_db}"], cs)


def test_train_with_unreachable_feedback_source_fails_on_one_line(
    tmp_path: Path, cs: Icd10Cm, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reading_only(specs: list[str], out: Path, *args: Any, **kwargs: Any) -> Path:
        read_training_data(specs, cs)  # what train_model does first; no minutes of training
        raise AssertionError("reading an unreachable store should have failed")

    monkeypatch.setattr(trainer, "train_model", reading_only)
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(
        app, ["train", "--data", "feedback:postgresql://u:pw@127.0.0.1:1/x", "--name", "site"]
    )
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: store unavailable at postgresql+psycopg://u:***@127.0.0.1:1/x")
