"""Deriving ICD-10-PCS axis meanings from code titles."""

from __future__ import annotations

from codesuggest.codesets.pcs_convert import build_axes, derive_from_titles, operations_from_titles

TITLES = {
    "0X1A0ZZ": "Cutting of Right Renal Artery, Open Approach",
    "0X1B0ZZ": "Cutting of Left Renal Artery, Open Approach",
    "0X1C0ZZ": "Cutting of Right Hand Vein, Open Approach",
    "0X1A4ZZ": "Cutting of Right Renal Artery, Percutaneous Endoscopic Approach",
    "BX20ZZZ": "Computerized Tomography (CT Scan) of Skull",
    "BX21ZZZ": "Computerized Tomography (CT Scan) of Orbits",
}


def test_derive_from_titles_covers_every_difference() -> None:
    found = derive_from_titles(TITLES)
    assert found[("0X1", 4, "A")] == "Right Renal Artery"
    assert found[("0X1", 4, "C")] == "Right Hand Vein"
    assert found[("0X1", 5, "4")] == "Percutaneous Endoscopic"
    assert found[("BX2", 4, "1")] == "Orbits"


def test_operations_from_titles_stop_at_the_body_part() -> None:
    ops = operations_from_titles(TITLES)
    assert ops["BX2"] == "Computerized Tomography (CT Scan)"
    assert ops["0X1"] == "Cutting"


def test_build_axes_keeps_only_values_the_codes_use() -> None:
    names = [
        ("section", "0", "Medical and Surgical"),
        ("section", "B", "Imaging"),
        ("body_system", "BX", "Test Region"),
    ]
    rows = build_axes(TITLES, [], names)
    keys = {(r.prefix, r.axis, r.value) for r in rows}
    assert ("", 1, "0") in keys and ("B", 2, "X") in keys
    assert ("", 1, "X") not in keys
    none = [r for r in rows if r.prefix == "BX2" and r.axis == 5]
    assert [r.meaning for r in none] == ["None"]
