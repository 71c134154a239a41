"""US phrasings of codes whose titles notes rarely say, through the real pipeline (extraction,
lexicon, generators) of the default model: encounter reasons, receptor status, external causes
with the mechanism stated, adverse effects of drugs the Table of Drugs does not list."""

import pytest

from codesuggest.types import Assertion


def _affirmed(engine, text: str) -> set[str]:
    doc = engine.nlp(text)
    cands = engine.extraction.collect(doc)
    return {c.code for c in cands if any(m.assertion is Assertion.PRESENT for m in c.mentions)}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # encounter reasons: "exam" is the index's "Examination"
        ("A/P: 1. Adult physical exam with abnormal finding: hypercholesterolemia.", "Z00.01"),
        ("1. Routine adult exam with abnormal findings.", "Z00.01"),
        ("A/P: Follow-up exam after treatment of pneumonia; pneumonia resolved.", "Z09"),
        ("Impression: Follow-up after completed treatment of prostate cancer.", "Z08"),
        ("A/P: Sports physical; cleared for soccer.", "Z02.5"),
        # a receptor status written with its sign
        ("Invasive ductal carcinoma, right breast, ER+/PR+/HER2-.", "Z17.0"),
        ("Breast cancer, ER-/PR-/HER2+.", "Z17.1"),
        # external causes with the mechanism in the note's words
        ("Fell after colliding with another player and rolled his left ankle.", "W03.XXXA"),
        ("Scratched in the right eye by her toddler's fingernail this morning.", "W50.4XXA"),
        ("Felt sudden low back pain while lifting a bag of cement.", "X50.0XXA"),
        # adverse effect of a drug named by a class entry of the Table of Drugs
        ("Bilateral ankle edema, adverse effect of amlodipine taken as prescribed.", "T46.1X5A"),
        ("Myalgia, adverse effect of atorvastatin.", "T46.6X5A"),
        # abbreviations and grades the titles spell out
        ("Grade II internal hemorrhoids, source of bleeding.", "K64.1"),
        ("Pressure ulcer of sacrum, stage 3.", "L89.153"),
        ("Type 1 DM with DKA without coma.", "E10.10"),
        ("Hypertensive heart disease with HF.", "I11.0"),
        ("Left breast mass, upper outer quadrant, likely fibroadenoma.", "N63.21"),
        ("Breast mass L UOQ.", "N63.21"),
        ("Crohn's disease of small and large intestine with rectal bleeding.", "K50.811"),
    ],
)
def test_us_phrasing_proposes_its_code(engine, text, code):
    assert code in _affirmed(engine, text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Seen in the ER yesterday.", "Z17.0"),  # the emergency room is no receptor
        ("Invasive ductal carcinoma, ER+/PR+/HER2-.", "Z17.1"),  # HER2- is no ER status
        ("Dx: (1) E. coli UTI. (2) Pressure ulcer of sacrum, stage 3.", "L89.152"),
    ],
)
def test_us_phrasing_proposes_nothing_it_does_not_say(engine, text, code):
    assert code not in _affirmed(engine, text)


def test_family_history_beside_the_patients_own_possible_condition(engine):
    text = (
        "Brother died of lung cancer at 61. Assessment: solitary pulmonary nodule, "
        "concerning for malignancy - r/o primary lung cancer."
    )
    doc = engine.nlp(text)
    cands = {c.code: c for c in engine.extraction.collect(doc)}
    assert "Z80.1" in cands
    assert [m.text for m in cands["Z80.1"].mentions] == ["lung cancer"]  # the brother's
