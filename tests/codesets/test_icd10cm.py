"""Icd10Cm: the compact ICD-10-CM table read from simple-icd-10-cm."""

from __future__ import annotations

import pytest

from codesuggest.codesets.base import CodeSystem
from codesuggest.codesets.icd10cm import Icd10Cm, code_refs, in_ref
from codesuggest.errors import CodeSetError


def test_icd10cm_implements_code_system_protocol(cs: Icd10Cm) -> None:
    assert isinstance(cs, CodeSystem)
    assert len(cs) > 70_000
    assert "E11.9" in cs
    assert "E11" in cs  # categories are codes too
    assert "E08-E13" not in cs  # blocks are not
    assert 42 not in cs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("e119", "E11.9"), ("E11.9", "E11.9"), (" i10 ", "I10"), ("s72.001a", "S72.001A")],
)
def test_normalize_returns_official_form(cs: Icd10Cm, raw: str, expected: str) -> None:
    assert cs.normalize(raw) == expected


@pytest.mark.parametrize("raw", ["XX99", "E11.99999", "", "E08-E13"])
def test_normalize_unknown_returns_none(cs: Icd10Cm, raw: str) -> None:
    assert cs.normalize(raw) is None


def test_billable_leaf_versus_category(cs: Icd10Cm) -> None:
    assert cs.is_billable("E11.9")
    assert cs.is_billable("I10")
    assert not cs.is_billable("E11")
    assert not cs.is_billable("N18.3")  # split into N18.30-N18.32


def test_ancestors_nearest_first_without_blocks(cs: Icd10Cm) -> None:
    assert cs.ancestors("E11.9") == ["E11"]
    assert cs.ancestors("S72.001A") == ["S72.001", "S72.00", "S72.0", "S72"]
    assert cs.ancestors("E11") == []
    assert cs.parent("E11") is None


def test_billable_descendants_of_category(cs: Icd10Cm) -> None:
    assert cs.billable_descendants("J18") == ["J18.0", "J18.1", "J18.2", "J18.8", "J18.9"]
    some = cs.billable_descendants("E11", limit=5)
    assert len(some) == 5
    assert all(c.startswith("E11.") and cs.is_billable(c) for c in some)
    assert cs.billable_descendants("I10") == []


def test_excludes1_refs_of_e119_cover_type_1_diabetes(cs: Icd10Cm) -> None:
    refs = cs.excludes1_refs("E11.9")  # the E11 category excludes E10
    assert ("E10", "E10") in refs
    assert any(in_ref("E10.9", r) for r in refs)
    assert not any(in_ref("I10", r) for r in refs)


def test_in_ref_single_code_and_range() -> None:
    assert in_ref("E08.9", ("E08", "E08"))
    assert not in_ref("E09.9", ("E08", "E08"))
    assert in_ref("C34.90", ("C00", "C96"))
    assert in_ref("C96.9", ("C00", "C96"))
    assert not in_ref("D01.0", ("C00", "C96"))


def test_code_refs_single_codes_and_dash_suffixes() -> None:
    assert code_refs("diabetes due to underlying condition (E08.-)") == [("E08", "E08")]
    assert code_refs("insulin use (Z79.4)") == [("Z79.4", "Z79.4")]
    assert code_refs("gestational (O24.4-)") == [("O24.4", "O24.4")]
    assert code_refs("no reference here") == []


def test_code_refs_parses_hyphenated_ranges() -> None:
    assert code_refs("neoplasms (C00-C96)") == [("C00", "C96")]
    assert code_refs("(K85-K86.-)") == [("K85", "K86")]


def test_excludes1_refs_keep_range_end(cs: Icd10Cm) -> None:
    assert any(in_ref("A56.00", r) for r in cs.excludes1_refs("A74.9"))


def test_seventh_characters_inherited_from_category(cs: Icd10Cm) -> None:
    seventh = cs.seventh_characters("S72.001A")
    assert seventh["A"] == "initial encounter for closed fracture"
    assert seventh["S"] == "sequela"
    assert cs.seventh_characters("E11.9") == {}


def test_info_collects_code_facts(cs: Icd10Cm) -> None:
    info = cs.info("E11.9")
    assert info.title == "Type 2 diabetes mellitus without complications"
    assert info.billable
    assert info.parent == "E11"
    assert info.system == "ICD-10-CM"


def test_release_is_fy2026(cs: Icd10Cm) -> None:
    assert cs.release.startswith("FY2026")


def test_one_category_block_c50_is_a_code_without_parent_cycle(cs: Icd10Cm) -> None:
    assert "C50" in cs
    assert cs.title("C50") == "Malignant neoplasm of breast"
    assert cs.parent("C50") is None
    assert cs.ancestors("C50.919") == ["C50.91", "C50.9", "C50"]
    assert "C50.919" in cs.billable_descendants("C50", limit=100)


@pytest.mark.parametrize("call", ["title", "is_billable", "parent", "children", "info"])
def test_unknown_code_raises_codeset_error(cs: Icd10Cm, call: str) -> None:
    with pytest.raises(CodeSetError, match="XX99"):
        getattr(cs, call)("XX99")
    with pytest.raises(LookupError):  # CodeSetError is a LookupError
        getattr(cs, call)("E08-E13")


def test_excludes1_nos_note_scoped_to_the_codes_naming_its_condition(cs: Icd10Cm) -> None:
    # I65: "insufficiency, NOS, of precerebral artery (G45.-)"; G45's title does not name it
    scoped = dict(cs.excludes1_scoped("I65.22"))
    assert scoped[("G45", "G45")] == {"G45.2"}
    assert not cs.excludes1_conflict("G45.9", "I65.22")  # TIA with carotid stenosis
    assert not cs.excludes1_conflict("I65.22", "G45.9")
    assert cs.excludes1_conflict("G45.2", "I65.22")


def test_excludes1_whole_category_and_exact_references_stay_whole(cs: Icd10Cm) -> None:
    scoped = dict(cs.excludes1_scoped("E11.9"))
    assert scoped[("E10", "E10")] is None  # "type 1 diabetes mellitus (E10.-)": no NOS
    assert cs.excludes1_conflict("E11.9", "E10.65")
    # a NOS condition its category's own title names: the whole category
    assert dict(cs.excludes1_scoped("K25.9"))[("K27", "K27")] is None  # peptic ulcer NOS
    assert cs.excludes1_conflict("K25.9", "K27.4")


def test_excludes1_nos_scope_reaches_inclusion_terms(cs: Icd10Cm) -> None:
    # J40: "asthmatic bronchitis NOS (J45.9-)": J45.909's inclusion term, not J45.990's
    assert cs.excludes1_conflict("J40", "J45.909")
    assert not cs.excludes1_conflict("J40", "J45.990")
