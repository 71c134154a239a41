"""The held-out figures of a model card as a table: labels, whole counts, three decimals."""

from __future__ import annotations

from codesuggest.held_out import held_out_table


def test_held_out_table_has_a_labelled_row_per_system() -> None:
    figures = {
        "all_notes": 167.0,
        "all_map": 0.53012,
        "all_micro_f1": 0.4871,
        "icd10cm_notes": 160.0,
        "icd10cm_map": 0.5,
        "icd10cm_micro_f1": 0.49,
        "icd10cm_ece": 0.0172,
    }
    header, cm, every = held_out_table(figures)
    assert header.split() == ["notes", "MAP", "F1", "ECE"]
    assert cm.split() == ["ICD-10-CM", "160", "0.500", "0.490", "0.017"]
    assert every.split() == ["all", "systems", "167", "0.530", "0.487", "-"]
    # the columns line up under their labels
    assert len({len(header), len(cm), len(every)}) == 1


def test_held_out_table_keeps_unknown_figures_and_skips_non_numbers() -> None:
    lines = held_out_table({"all_new_rate": 0.25, "all_note": "text", "stray": 1.0})
    assert [line.split() for line in lines] == [["new", "rate"], ["all", "systems", "0.250"]]
    assert held_out_table({}) == []
