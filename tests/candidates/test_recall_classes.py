"""Codes the dictionary generators once never proposed, one test per class of phrasing, through
the real pipeline (extraction, lexicon, Alphabetic Index, generators) of the default model."""

from __future__ import annotations

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.engine import Engine

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _candidates(engine: Engine, text: str) -> dict[str, Candidate]:
    doc = engine.nlp(text)
    return {c.code: c for c in engine.extraction.collect(doc)}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # a plant named for the dermatitis it causes
        ("Contact dermatitis from poison oak on both legs.", "L23.7"),
        # a phrase of more words reads on from the last word of another
        ("Iron deficiency anemia complicating pregnancy, second trimester.", "O99.012"),
        # weeks of gestation beside the pregnancy they date
        ("Anemia complicating pregnancy, third trimester, 35 weeks.", "Z3A.35"),
        # a title's "without A, B, and C" denies each; the severity picks the child
        ("Vascular dementia, mild, without behavioral disturbance.", "F01.A0"),
        # "both eyes" and "OU" are the titles' "bilateral"
        ("Type 2 DM with mild NPDR OU.", "E11.3293"),
        ("Type 2 diabetes with mild nonproliferative diabetic retinopathy, both eyes.", "E11.3293"),
        # a combination stated with abbreviations
        ("Hypertensive heart and CKD with HF and ESRD, on dialysis.", "I13.2"),
        # a cue whose clause ends at a comma does not part a level from its term
        ("Type 2 DM with hypoglycemia without coma, level 2.", "E16.A2"),
        # a lung lobe abbreviation names the lung and its side
        ("Adenocarcinoma, LUL.", "C34.12"),
        # packs per day are cigarettes
        ("Smokes 2 ppd for 30 years.", "F17.210"),
        # a muscle of the calf named
        ("Left calf strain after sprinting.", "S86.112A"),
        # "Fracture, traumatic > humerus > lower end > supracondylar": said without "lower end"
        ("Supracondylar fracture of the right humerus, nondisplaced.", "S42.414A"),
        # "Tear, torn": either form
        ("Torn medial meniscus, bucket-handle, right knee.", "S83.211A"),
        # a breast neoplasm with no sex stated is of the female breast
        ("Carcinoma of the left breast, upper outer quadrant.", "C50.412"),
        # a basal cell carcinoma is of the skin of its site
        ("Basal cell carcinoma of the right cheek.", "C44.319"),
        # a morphology's "see Neoplasm, <behaviour>" leads to its site's row in the table
        ("Pleomorphic sarcoma of the penis.", "C60.9"),
        ("Tubular adenoma of the rectum.", "D12.8"),
        ("Glioma of the optic nerve.", "C72.30"),
        # a cancer excised in a past year is history
        ("Melanoma of the scalp excised in 2015, no recurrence.", "Z85.820"),
    ],
)
def test_phrasing_proposes_its_code(engine: Engine, text: str, code: str) -> None:
    assert code in _candidates(engine, text)


def test_a_side_inside_a_titles_denial_still_picks_the_side(engine: Engine) -> None:
    cands = _candidates(engine, "Displaced supracondylar fracture of the left humerus.")
    assert "S42.412A" in cands
    assert "S42.411A" not in cands
