"""A site a cancer spread to is a secondary malignant neoplasm of that site."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.base import Scored
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.kinds.neoplasm import secondary_of, spread_to
from codesuggest.types import Note
from tests.utils.scored import apply, item, mentioned

RULE = "metastatic-site-secondary"
NOTE = "Impression: malignant pleural effusion from metastatic breast cancer to the pleura."


@pytest.mark.parametrize(
    ("primary", "secondary"),
    [
        ("C38.4", "C78.2"),  # pleura
        ("C34.11", "C78.01"),  # right upper lobe: the right lung's secondary code
        ("C34.92", "C78.02"),
        ("C71.9", "C79.31"),  # brain
        ("C22.0", "C78.7"),  # liver
        ("C41.9", "C79.51"),  # bone
    ],
)
def test_secondary_of_reads_the_neoplasm_tables_row(
    cs: Icd10Cm, primary: str, secondary: str
) -> None:
    assert secondary_of(primary, cs) == secondary


@pytest.mark.parametrize(
    ("text", "mention", "spread"),
    [
        (NOTE, "cancer to the pleura", True),
        (NOTE, "breast cancer", False),  # the primary: "metastatic breast cancer"
        ("Lung cancer metastatic to the brain and liver.", "cancer metastatic to the brain", True),
        ("Lung cancer metastatic to the brain and liver.", "Lung cancer", False),
        ("Colon cancer with mets to the liver.", "cancer with mets to the liver", True),
        ("Metastatic prostate cancer, on ADT.", "prostate cancer", False),
        ("Spread to family members is unlikely. Lung cancer.", "Lung cancer", False),
        # the site before the noun, or the noun then where the metastases are
        (
            "Carcinoma of unknown primary, with liver metastases.",
            "Carcinoma of unknown primary, with liver",
            True,
        ),
        ("Colon cancer with liver and bone mets.", "liver", True),
        ("Colon cancer with liver and bone mets.", "bone", True),
        ("Colon cancer with liver and bone mets.", "Colon cancer", False),
        ("Breast cancer metastases to the liver.", "Breast cancer", False),
        ("Lung metastases to the brain were found.", "Lung", False),
        ("Lung metastases from colon cancer.", "Lung", True),
        ("Hepatic metastatic lesions, primary unknown.", "Hepatic", True),
        ("Breast cancer metastases noted.", "Breast cancer", False),
        (
            "Melanoma with metastases in the brain and lung.",
            "Melanoma with metastases in the brain",
            True,
        ),
        ("Lung cancer metastatic to the bone.", "Lung cancer", False),
        ("Liver, metastatic to bone.", "Liver", False),
    ],
)
def test_spread_to_reads_the_site_a_cancer_reached(text: str, mention: str, spread: bool) -> None:
    start = text.index(mention)
    assert spread_to(Note(text), start, start + len(mention)) is spread


def _at(code: str, cs: Icd10Cm, text: str, recommended: bool = True) -> Scored:
    return mentioned(code, cs, text, NOTE.index(text), 0.6, recommended)


def test_metastatic_site_recommends_the_sites_secondary_code(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [
        _at("C38.4", cs, "cancer to the pleura"),
        _at("C50.919", cs, "breast cancer"),
        mentioned("C78.2", cs, "pleura", NOTE.index("pleura."), 0.3, recommended=False),
    ]
    out = apply(packaged, RULE, items, cs, Note(NOTE))
    assert not out["C38.4"].recommended
    assert out["C38.4"].flags == ["a site the cancer spread to: C78.2"]
    assert out["C78.2"].recommended and out["C78.2"].confidence == 0.6
    assert out["C50.919"].recommended and not out["C50.919"].rules  # the primary stays


def test_metastatic_site_adds_the_secondary_code_it_lacks(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = apply(packaged, RULE, [_at("C38.4", cs, "cancer to the pleura")], cs, Note(NOTE))
    assert out["C78.2"].recommended and out["C78.2"].rules == [RULE]
    assert out["C78.2"].flags == ["in place of C38.4"]
    assert out["C78.2"].evidence == out["C38.4"].evidence


def test_metastatic_site_leaves_a_primary_the_note_does_not_say_spread(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    text = "Primary pleural mesothelioma, metastatic breast cancer excluded."
    s = mentioned("C38.4", cs, "pleural", text.index("pleural"), 0.6)
    out = apply(packaged, RULE, [s, item("C50.919", cs)], cs, Note(text))
    assert out["C38.4"].recommended and "C78.2" not in out


UNKNOWN = "Metastatic adenocarcinoma of unknown primary with liver metastases."


@pytest.mark.parametrize(("confidence", "added"), [(0.44, True), (0.2, False)])
def test_a_documented_primary_candidate_names_its_spread_sites_secondary_code(
    packaged: RuleSet, cs: Icd10Cm, confidence: float, added: bool
) -> None:
    # the liver read as a primary site from "... primary with liver": not recommended, but the
    # note says the liver is where the cancer spread
    mention = "adenocarcinoma of unknown primary with liver"
    items = [
        mentioned("C80.1", cs, "adenocarcinoma of unknown primary", UNKNOWN.index("adeno"), 0.6),
        mentioned("C22.8", cs, mention, UNKNOWN.index(mention), confidence, recommended=False),
    ]
    out = apply(packaged, RULE, items, cs, Note(UNKNOWN))
    assert not out["C22.8"].recommended  # the primary stays a candidate
    assert ("C78.7" in out and out["C78.7"].recommended) is added
    if added:
        assert out["C78.7"].flags == ["a site the cancer spread to, read as C22.8"]
        assert out["C78.7"].confidence == confidence
    assert out["C80.1"].recommended
