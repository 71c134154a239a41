"""The evaluation as people read it: the text table and errors.csv."""

from __future__ import annotations

import csv
from pathlib import Path

from codesuggest.training.evaluation import EvaluationReport
from codesuggest.training.evaluation_table import CSV_FIELDS, report_lines, write_errors_csv

CM = "ICD-10-CM"
PCS = "ICD-10-PCS"


def test_evaluate_model_writes_errors_csv_with_header_and_one_row_per_code(
    report: EvaluationReport, tmp_path: Path
) -> None:
    path = write_errors_csv(report, tmp_path / "errors.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_FIELDS
    assert len(rows) == 1 + len(report.codes)
    body = {(r[1], r[0]): r for r in rows[1:]}
    i10 = body[(CM, "I10")]
    assert i10[2] == "Essential (primary) hypertension"
    assert int(i10[3]) == 2
    pcs = body[(PCS, "0BBC8ZX")]
    assert (pcs[3], pcs[5], pcs[7]) == ("1", "0", "1")  # gold 1, tp 0, fn 1
    assert pcs[9] == "0.0000"  # recall 0 of 1
    assert pcs[8] == ""  # precision undefined: never recommended


def test_evaluation_report_lines_show_every_system(report: EvaluationReport) -> None:
    text = "\n".join(report_lines(report))
    assert "MAP" in text and "ECE" in text
    for key in report.figures:
        assert any(line.startswith(key) for line in report_lines(report)), key
