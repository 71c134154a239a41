"""Every code system through one contract (``codesets.base.CodeSystem``), served by name
(``codesets.code_systems.CodeSystems``)."""

from __future__ import annotations

from codesuggest.codesets.base import CodeSystem
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.codesets.systems import CM, CPT, HCPCS, PCS, SYSTEMS
from codesuggest.engine import Engine
from tests.utils.catalogs import invented_catalog, invented_catalogs


def test_every_code_system_keeps_the_contract(cs: Icd10Cm) -> None:
    for system in (cs, shipped_pcs(), invented_catalog(CPT), invented_catalog(HCPCS)):
        assert isinstance(system, CodeSystem)
        assert system.name in SYSTEMS and system.release and system.labels


def test_the_systems_are_served_by_name_in_order(cs: Icd10Cm) -> None:
    bare = CodeSystems(cs)
    assert list(bare) == [CM, PCS] and len(bare) == 2
    assert bare[CM] is cs and bare[PCS] is shipped_pcs()
    assert bare.get(CPT) is None  # no catalog registered: its codes are labels only
    full = CodeSystems(cs, {HCPCS: invented_catalog(HCPCS)})
    assert list(full) == [CM, PCS, HCPCS] and len(full) == 3
    assert full[HCPCS].name == HCPCS


def test_each_system_reads_a_label_its_own_way(cs: Icd10Cm) -> None:
    systems = CodeSystems(cs, invented_catalogs())
    assert systems.label(CM, "e119") == "E11.9"
    assert systems.label(CM, "E11") == "E11"  # a category is billed as such
    assert systems.label(PCS, "bn20") == "BN20"  # a table row, as CodiEsp labels some
    assert systems.label(PCS, "0DTJ4Z") is None  # cut short elsewhere: neither code nor row
    assert systems.label(CPT, " 90001 ") == "90001"
    assert systems.label(CPT, "99999") is None
    assert CodeSystems(cs).label(CPT, "90001") is None  # not served
    assert systems.title(CM, "E11.9") == cs.title("E11.9")
    assert systems.title(CM, "e119") == ""  # as given only
    assert systems.title(CPT, "90001") == "Appendectomy, laparoscopic"


def test_the_engine_serves_its_catalogs(catalog_engine: Engine, engine: Engine) -> None:
    assert list(catalog_engine.code_systems) == [CM, PCS, CPT, HCPCS]
    assert list(engine.code_systems) == [CM, PCS]
    assert catalog_engine.code_systems[CM] is catalog_engine.codeset
