"""A code no mention proposed, described through its code system (``candidates.described``)."""

from __future__ import annotations

import pytest

from codesuggest.candidates.described import described
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import CM, CPT, PCS
from tests.utils.catalogs import invented_catalogs


@pytest.mark.parametrize(
    ("system", "code", "billable"),
    [(CM, "E11.9", True), (CM, "E11", False), (PCS, "0DTJ4ZZ", True), (PCS, "BN20", False)],
)
def test_a_code_of_a_shipped_set_is_described_by_it(
    cs: Icd10Cm, system: str, code: str, billable: bool
) -> None:
    cand = described(system, code, CodeSystems(cs))
    assert cand is not None
    assert (cand.code, cand.system, cand.billable) == (code, system, billable)
    assert cand.title == CodeSystems(cs)[system].title(code)
    assert not cand.mentions


def test_an_icd10cm_code_the_code_set_lacks_is_no_candidate(cs: Icd10Cm) -> None:
    assert described(CM, "E11.99", CodeSystems(cs)) is None


def test_a_procedure_code_the_shipped_list_lacks_stays_a_label(cs: Icd10Cm) -> None:
    # a coded note's ICD-10-PCS code of another release: the model learned it, it is proposed
    assert "0DTJ4ZX" not in CodeSystems(cs)[PCS]
    kept = described(PCS, "0DTJ4ZX", CodeSystems(cs))
    assert kept is not None
    assert (kept.system, kept.title, kept.billable) == (PCS, "ICD-10-PCS 0DTJ4ZX", True)


def test_a_user_systems_code_is_described_by_its_catalog_else_as_a_label(cs: Icd10Cm) -> None:
    with_catalog = described(CPT, "90001", CodeSystems(cs, invented_catalogs()))
    assert with_catalog is not None and with_catalog.title == "Appendectomy, laparoscopic"
    for systems in (CodeSystems(cs), CodeSystems(cs, invented_catalogs())):
        unknown = described(CPT, "99213", systems)  # no catalog, or one without the code
        assert unknown is not None
        assert (unknown.title, unknown.billable) == ("CPT 99213", True)
