"""Status Z codes and external causes from their usual phrasings, through the real pipeline
(extraction, lexicon, generators) of the default model."""

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.status import StatusCandidates
from codesuggest.types import Assertion, Mention, Note
from tests.utils.support import read_for_codes, supported


def _candidates(engine, text: str) -> dict[str, Candidate]:
    doc = engine.nlp(text)
    return {c.code: c for c in engine.extraction.collect(doc)}


def _affirmed(cand: Candidate) -> bool:
    return any(m.assertion is Assertion.PRESENT for m in cand.mentions)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("BMI 34.2. Obesity.", "Z68.34"),
        ("Body mass index of 41, morbid obesity.", "Z68.41"),
        ("BMI: 27.5 kg/m2, overweight.", "Z68.27"),
        ("BMI is 52.", "Z68.43"),
        ("BMI 18.", "Z68.1"),
        ("BMI-for-age 97th percentile.", "Z68.54"),
    ],
)
def test_status_bmi_value_binds_to_its_code(engine, text, code):
    cands = _candidates(engine, text)
    z68 = {c for c in cands if c.startswith("Z68")}
    assert z68 == {code}
    assert _affirmed(cands[code])


@pytest.mark.parametrize(
    "text",
    ["BMI not recorded today, weight 34 kg.", "BMI was discussed.", "Obesity counselling."],
)
def test_status_bmi_without_its_own_number_gives_nothing(engine, text):
    assert not {c for c in _candidates(engine, text) if c.startswith("Z68")}


def test_status_bmi_value_does_not_borrow_a_later_number(engine):
    cands = _candidates(engine, "BMI 22, age 34.")
    assert {c for c in cands if c.startswith("Z68")} == {"Z68.22"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hx of appendectomy.", "Z90.49"),
        ("History of appendectomy.", "Z90.49"),
        ("Status post cholecystectomy.", "Z90.49"),
        ("Past surgical history: appendectomy, hysterectomy.", "Z90.710"),
        ("S/p left mastectomy for breast cancer.", "Z90.12"),
        ("Prior splenectomy after trauma.", "Z90.81"),
        ("Status post right BKA.", "Z89.511"),
        ("Remote history of nephrectomy.", "Z90.5"),
    ],
)
def test_status_acquired_absence_from_past_procedure(engine, text, code):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])


@pytest.mark.parametrize(
    "text",
    [
        "Laparoscopic appendectomy performed today without complication.",
        "No history of appendicitis.",
        "Scheduled for cholecystectomy next week.",
        "Cholelithiasis s/p lap cholecystectomy HD4, tolerating diet.",  # this stay's operation
        "POD 2 s/p appendectomy, afebrile.",
    ],
)
def test_status_absence_needs_a_past_procedure(engine, text):
    cands = _candidates(engine, text)
    assert not any(_affirmed(c) for code, c in cands.items() if code.startswith("Z90"))


def test_status_a_device_placed_this_stay_is_no_status(engine):
    assert not any(c.startswith("Z95") for c in _candidates(engine, "POD 3 s/p CABG x3."))
    assert "Z95.1" in _candidates(engine, "S/p CABG x3 in 2015.")


def test_status_absence_negated_stays_negated(engine):
    cands = _candidates(engine, "No prior appendectomy.")
    assert not any(_affirmed(c) for code, c in cands.items() if code.startswith("Z90"))


@pytest.mark.parametrize(
    ("text", "code", "evidence"),
    [
        ("S/p CABG.", "Z95.1", "CABG"),
        ("Status post CABG in 2015.", "Z95.1", "CABG"),
        ("History of coronary artery bypass graft.", "Z95.1", "coronary artery bypass graft"),
        ("Has a pacemaker.", "Z95.0", "pacemaker"),
        ("Drug-eluting stent to the LAD in 2019.", "Z95.5", None),
        ("Mechanical aortic valve, on warfarin.", "Z95.2", None),
        ("S/p right total knee arthroplasty.", "Z96.651", None),
        ("Bilateral cochlear implants.", "Z96.21", None),
    ],
)
def test_status_devices_and_grafts_present(engine, text, code, evidence):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])
    if evidence is not None:
        assert {m.text for m in cands[code].mentions} == {evidence}


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("Procedure: Right total knee arthroplasty.\nFindings: cemented components.", "Z96.65"),
        ("Procedure: Dual-chamber permanent pacemaker implantation, left subclavian.", "Z95.0"),
        ("Drug-eluting stent placed in the proximal LAD today.", "Z95.5"),
    ],
)
def test_status_device_placed_at_this_encounter_is_no_status(engine, text, prefix):
    # the device is the procedure of this encounter, not a status the patient brings
    cands = _candidates(engine, text)
    assert not any(c.startswith(prefix) and _affirmed(cands[c]) for c in cands)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Persistent atrial fibrillation on apixaban.", "Z79.01"),
        ("Medications: warfarin 5 mg daily.", "Z79.01"),
        ("Takes clopidogrel after his stent.", "Z79.02"),
        ("Medications: aspirin 81 mg, metformin 1000 mg BID.", "Z79.82"),
        ("Medications: aspirin 81 mg, metformin 1000 mg BID.", "Z79.84"),
        ("Type 2 diabetes on insulin glargine.", "Z79.4"),
        ("Takes aspirin 81 mg daily.", "Z79.82"),
        ("Chronic prednisone for polymyalgia.", "Z79.52"),
    ],
)
def test_status_long_term_drug_therapy(engine, text, code):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("Given aspirin 325 mg in the ED.", "Z79.82"),
        ("Discussed aspirin for primary prevention.", "Z79.82"),
        ("Received one dose of oxycodone for pain.", "Z79.891"),
        ("Previously on warfarin, stopped in 2019.", "Z79.01"),
    ],
)
def test_status_one_off_or_past_drug_is_not_long_term(engine, text, prefix):
    cands = _candidates(engine, text)
    assert not any(_affirmed(c) for code, c in cands.items() if code.startswith(prefix))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Allergic to sulfa.", "Z88.2"),
        ("PCN allergy.", "Z88.0"),
        ("Penicillin allergy (hives).", "Z88.0"),
        ("Allergies: penicillin (rash).", "Z88.0"),
        ("Allergic to codeine.", "Z88.5"),
        ("Latex allergy.", "Z91.040"),
        ("Allergic to peanuts.", "Z91.010"),
    ],
)
def test_status_allergy(engine, text, code):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])


@pytest.mark.parametrize(
    "text",
    ["NKDA.", "No known drug allergies.", "Started amoxicillin for otitis media."],
)
def test_status_no_allergy_status_without_an_allergy(engine, text):
    cands = _candidates(engine, text)
    assert not any(_affirmed(c) for code, c in cands.items() if code.startswith(("Z88", "Z91.0")))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Fell from standing, wrist pain.", "W18.30XA"),
        ("Slipped on ice and fell onto her outstretched hand.", "W00.0XXA"),
        ("Restrained driver in a motor vehicle collision.", "V43.52XA"),
        ("Dog bite to the left hand.", "W54.0XXA"),
        ("Cut his finger with a kitchen knife.", "W26.0XXA"),
        ("Fell off a ladder while cleaning gutters.", "W11.XXXA"),
        ("Pedestrian struck by a car.", "V03.10XA"),
    ],
)
def test_status_external_cause_from_stated_mechanism(engine, text, code):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])


def test_status_external_cause_recommended_beside_injury(engine):
    note = Note(
        "Fell from standing onto the right wrist. X-ray: nondisplaced fracture of distal "
        "radius, right.",
        age=60,
    )
    result = engine.suggest(note, top=30)
    codes = {s.code: s for s in result.suggestions}
    assert "W18.30XA" in codes
    assert codes["W18.30XA"].evidence[0].text.lower().startswith("fell from standing")


def test_status_candidates_affirm_past_status_and_trim_the_cue():
    m = Mention(
        0, 6, "p CABG", "none", Assertion.HISTORICAL, ("Z95.1",), "contiguous", "synonym", 2
    )
    pool = {"Z95.1": Candidate("Z95.1", supported([m]), sources={"lexicon"})}
    StatusCandidates().add([m], pool)
    (kept,) = read_for_codes(pool)["Z95.1"].mentions
    assert (kept.text, kept.start, kept.assertion) == ("CABG", 2, Assertion.PRESENT)


def test_status_candidates_drop_a_code_left_without_mentions():
    m = Mention(0, 8, "aspirin", "none", Assertion.PRESENT, ("Z79.82",), "contiguous", "synonym", 1)
    pool = {"Z79.82": Candidate("Z79.82", supported([m]), sources={"lexicon"})}
    StatusCandidates().add([m], pool)
    assert pool == {}


def test_status_bmi_evidence_is_the_statement(engine):
    cands = _candidates(engine, "BMI 22, age 34.")
    assert {m.text for m in cands["Z68.22"].mentions} == {"BMI 22"}


def test_status_past_surgical_section_evidence_is_the_procedure(engine):
    cands = _candidates(engine, "Past surgical history: total abdominal hysterectomy.")
    assert {m.text for m in cands["Z90.710"].mentions} == {"total abdominal hysterectomy"}


@pytest.mark.parametrize(
    "text",
    [
        "Atrial flutter s/p ablation 2023, off anticoagulation per cardiology.",
        "Hx DVT 2022, completed 6 months of apixaban, no longer on blood thinners.",
        "PMH: DVT L leg 2019, completed 6 months of anticoagulation, no recurrence.",
        "Warfarin was stopped after the bleed.",
    ],
)
def test_status_long_term_drug_stopped_is_not_current(engine, text):
    cand = _candidates(engine, text).get("Z79.01")
    assert cand is None or not _affirmed(cand)


def test_status_long_term_drug_taken_is_current(engine):
    assert _affirmed(_candidates(engine, "On apixaban 5 mg BID for atrial fibrillation.")["Z79.01"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Uses tiotropium daily and fluticasone-salmeterol BID.", "Z79.51"),
        ("On budesonide-formoterol 160/4.5 2 puffs BID for 4 yrs.", "Z79.51"),
    ],
)
def test_status_long_term_cue_after_the_drug(engine, text, code):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])


def test_status_long_term_cue_of_the_next_list_item_is_not_the_drugs(engine):
    cands = _candidates(engine, "Gave fluticasone-salmeterol once in clinic, metformin BID.")
    assert not any(_affirmed(c) for code, c in cands.items() if code.startswith("Z79.51"))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sprained his left ankle playing basketball.", "Y93.67"),
        ("Acute lumbar strain after lifting at work this morning.", "Y99.0"),
        ("Hurt his back at work lifting boxes; lumbar strain.", "Y99.0"),
        ("Laceration of the left hand, injured on the job.", "Y99.0"),
    ],
)
def test_status_activity_and_status_beside_an_injury(engine, text, code):
    cands = _candidates(engine, text)
    assert code in cands
    assert _affirmed(cands[code])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Plays basketball twice a week, feels well.", "Y93.67"),
        ("Back at work, walking daily, no complaints.", "Y99.0"),
        ("Hurt at work last year, now back to full duty, no complaints.", "Y99.0"),
    ],
)
def test_status_activity_and_status_need_an_injury(engine, text, code):
    assert code not in _candidates(engine, text)


def test_status_candidates_keep_what_a_trimmed_mentions_key_says_of_the_code():
    """A mention re-read (its cue trimmed, its past affirmed) keeps its key's facts with it:
    one record, never lists that fall out of step."""
    m = Mention(
        0, 6, "p CABG", "none", Assertion.HISTORICAL, ("Z95.1",), "contiguous", "synonym", 2
    )
    pool = {"Z95.1": Candidate("Z95.1", supported([m], "index", key_size=3), sources={"lexicon"})}
    StatusCandidates().add([m], pool)
    (record,) = pool["Z95.1"].support
    assert (record.mention.text, record.key_size, record.lexicon_source) == ("CABG", 3, "index")
