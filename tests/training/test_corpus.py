"""Corpus readers for training: CodiEsp folders, JSONL and CSV, and their bad-input cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError
from codesuggest.training.corpus import CorpusReport, parse_spec, read_corpus
from codesuggest.training.corpus_codes import normalize_code, seventh_default

CM, PCS = "ICD-10-CM", "ICD-10-PCS"


def _codiesp(root: Path, texts: dict[str, str], gold_d: str, gold_p: str | None = None) -> Path:
    folder = root / "train"
    (folder / "text_files_en").mkdir(parents=True)
    for doc, text in texts.items():
        (folder / "text_files_en" / f"{doc}.txt").write_text(text, "utf-8")
    (folder / "trainD.tsv").write_text(gold_d, "utf-8")
    if gold_p is not None:
        (folder / "trainP.tsv").write_text(gold_p, "utf-8")
    return folder


def _jsonl(path: Path, *records: Any) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


TEXTS = {"doc-a": "Type 2 diabetes. Fell at home.", "doc-b": "Headache."}
GOLD_D = "doc-a\te11.9\ndoc-a\tw19.xxx\ndoc-a\tE11.9\n\ndoc-b\tr51\ndoc-b\tzz99.9\n"
GOLD_P = "doc-a\tbw03zzz\ndoc-b\tbn20\n"


# --- CodiEsp ---------------------------------------------------------------------------------
def test_read_corpus_codiesp_normalizes_both_systems(tmp_path: Path, cs: Icd10Cm) -> None:
    folder = _codiesp(tmp_path, TEXTS, GOLD_D, GOLD_P)
    notes, report = read_corpus(f"codiesp:{folder}", cs)
    assert [n.note.note_id for n in notes] == ["doc-a", "doc-b"]
    assert notes[1].note.text == "Headache."
    assert notes[0].codes == {(CM, "E11.9"), (CM, "W19.XXXA"), (PCS, "BW03ZZZ")}
    assert notes[1].codes == {(CM, "R51.9"), (CM, "ZZ99.9"), (PCS, "BN20")}
    assert notes[1].codes_of(PCS) == {"BN20"}
    assert report.notes == 2
    assert report.codes == {CM: 4, PCS: 2}
    assert report.unknown == {CM: {"ZZ99.9": 1}}
    assert report.truncated == {"BN20": 1}
    assert report.crosswalked == {"R51": "R51.9"}
    assert report.seventh_filled == {"W19.XXX": "W19.XXXA"}
    assert report.duplicate_labels == 1
    assert report.skipped == []


def test_read_corpus_codiesp_infers_kind_from_bare_folder(tmp_path: Path, cs: Icd10Cm) -> None:
    notes, _ = read_corpus(str(_codiesp(tmp_path, TEXTS, GOLD_D)), cs)
    assert len(notes) == 2


def test_read_corpus_codiesp_rejects_label_for_unknown_note(tmp_path: Path, cs: Icd10Cm) -> None:
    folder = _codiesp(tmp_path, TEXTS, "doc-a\te11.9\ndoc-z\ti10\n")
    with pytest.raises(InputError, match=r"trainD\.tsv:2: unknown note 'doc-z'"):
        read_corpus(f"codiesp:{folder}", cs)


def test_read_corpus_codiesp_rejects_malformed_gold_line(tmp_path: Path, cs: Icd10Cm) -> None:
    folder = _codiesp(tmp_path, TEXTS, GOLD_D, "doc-a bw03zzz\n")
    with pytest.raises(InputError, match=r"trainP\.tsv:1: expected 'doc_id<TAB>code'"):
        read_corpus(f"codiesp:{folder}", cs)


def test_read_corpus_codiesp_requires_gold_files(tmp_path: Path, cs: Icd10Cm) -> None:
    folder = _codiesp(tmp_path, TEXTS, "")
    (folder / "trainD.tsv").unlink()
    with pytest.raises(InputError, match="no gold files"):
        read_corpus(f"codiesp:{folder}", cs)


def test_read_corpus_codiesp_requires_text_folder(tmp_path: Path, cs: Icd10Cm) -> None:
    with pytest.raises(InputError, match="text_files_en"):
        read_corpus(f"codiesp:{tmp_path}", cs)


def test_read_corpus_codiesp_skips_empty_note_and_counts_its_labels(
    tmp_path: Path, cs: Icd10Cm
) -> None:
    folder = _codiesp(tmp_path, {**TEXTS, "doc-c": "  \n"}, GOLD_D + "doc-c\ti10\n")
    notes, report = read_corpus(f"codiesp:{folder}", cs)
    assert [n.note.note_id for n in notes] == ["doc-a", "doc-b"]
    reasons = [str(s) for s in report.skipped]
    assert reasons[0].endswith("doc-c.txt: note 'doc-c' has no text")
    assert reasons[1].endswith("trainD.tsv:7: code for skipped note 'doc-c'")


def test_read_corpus_codiesp_rejects_folder_without_notes(tmp_path: Path, cs: Icd10Cm) -> None:
    folder = _codiesp(tmp_path, {}, "")
    with pytest.raises(InputError, match="empty corpus"):
        read_corpus(f"codiesp:{folder}", cs)


# --- JSONL -----------------------------------------------------------------------------------
def test_read_corpus_jsonl_reads_objects_and_plain_strings(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _jsonl(
        tmp_path / "c.jsonl",
        {"id": "n1", "text": "Diabetes.", "age": 70, "sex": "f", "codes": ["e119"]},
        "",
        {
            "id": 2,
            "text": "Office visit.",
            "codes": [
                {"code": "I10", "system": CM},
                {"code": "99213", "system": "CPT"},
                {"code": "j3490", "system": "HCPCS"},
                {"code": "0DTJ4ZZ", "system": PCS},
            ],
        },
        {"id": "n3", "text": "Nothing coded.", "codes": []},
    )
    notes, report = read_corpus(f"jsonl:{path}", cs)
    assert [n.note.note_id for n in notes] == ["n1", "2", "n3"]
    assert notes[0].note.age == 70 and notes[0].note.sex == "F"
    assert notes[0].codes == {(CM, "E11.9")}
    assert notes[1].codes == {(CM, "I10"), ("CPT", "99213"), ("HCPCS", "J3490"), (PCS, "0DTJ4ZZ")}
    assert report.notes_without_codes == 1
    assert report.codes == {CM: 2, "CPT": 1, "HCPCS": 1, PCS: 1}
    assert report.skipped == []


def test_read_corpus_jsonl_skips_bad_records_with_line_numbers(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _jsonl(
        tmp_path / "c.jsonl",
        {"id": "ok", "text": "Fine.", "codes": ["I10", {"code": "X1", "system": "SNOMED"}, 5]},
        '{"id": "broken", ',
        [1, 2],
        {"id": "nocodes", "text": "No codes field."},
        {"id": "badage", "text": "Old.", "age": 400, "codes": []},
        {"id": "notext", "codes": ["I10"]},
        {"id": "blank", "text": "   ", "codes": ["I10"]},
    )
    notes, report = read_corpus(str(path), cs)
    assert [n.note.note_id for n in notes] == ["ok"]
    assert notes[0].codes == {(CM, "I10")}
    where = [(s.line, s.reason.split(" ")[0]) for s in report.skipped]
    assert where == [
        (1, "unknown"),  # SNOMED label
        (1, "bad"),  # the integer code
        (2, "bad"),  # JSON
        (3, "expected"),
        (4, "'codes'"),
        (5, "bad"),  # age
        (6, "note"),  # no text
        (7, "note"),
    ]
    assert "has no text" in report.skipped[-1].reason


def test_read_corpus_jsonl_rejects_duplicate_id(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _jsonl(
        tmp_path / "c.jsonl",
        {"id": "a", "text": "One.", "codes": []},
        {"id": "b", "text": "Two.", "codes": []},
        {"id": "a", "text": "Three.", "codes": []},
    )
    with pytest.raises(InputError, match=r"duplicate note id 'a' at line 3 \(first at line 1\)"):
        read_corpus(f"jsonl:{path}", cs)


def test_read_corpus_jsonl_rejects_duplicate_of_skipped_record(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _jsonl(
        tmp_path / "c.jsonl",
        {"id": "a", "text": "One.", "age": -1, "codes": []},
        {"id": "a", "text": "Two.", "codes": []},
    )
    with pytest.raises(InputError, match=r"duplicate note id 'a' at line 2"):
        read_corpus(f"jsonl:{path}", cs)


def test_read_corpus_jsonl_rejects_when_no_note_has_text(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _jsonl(
        tmp_path / "c.jsonl",
        {"id": "a", "text": "", "codes": ["I10"]},
        {"id": "b", "codes": ["I10"]},
    )
    with pytest.raises(InputError, match="none of the 2 notes has text"):
        read_corpus(f"jsonl:{path}", cs)


def test_read_corpus_jsonl_rejects_when_every_record_is_bad(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _jsonl(tmp_path / "c.jsonl", "not json", {"id": "a", "text": "x"})
    with pytest.raises(InputError, match=r"no usable notes; all 2 were skipped .*:1: bad JSON"):
        read_corpus(f"jsonl:{path}", cs)


def test_read_corpus_jsonl_rejects_empty_file(tmp_path: Path, cs: Icd10Cm) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("\n\n", "utf-8")
    with pytest.raises(InputError, match="empty corpus"):
        read_corpus(f"jsonl:{path}", cs)


def test_read_corpus_jsonl_rejects_invalid_utf8(tmp_path: Path, cs: Icd10Cm) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9", "codes": []}\n')
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_corpus(f"jsonl:{path}", cs)


# --- CSV -------------------------------------------------------------------------------------
CSV = (
    "id,text,code,system,age\n"
    'a,"Diabetes, type 2.",E11.9,ICD-10-CM,64\n'
    "a,,I10,,\n"
    'b,"Fracture of tooth.",s02.5xx,,\n'
    'b,"Fracture of tooth.",0DTJ4ZZ,ICD-10-PCS,\n'
    "c,No codes here.,,,\n"
)


def test_read_corpus_csv_groups_rows_of_one_note(tmp_path: Path, cs: Icd10Cm) -> None:
    notes, report = read_corpus(str(_csv(tmp_path / "c.csv", CSV)), cs)
    assert [n.note.note_id for n in notes] == ["a", "b", "c"]
    assert notes[0].note.text == "Diabetes, type 2." and notes[0].note.age == 64
    assert notes[0].codes == {(CM, "E11.9"), (CM, "I10")}
    assert notes[1].codes == {(CM, "S02.5XXA"), (PCS, "0DTJ4ZZ")}
    assert notes[2].codes == frozenset()
    assert report.seventh_filled == {"S02.5XX": "S02.5XXA"}
    assert report.notes_without_codes == 1


def test_read_corpus_csv_rejects_conflicting_text(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _csv(tmp_path / "c.csv", "id,text,code\na,One.,I10\na,Two.,E11.9\n")
    with pytest.raises(InputError, match=r"c\.csv:3: note 'a' has a different text than at line 2"):
        read_corpus(f"csv:{path}", cs)


def test_read_corpus_csv_rejects_non_adjacent_duplicate_id(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _csv(tmp_path / "c.csv", "id,text,code\na,One.,I10\nb,Two.,I10\na,,E11.9\n")
    with pytest.raises(InputError, match=r"duplicate note id 'a' at line 4 \(first at line 2\)"):
        read_corpus(f"csv:{path}", cs)


def test_read_corpus_csv_requires_columns(tmp_path: Path, cs: Icd10Cm) -> None:
    path = _csv(tmp_path / "c.csv", "id,text\na,One.\n")
    with pytest.raises(InputError, match="no code column"):
        read_corpus(f"csv:{path}", cs)


def test_read_corpus_csv_skips_bad_rows_and_notes(tmp_path: Path, cs: Icd10Cm) -> None:
    text = (
        "id,text,code,sex\na,One.,I10,\n,Orphan.,I10,\nb,,I10,\n"
        "c,Three.,I10,X\nd,Four.,I10,F,extra\n"
    )
    notes, report = read_corpus(f"csv:{_csv(tmp_path / 'c.csv', text)}", cs)
    assert [n.note.note_id for n in notes] == ["a"]
    assert [(s.line, s.reason) for s in report.skipped] == [
        (3, "empty 'id'"),
        (4, "note 'b' has no text"),
        (5, "bad sex 'X': expected F or M (female or male, any case) (1 codes)"),
        (6, "more fields than header columns"),
    ]


@pytest.mark.parametrize("content", ["", "id,text,code\n"])
def test_read_corpus_csv_rejects_empty_corpus(tmp_path: Path, cs: Icd10Cm, content: str) -> None:
    with pytest.raises(InputError, match="empty corpus"):
        read_corpus(f"csv:{_csv(tmp_path / 'c.csv', content)}", cs)


# --- specs, codes, report --------------------------------------------------------------------
def test_parse_spec_infers_and_honours_kinds(tmp_path: Path) -> None:
    assert parse_spec("data/x.JSONL") == ("jsonl", Path("data/x.JSONL"))
    assert parse_spec("data/x.csv") == ("csv", Path("data/x.csv"))
    assert parse_spec("csv:data/x.txt") == ("csv", Path("data/x.txt"))
    assert parse_spec(f"codiesp:{tmp_path}") == ("codiesp", tmp_path)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("feedback:sqlite:///x.db", "a feedback corpus is a database URL, not a path"),
        ("mimic:/data/notes", "unknown corpus kind 'mimic'"),
        ("jsonl:", "no path after jsonl:"),
        ("/no/such/folder", "no such corpus"),
    ],
)
def test_parse_spec_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_spec(spec)


def test_parse_spec_rejects_folder_of_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell the corpus kind"):
        parse_spec(str(tmp_path))


def test_read_corpus_missing_file_is_input_error(tmp_path: Path, cs: Icd10Cm) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_corpus(f"jsonl:{tmp_path / 'absent.jsonl'}", cs)


def test_normalize_code_checks_shapes_without_tables(cs: Icd10Cm) -> None:
    report = CorpusReport("x")
    assert normalize_code(cs, PCS, "bw03.zzz", report) == "BW03ZZZ"
    assert normalize_code(cs, PCS, "bw03zzzz", report) == "BW03ZZZZ"
    assert normalize_code(cs, PCS, "0io", report) == "0IO"  # PCS has no I or O
    assert normalize_code(cs, "CPT", "1234", report) == "1234"
    assert normalize_code(cs, "HCPCS", "J3490", report) == "J3490"
    assert report.unknown == {PCS: {"BW03ZZZZ": 1, "0IO": 1}, "CPT": {"1234": 1}}
    assert not report.truncated


def test_normalize_code_icd10cm_forms(cs: Icd10Cm) -> None:
    report = CorpusReport("x")
    assert normalize_code(cs, CM, " e11.9 ", report) == "E11.9"
    assert normalize_code(cs, CM, "M545", report) == "M54.50"
    assert normalize_code(cs, CM, "E11", report) == "E11"  # a heading: kept, counted
    assert normalize_code(cs, CM, "qq12345", report) == "QQ1.2345"
    assert report.crosswalked == {"M54.5": "M54.50"}
    assert report.non_billable == {"E11": 1}
    assert report.unknown == {CM: {"QQ1.2345": 1}}


def test_seventh_default_initial_closed_or_unspecified_fetus(cs: Icd10Cm) -> None:
    assert seventh_default(cs, "S02.5") == "S02.5XXA"  # closed fracture, initial encounter
    assert seventh_default(cs, "O60.10") == "O60.10X0"  # fetus not applicable or unspecified
    assert seventh_default(cs, "E11.9") is None
    assert seventh_default(cs, "M1A.0") is None  # 0 means "without tophus": no default


def test_corpus_report_summary_names_counts(tmp_path: Path, cs: Icd10Cm) -> None:
    folder = _codiesp(tmp_path, {**TEXTS, "doc-c": ""}, GOLD_D, GOLD_P)
    _, report = read_corpus(f"codiesp:{folder}", cs)
    text = report.summary()
    assert "2 notes, 4 ICD-10-CM, 2 ICD-10-PCS" in text
    assert "1 ICD-10-CM codes not in the code set: ZZ99.9" in text
    assert "1 ICD-10-PCS codes truncated" in text
    assert "R51 -> R51.9" in text
    assert "1 records skipped" in text


@pytest.mark.codiesp
def test_read_corpus_real_codiesp_train(codiesp_dir: Path, cs: Icd10Cm) -> None:
    notes, report = read_corpus(f"codiesp:{codiesp_dir / 'train'}", cs)
    assert len(notes) == report.notes == 500
    assert report.codes[CM] > 1000 and report.codes[PCS] > 0
    assert all(n.note.text.strip() for n in notes)
    assert not report.skipped
    labels = {c for n in notes for c in n.codes_of(CM)}
    assert {c for c in labels if c not in cs} == set(report.unknown.get(CM, {}))
