from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codesuggest.audit.billed import read_billed
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError


def test_reads_dotted_and_undotted_codes_and_lists_every_bad_row(
    inputs: tuple[Path, Path], cs: Icd10Cm
) -> None:
    _, path = inputs
    billed = read_billed(path, CodeSystems(cs))
    assert billed.codes("n1") == [
        ("ICD-10-CM", "E11.22"),
        ("ICD-10-CM", "I10"),
        ("ICD-10-CM", "S72.001A"),
    ]
    kinds = {(p.kind, p.where.rsplit(":", 1)[1], p.code) for p in billed.problems}
    assert kinds == {
        ("duplicate", "5", "E11.22"),
        ("unknown_code", "9", "XYZ"),
        ("unknown_system", "11", "E11.9"),
        ("bad_row", "12", ""),
    }
    assert billed.rows == 11
    assert billed.codes("n9") == [("ICD-10-CM", "I10")]  # absent notes are the run's to find


def test_an_empty_file_is_a_problem_not_a_crash(tmp_path: Path, cs: Icd10Cm) -> None:
    for text in ("", "note_id,code\n"):
        path = tmp_path / "billed.csv"
        path.write_text(text, encoding="utf-8")
        billed = read_billed(path, CodeSystems(cs))
        assert [p.kind for p in billed.problems] == ["empty_file"]
        assert billed.by_note == {}


def test_reads_parquet_and_reports_wrong_columns(tmp_path: Path, cs: Icd10Cm) -> None:
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"note_id": ["a", "a"], "code": ["E119", "I10"]}), good)
    assert read_billed(good, CodeSystems(cs)).codes("a") == [
        ("ICD-10-CM", "E11.9"),
        ("ICD-10-CM", "I10"),
    ]
    wrong = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"id": ["a"], "dx": ["E119"]}), wrong)
    billed = read_billed(wrong, CodeSystems(cs))
    assert [p.kind for p in billed.problems] == ["bad_columns"]
    assert "no note_id or code column" in billed.problems[0].reason


def test_a_file_that_is_not_parquet_or_csv_is_an_input_error(tmp_path: Path, cs: Icd10Cm) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_billed(broken, CodeSystems(cs))
    other = tmp_path / "billed.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported billed file"):
        read_billed(other, CodeSystems(cs))


def test_procedure_codes_are_read_in_official_form_or_are_problems(
    tmp_path: Path, cs: Icd10Cm
) -> None:
    path = tmp_path / "billed.csv"
    path.write_text(
        "note_id,code,system\n"
        "n1,0dtj4zz,ICD-10-PCS\n"  # complete code, lower case
        "n1,BN20,icd10pcs\n"  # a table row, as CodiEsp bills some procedures
        "n1,0DTJ4Z,ICD-10-PCS\n"  # cut short: no code or table row
        "n1,QQQQQQQ,ICD-10-PCS\n",
        encoding="utf-8",
    )
    billed = read_billed(path, CodeSystems(cs))
    assert billed.codes("n1") == [("ICD-10-PCS", "0DTJ4ZZ"), ("ICD-10-PCS", "BN20")]
    kinds = {(p.kind, p.where.rsplit(":", 1)[1], p.code) for p in billed.problems}
    assert kinds == {("unknown_code", "4", "0DTJ4Z"), ("unknown_code", "5", "QQQQQQQ")}
