"""Note readers: folders, JSONL and CSV, with bad records reported rather than dropped."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from codesuggest.errors import InputError
from codesuggest.io import BadRecord, read_notes, read_text
from codesuggest.types import Note


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _good(note_id: str, text: str = "Patient has hypertension.", **extra: object) -> str:
    return json.dumps({"id": note_id, "text": text, **extra})


def test_read_notes_jsonl_good_rows_become_notes(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "notes.jsonl",
        [
            _good("a", age=54, sex="f", setting="inpatient", date_of_service="2024-03-01"),
            _good("b"),
        ],
    )
    records = list(read_notes(path))
    assert records == [
        Note(
            text="Patient has hypertension.",
            note_id="a",
            age=54,
            sex="F",
            setting="inpatient",
            date_of_service=dt.date(2024, 3, 1),
        ),
        Note(text="Patient has hypertension.", note_id="b"),
    ]


def test_read_notes_jsonl_bad_lines_reported_with_line_numbers(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "notes.jsonl",
        [
            _good("a"),
            '{"id": "b", "text": ',
            json.dumps({"id": "c"}),
            "",
            json.dumps({"text": "no id"}),
            _good("e", age=200),
            _good("f", date_of_service="01/02/2024"),
            _good("g", sex="X"),
            "[1, 2]",
            _good("a"),
            _good("h"),
        ],
    )
    records = list(read_notes(path))
    notes = [r for r in records if isinstance(r, Note)]
    bad = [r for r in records if isinstance(r, BadRecord)]
    assert [n.note_id for n in notes] == ["a", "h"]
    assert [b.line for b in bad] == [2, 3, 5, 6, 7, 8, 9, 10]
    reasons = [b.reason for b in bad]
    assert reasons[0].startswith("bad JSON")
    assert "missing field 'text'" in reasons[1]
    assert "missing field 'id'" in reasons[2]
    assert "bad age 200" in reasons[3]
    assert "bad date_of_service" in reasons[4]
    assert "bad sex" in reasons[5]
    assert "expected a JSON object" in reasons[6]
    assert "duplicate id 'a'" in reasons[7]


def test_read_notes_jsonl_non_utf8_line_is_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_bytes(
        _good("a").encode() + b"\n" + b'{"id": "b", "text": "caf\xe9"}\n' + _good("c").encode()
    )
    records = list(read_notes(path))
    assert [r.note_id for r in records if isinstance(r, Note)] == ["a", "c"]
    bad = [r for r in records if isinstance(r, BadRecord)]
    assert len(bad) == 1
    assert bad[0].line == 2
    assert "UTF-8" in bad[0].reason


def test_read_notes_jsonl_follows_the_text_policy(tmp_path: Path) -> None:
    """codesuggest.text_policy: a lone surrogate or NUL in a text becomes U+FFFD; an id with a
    control character is a bad record naming it."""
    path = tmp_path / "notes.jsonl"
    rows = [
        {"id": "a", "text": "gout \ud83d and\u0000 hypertension"},
        {"id": "b\nforged", "text": "gout"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="ascii")
    good, bad = list(read_notes(path))
    assert isinstance(good, Note)
    assert good.text == "gout \ufffd and\ufffd hypertension"
    assert isinstance(bad, BadRecord)
    assert (bad.line, "control character" in bad.reason) == (2, True)


def test_read_notes_blank_text_is_bad_record_in_every_format(tmp_path: Path) -> None:
    jsonl = _write_jsonl(
        tmp_path / "notes.jsonl",
        [_good("a", text=""), _good("b", text=" \n\t"), json.dumps({"id": "c"}), _good("d")],
    )
    csv = tmp_path / "notes.csv"
    csv.write_text('id,text\na,\nb," \n\t"\nd,Patient has hypertension.\n', encoding="utf-8")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.txt").write_text(" \n\t", encoding="utf-8")
    (folder / "d.txt").write_text("Patient has hypertension.", encoding="utf-8")
    empty, blank = "the note's text is empty", "the note's text is blank"
    assert list(read_notes(jsonl)) == [
        BadRecord(1, empty, str(jsonl)),
        BadRecord(2, blank, str(jsonl)),
        BadRecord(3, "missing field 'text'", str(jsonl)),
        Note(text="Patient has hypertension.", note_id="d"),
    ]
    assert list(read_notes(csv)) == [
        BadRecord(2, empty, str(csv)),
        BadRecord(3, blank, str(csv)),
        Note(text="Patient has hypertension.", note_id="d"),
    ]
    assert list(read_notes(folder)) == [
        BadRecord(0, empty, str(folder / "a.txt")),
        BadRecord(0, blank, str(folder / "b.txt")),
        Note(text="Patient has hypertension.", note_id="d"),
    ]
    assert str(list(read_notes(csv))[1]) == f"{csv}:3: {blank}"
    assert str(next(iter(read_notes(folder)))) == f"{folder / 'a.txt'}: {empty}"


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ('{"id": "a", "text": ', 21, "Expecting value"),  # cut short: just past its end
        ('{"id": "a", "text": "x",}', 25, "Expecting property name"),
        ('{"id": "a" "text": "x"}', 12, "Expecting ',' delimiter"),
        ('{"id": "é", "text": "x"} extra', 26, "Extra data"),  # columns count characters
        ('  {"id": 1,, "text": "x"}', 12, "Expecting property name"),
    ],
)
def test_read_notes_bad_json_reports_file_line_and_column(
    tmp_path: Path, line: str, column: int, message: str
) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_bytes(f"{_good('ok')}\r\n{line}\r\n".encode())
    _, bad = read_notes(path)
    assert isinstance(bad, BadRecord)
    assert (bad.source, bad.line, bad.column) == (str(path), 2, column)
    assert str(bad).startswith(f"{path}:2:{column}: bad JSON: {message}")


def test_read_notes_oversize_note_is_bad_record(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "notes.jsonl", [_good("a", text="x" * 11), _good("b", "ok")])
    records = list(read_notes(path, max_chars=10))
    assert records[0] == BadRecord(1, "note has 11 characters; the limit is 10", str(path))
    assert records[1] == Note(text="ok", note_id="b")


def test_read_notes_csv_rows_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "id,text,age,sex,setting,date_of_service\n"
        'a,"Chest pain,\nruled out MI",61,M,,2023-12-31\n'
        "b,Diabetes,,,,\n"
        "c,Asthma,abc,,,\n"
        ",No id,,,,\n",
        encoding="utf-8",
    )
    records = list(read_notes(path))
    assert records[0] == Note(
        text="Chest pain,\nruled out MI",
        note_id="a",
        age=61,
        sex="M",
        date_of_service=dt.date(2023, 12, 31),
    )
    assert records[1] == Note(text="Diabetes", note_id="b")
    assert isinstance(records[2], BadRecord)
    assert records[2].line == 5  # the quoted newline makes row "a" span lines 2-3
    assert "bad age" in records[2].reason
    assert records[3] == BadRecord(6, "'id' is empty", str(path))


def test_read_notes_csv_without_text_column_raises(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("id,body\na,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="no text column"):
        list(read_notes(path))


def test_read_notes_csv_non_utf8_row_is_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"id,text\na,fine\nb,caf\xe9\nc,also fine\n")
    records = list(read_notes(path))
    assert [r.note_id for r in records if isinstance(r, Note)] == ["a", "c"]
    assert records[1] == BadRecord(3, "not valid UTF-8", str(path))


def test_read_notes_folder_sorted_by_name_with_stem_ids(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "b.txt").write_text("second", encoding="utf-8")
    (folder / "a.txt").write_text("first", encoding="utf-8")
    (folder / "c.txt").write_bytes(b"\xff\xfe bad")
    (folder / "ignored.md").write_text("not a note", encoding="utf-8")
    records = list(read_notes(folder))
    assert records[:2] == [Note(text="first", note_id="a"), Note(text="second", note_id="b")]
    assert isinstance(records[2], BadRecord)
    assert records[2].source == str(folder / "c.txt")
    assert "not valid UTF-8" in records[2].reason
    assert len(records) == 3


def test_read_notes_missing_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_notes(tmp_path / "absent.jsonl"))


def test_read_notes_unsupported_suffix_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.xml"
    path.write_text("<notes/>", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported input"):
        list(read_notes(path))


def test_read_text_non_utf8_raises_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"Patient caf\xe9")
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        read_text(path)
    assert "\n" not in str(info.value)


def test_bad_record_str_names_file_line_column_and_reason() -> None:
    assert str(BadRecord(4, "bad JSON")) == "line 4: bad JSON"
    assert str(BadRecord(4, "bad JSON", "n.jsonl", 7)) == "n.jsonl:4:7: bad JSON"
    assert str(BadRecord(0, "not valid UTF-8", "c.txt")) == "c.txt: not valid UTF-8"
    assert str(BadRecord(0, "'text' is blank", "note 'x'")) == "note 'x': 'text' is blank"


def test_reads_parquet_notes_and_reports_bad_rows(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "notes.parquet"
    table = pa.table({"id": ["a", "b", "a"], "text": ["Cough.", "", "Fever."], "age": [30, 40, 50]})
    pq.write_table(table, path)
    records = list(read_notes(path))
    assert isinstance(records[0], Note) and records[0].age == 30
    assert isinstance(records[1], BadRecord) and records[1].line == 2
    assert isinstance(records[2], BadRecord) and "duplicate id" in records[2].reason
    pq.write_table(pa.table({"note": ["x"]}), path)
    with pytest.raises(InputError, match="no id or text column"):
        list(read_notes(path))
