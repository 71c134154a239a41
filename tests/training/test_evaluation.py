"""``evaluate_model``: figures overall and per system, the per-code CSV, the reliability PNG."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import pytest

from codesuggest.engine import Engine
from codesuggest.training.evaluation import (
    FIGURES,
    EvaluationReport,
    evaluate_model,
    reliability_bins,
)
from codesuggest.types import ModelInfo, Note, NoteResult, Suggestion
from tests.utils.evaluation_notes import NOTES, coded

CM = "ICD-10-CM"
PCS = "ICD-10-PCS"


# --- a real engine --------------------------------------------------------------------------


def test_evaluate_model_figures_are_in_unit_interval_overall_and_per_system(
    report: EvaluationReport,
) -> None:
    assert report.notes == len(NOTES)
    assert set(report.figures) >= {"all", CM, PCS}
    assert set(report.per_system) == set(report.figures) - {"all"}
    for key, figures in report.figures.items():
        assert set(figures) == set(FIGURES), key
        for name, value in figures.items():
            assert 0.0 <= value <= 1.0, (key, name, value)
    assert report.gold_notes["all"] == 4  # "none" has no gold codes
    assert report.gold_notes[CM] == 4
    assert report.gold_notes[PCS] == 1
    # the default model has no PCS codes: the PCS gold code is a miss
    assert report.per_system[PCS]["micro_recall"] == 0.0
    # essential hypertension and type 2 diabetes are found by the lexicon
    assert report.overall["map"] > 0.0
    assert report.per_system[CM]["r_at_15"] > 0.0


def test_evaluate_model_code_table_counts_every_gold_code(report: EvaluationReport) -> None:
    by_pair = {(c.system, c.code): c for c in report.codes}
    gold_pairs = {pair for n in NOTES for pair in n.codes}
    assert gold_pairs <= set(by_pair)
    assert by_pair[(CM, "I10")].gold == 2
    assert by_pair[(CM, "I10")].description == "Essential (primary) hypertension"
    for row in report.codes:
        assert row.tp + row.fn == row.gold
        assert row.tp + row.fp == row.recommended
    errors = [c.fp + c.fn for c in report.codes]
    assert errors == sorted(errors, reverse=True)


# --- exact figures on fixed suggestions -----------------------------------------------------


class FixedEngine:
    """An engine stand-in that answers each note with fixed suggestions."""

    def __init__(self, answers: dict[str, list[tuple[str, str, float, bool]]]) -> None:
        self.info = ModelInfo("fixed", "1")
        self.releases = {CM: "test"}
        self.codeset: dict[str, str] = {}
        self.answers = answers

    def suggest_many(
        self, notes: Iterable[Note], top: int | None = None, *, systems: object = None
    ) -> Iterator[NoteResult]:
        assert systems is None  # the fixed answers are of every system
        for note in notes:
            sugg = [
                Suggestion(code, system, f"title {code}", conf, rec)
                for system, code, conf, rec in self.answers[note.note_id]
            ]
            yield NoteResult(note.note_id, self.info, sugg[:top])


def _fixed_report() -> EvaluationReport:
    engine = FixedEngine(
        {
            # confidences away from the bin edges (0.7 would fall in the 0.6 bin: float edges)
            "n1": [(CM, "I10", 0.92, True), (CM, "J18.9", 0.72, True), (CM, "E11.9", 0.33, False)],
            "n2": [
                (CM, "J18.9", 0.83, True),
                (PCS, "0BH17EZ", 0.64, True),
                (CM, "I10", 0.22, False),
            ],
            "n3": [(CM, "I10", 0.55, True)],
        }
    )
    notes = [
        coded("n1", "x", (CM, "I10"), (CM, "E11.9")),
        coded("n2", "y", (CM, "J18.9"), (PCS, "0BH17EZ")),
        coded("n3", "z"),
    ]
    return evaluate_model(cast(Any, engine), notes, top=30)


def test_evaluate_model_exact_figures_on_fixed_suggestions() -> None:
    report = _fixed_report()
    overall = report.overall
    assert overall["map"] == pytest.approx(((1 + 2 / 3) / 2 + 1) / 2)
    assert overall["p_at_5"] == pytest.approx(0.4)
    assert overall["r_at_10"] == pytest.approx(1.0)
    # recommended: n1 {I10, J18.9}, n2 {J18.9, 0BH17EZ}, n3 {I10}: tp 3, fp 2, fn 1
    assert overall["micro_precision"] == pytest.approx(0.6)
    assert overall["micro_recall"] == pytest.approx(0.75)
    assert overall["micro_f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    # codes I10 (p .5 r 1), J18.9 (p .5 r 1), E11.9 (p 0 r 0), 0BH17EZ (p 1 r 1)
    assert overall["macro_precision"] == pytest.approx(0.5)
    assert overall["macro_recall"] == pytest.approx(0.75)
    assert overall["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0 + 1) / 4)
    # one suggestion a bin: |confidence - correct| each, weighted 1/7
    assert overall["ece"] == pytest.approx((0.08 + 0.72 + 0.67 + 0.17 + 0.36 + 0.22 + 0.55) / 7)
    assert report.gold_notes == {"all": 2, CM: 2, PCS: 1}
    pcs = report.per_system[PCS]
    assert (pcs["map"], pcs["micro_precision"], pcs["micro_recall"]) == (1.0, 1.0, 1.0)
    cm = report.per_system[CM]
    assert cm["micro_precision"] == pytest.approx(2 / 4)
    assert cm["micro_recall"] == pytest.approx(2 / 3)


def test_evaluate_model_code_table_orders_errors_first() -> None:
    rows = [(c.system, c.code, c.tp, c.fp, c.fn) for c in _fixed_report().codes]
    assert rows == [
        (CM, "E11.9", 0, 0, 1),
        (CM, "I10", 1, 1, 0),
        (CM, "J18.9", 1, 1, 0),
        (PCS, "0BH17EZ", 1, 0, 0),
    ]


def test_reliability_bins_are_equal_width_with_counts() -> None:
    bins = reliability_bins([0.05, 0.07, 0.95, 1.0, 0.5], [0.0, 1.0, 1.0, 1.0, 0.0])
    assert [round(b.low, 1) for b in bins] == [i / 10 for i in range(10)]
    assert [b.count for b in bins] == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins[0].share_correct == 0.5
    assert bins[0].mean_confidence == pytest.approx(0.06)
    assert bins[9].share_correct == 1.0


def test_evaluate_with_systems_measures_only_their_gold_and_suggestions(
    catalog_engine: Engine,
) -> None:
    from tests.utils.catalogs import PROCEDURE_NOTE

    notes = [
        coded("proc", PROCEDURE_NOTE, (CM, "I10"), ("CPT", "90001"), ("CPT", "90002")),
        coded("htn", "Assessment: essential hypertension.", (CM, "I10")),
    ]
    every = evaluate_model(catalog_engine, notes, top=10)
    assert every.gold_notes["CPT"] == 1 and every.gold_notes[CM] == 2
    cpt = evaluate_model(catalog_engine, notes, top=10, systems={"CPT"})
    assert set(cpt.figures) == {"all", "CPT"}
    assert cpt.gold_notes == {"all": 1, "CPT": 1}
    assert cpt.figures["all"] == cpt.figures["CPT"] == every.figures["CPT"]
    assert {c.system for c in cpt.codes} == {"CPT"}
