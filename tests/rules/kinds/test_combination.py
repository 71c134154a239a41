"""Combination codes (OCG I.A.15, I.B.9, I.B.11, I.C.4, I.C.9.a): one code for linked
conditions, superseded components and contradictions, "with"/"without" read in the note."""

from __future__ import annotations

from dataclasses import replace

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.rules.base import Scored
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.finish import INNER_ONLY
from codesuggest.types import Assertion, Mention, Note
from tests.utils.scored import apply, item, mentioned
from tests.utils.support import derived

# --- combination ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "target", "withdrawn"),
    [
        (("I10", "I50.9", "N18.32"), "I13.0", {"I10"}),
        (("I10", "I50.9", "N18.6"), "I13.2", {"I10"}),
        (("I11.0", "I12.9"), "I13.0", {"I11.0", "I12.9"}),
        (("I10", "N18.6"), "I12.0", {"I10"}),
        (("I10", "N18.30"), "I12.9", {"I10"}),
        (("I10", "I50.9"), "I11.0", {"I10"}),
        (("E11.9", "G62.9"), "E11.42", {"E11.9", "G62.9"}),
        (("E11.9", "N18.4"), "E11.22", {"E11.9"}),
        (("I25.10", "I20.89"), "I25.118", {"I25.10", "I20.89"}),
        (("I25.10", "I20.0"), "I25.110", {"I25.10", "I20.0"}),
        (("I12.9", "N18.6"), "I12.0", {"I12.9"}),
        (("J10.1", "J13"), "J10.08", {"J10.1"}),  # the pneumonia's organism code stays
        (("J11.1", "J18.9"), "J11.00", {"J11.1", "J18.9"}),
        (("Z86.73", "G81.94"), "I69.354", {"Z86.73", "G81.94"}),  # a residual deficit
        (("Z86.73", "R47.01"), "I69.320", {"Z86.73", "R47.01"}),
        (("M54.50", "M54.32"), "M54.42", {"M54.50", "M54.32"}),
        (("K50.011", "K50.111"), "K50.811", {"K50.011", "K50.111"}),  # both intestines
        (("I11.9", "I50.23"), "I11.0", {"I11.9"}),
        (("J44.9", "J18.9"), "J44.0", {"J44.9"}),  # the pneumonia is coded beside it
        (("I11.0", "N18.6"), "I13.2", {"I11.0"}),
    ],
)
def test_combination_reports_linked_conditions_with_one_code(
    packaged: RuleSet, cs: Icd10Cm, codes: tuple[str, ...], target: str, withdrawn: set[str]
) -> None:
    out = apply(packaged, "combination-codes", [item(c, cs) for c in codes], cs)
    assert out[target].recommended
    assert out[target].rules == ["combination-codes"]
    assert {c for c in codes if not out[c].recommended} == withdrawn
    for c in withdrawn:
        assert out[c].flags == [f"reported in combination code {target}"]


# --- supersedes -------------------------------------------------------------------------------

SUPERSEDES = "combination-supersedes-components"


@pytest.mark.parametrize(
    ("codes", "target"),
    [
        (("A41.9", "B96.20"), "A41.51"),
        (("J18.9", "B95.62"), "J15.212"),
        (("J18.9", "B95.3"), "J13"),
    ],
)
def test_combination_sepsis_and_pneumonia_take_their_organism(
    packaged: RuleSet, cs: Icd10Cm, codes: tuple[str, ...], target: str
) -> None:
    out = apply(packaged, "combination-codes", [item(c, cs) for c in codes], cs)
    assert out[target].recommended
    assert not out[codes[0]].recommended
    assert out[codes[1]].recommended  # the organism code is left for another infection


def test_combination_recommends_a_suggested_combination_code(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [item("A41.9", cs), item("B96.20", cs), item("A41.51", cs, 0.4, recommended=False)]
    out = apply(packaged, "combination-codes", items, cs)
    assert out["A41.51"].recommended
    assert out["A41.51"].rules == ["combination-codes"]
    assert out["A41.51"].confidence == 0.9  # it takes its components' place
    assert not out["A41.9"].recommended
    marked = [item("A41.9", cs), item("B96.20", cs), item("A41.51", cs, 0.4, recommended=False)]
    marked[2].suggestion.rules.append("unaffirmed-evidence")
    assert not apply(packaged, "combination-codes", marked, cs)["A41.51"].recommended


def _supported(code: str, cs: Icd10Cm, confidence: float, source: str = "specific") -> Scored:
    """A candidate ``code`` below threshold that the note's words support (source "specific")
    in a present mention."""
    s = mentioned(code, cs, "residual right hemiparesis", 0, confidence, recommended=False)
    s.candidate.sources.add(source)
    return s


def test_combination_code_takes_the_detail_the_note_supports(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # history of stroke + hemiparesis of no stated side is I69.359 "... unspecified side", but
    # the note's "residual right hemiparesis" supports I69.351 (right: dominant, OCG I.C.6.a)
    items = [item("Z86.73", cs), item("G81.90", cs), _supported("I69.351", cs, 0.3)]
    items.append(_supported("I69.359", cs, 0.4))
    out = apply(packaged, "combination-codes", items, cs)
    assert out["I69.351"].recommended and out["I69.351"].rules == ["combination-codes"]
    assert not out["I69.359"].recommended
    assert out["G81.90"].flags == ["reported in combination code I69.351"]


@pytest.mark.parametrize("mark", ["source", "rule", "assertion"])
def test_combination_code_stays_unspecified_without_support(
    packaged: RuleSet, cs: Icd10Cm, mark: str
) -> None:
    sibling = _supported("I69.351", cs, 0.3, "lexicon" if mark == "source" else "specific")
    if mark == "rule":
        sibling.suggestion.rules.append("unaffirmed-evidence")
    if mark == "assertion":
        first, *rest = sibling.candidate.support
        sibling.candidate.support = [
            first.with_mention(replace(first.mention, assertion=Assertion.HISTORICAL)),
            *rest,
        ]
    items = [item("Z86.73", cs), item("G81.90", cs), sibling]
    out = apply(packaged, "combination-codes", items, cs)
    assert out["I69.359"].recommended
    assert not out["I69.351"].recommended


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        ("A41.51", "A41.9"),  # sepsis due to E. coli: not also of unspecified organism
        ("J13", "J18.9"),  # pneumococcal pneumonia: not also of unspecified organism
        ("F10.21", "F10.20"),  # in remission: not also active dependence
        ("F11.11", "F11.10"),
        ("M54.42", "M54.50"),  # lumbago with sciatica includes the low back pain
        ("J10.1", "J11.1"),  # an identified influenza virus: not also an unidentified one
        ("S93.402A", "S99.912A"),  # an ankle sprain: not also an unspecified ankle injury
        ("S02.0XXA", "S09.90XA"),
        ("K50.811", "K62.5"),  # Crohn's with rectal bleeding includes the bleeding
        ("M05.79", "M06.9"),  # seropositive RA: not also unspecified or other RA
        ("M05.79", "M06.89"),
        ("N18.4", "N28.9"),  # a documented kidney disease: not also an unspecified disorder
        ("A08.11", "A08.4"),  # norovirus: not also an unspecified viral infection
        ("E86.0", "E86.9"),
        ("E11.42", "G62.9"),  # diabetic polyneuropathy: not also polyneuropathy, unspecified
        ("E10.40", "G63"),
        ("N10", "N12"),  # acute pyelonephritis: not also "not specified as acute or chronic"
        ("Z87.310", "Z87.81"),  # a healed osteoporotic fracture is not also traumatic
    ],
)
def test_supersedes_the_named_or_remitted_form(
    packaged: RuleSet, cs: Icd10Cm, winner: str, loser: str
) -> None:
    out = apply(packaged, SUPERSEDES, [item(winner, cs, 0.5), item(loser, cs, 0.9)], cs)
    assert out[winner].recommended
    assert not out[loser].recommended


def test_supersedes_promotes_a_winner_documented_for_the_same_condition(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "Community-acquired pneumonia, probably pneumococcal"
    items = [
        mentioned("J18.9", cs, "Community-acquired pneumonia", 0, 0.55, True),
        mentioned("J13", cs, "pneumonia, probably pneumococcal", 20, 0.45, False),
    ]
    out = apply(packaged, SUPERSEDES, items, cs)
    assert out["J13"].recommended
    assert out["J13"].confidence == 0.55  # it takes J18.9's place
    assert out["J13"].flags[0] == "documented beside J18.9, which it supersedes"
    assert not out["J18.9"].recommended


def test_supersedes_promotes_a_winner_saying_all_the_loser_says_and_more(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # the history's "Alcohol use disorder (moderate" and the assessment's fuller statement
    items = [
        mentioned("F10.20", cs, "Alcohol use disorder (moderate", 10, 0.55, True),
        mentioned(
            "F10.21", cs, "Alcohol use disorder, moderate, in sustained remission", 90, 0.49, False
        ),
    ]
    out = apply(packaged, SUPERSEDES, items, cs)
    assert out["F10.21"].recommended
    assert not out["F10.20"].recommended


@pytest.mark.parametrize(
    ("text", "start", "confidence"),
    [
        ("pneumococcal vaccine", 60, 0.45),  # elsewhere in the note: another matter
        ("Community-acquired pneumonia", 0, 0.45),  # the same words: says nothing more
        ("pneumonia, probably pneumococcal", 20, 0.2),  # below promote_min_confidence
    ],
)
def test_supersedes_promotes_only_a_winner_that_says_more_of_the_same_condition(
    packaged: RuleSet, cs: Icd10Cm, text: str, start: int, confidence: float
) -> None:
    items = [
        mentioned("J18.9", cs, "Community-acquired pneumonia", 0, 0.55, True),
        mentioned("J13", cs, text, start, confidence, False),
    ]
    out = apply(packaged, SUPERSEDES, items, cs)
    assert not out["J13"].recommended
    assert out["J18.9"].recommended


def test_supersedes_i13_withdraws_i10_i11_i12(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item(c, cs) for c in ("I13.0", "I11.0", "I12.9", "I10", "I50.9", "N18.32")]
    out = apply(packaged, SUPERSEDES, items, cs)
    assert {c for c, s in out.items() if s.recommended} == {"I13.0", "I50.9", "N18.32"}
    assert out["I11.0"].rules == [SUPERSEDES]
    assert out["I11.0"].flags[0].startswith("superseded by I13.0 (Hypertensive heart and chronic")
    assert out["I11.0"].flags[0].endswith("- OCG I.C.9.a.3")


def test_supersedes_diabetes_without_complications_beside_a_complication(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    out = apply(packaged, SUPERSEDES, [item(c, cs) for c in ("E11.9", "E11.22", "E11.40")], cs)
    assert not out["E11.9"].recommended
    assert out["E11.9"].flags[0].endswith("OCG I.C.4.a")
    assert out["E11.22"].recommended and out["E11.40"].recommended
    out = apply(packaged, SUPERSEDES, [item("E11.9", cs), item("E10.22", cs)], cs)
    assert out["E11.9"].recommended  # E10 does not supersede E11.9: Excludes1 decides


def test_supersedes_needs_a_recommended_affirmed_winner(packaged: RuleSet, cs: Icd10Cm) -> None:
    for winner in (item("N18.32", cs, recommended=False), item("N18.32", cs, assertion="negated")):
        out = apply(packaged, SUPERSEDES, [item("N18.9", cs), winner], cs)
        assert out["N18.9"].recommended
    out = apply(packaged, SUPERSEDES, [item("N18.9", cs), item("N18.32", cs)], cs)
    assert not out["N18.9"].recommended


# --- with / without ---------------------------------------------------------------------------

WITH = "with-without-in-note"
I13_NOTE = "Hypertensive heart and chronic kidney disease with heart failure, CKD stage 3b."


def test_with_without_note_says_with_withdraws_the_without_title(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    out = apply(packaged, WITH, [item("I13.10", cs, span=(0, 45))], cs, Note(I13_NOTE))
    assert not out["I13.10"].recommended
    assert out["I13.10"].rules == [WITH]
    assert out["I13.10"].flags == [
        f"note says with heart failure: consider I13.0 ({cs.title('I13.0')}) - OCG I.A.15"
    ]


def test_with_without_names_the_sibling_already_suggested(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("I13.10", cs, span=(0, 45)), item("I13.0", cs, span=(0, 45))]
    out = apply(packaged, WITH, items, cs, Note(I13_NOTE))
    assert out["I13.10"].flags == ["note says with heart failure: reported with I13.0 - OCG I.A.15"]
    assert out["I13.0"].recommended


def test_with_without_note_says_no_withdraws_the_with_title(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("Hypertensive heart and chronic kidney disease, no heart failure.")
    out = apply(packaged, WITH, [item("I13.0", cs, span=(0, 45))], cs, note)
    assert not out["I13.0"].recommended
    assert out["I13.0"].flags[0].startswith("note says without heart failure: consider I13.10")


def test_with_without_bleeding_in_diverticulitis(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("Diverticulitis of the colon with bleeding.")
    out = apply(packaged, WITH, [item("K57.32", cs, span=(0, 14))], cs, note)
    assert not out["K57.32"].recommended
    assert "consider K57.33" in out["K57.32"].flags[0]


def test_with_without_keeps_titles_the_sentence_agrees_with(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note(
        "Hypertensive heart and chronic kidney disease. Doing well with heart failure clinic."
    )
    # "with heart failure" is in another sentence than the mention
    out = apply(packaged, WITH, [item("I13.10", cs, span=(0, 45))], cs, note)
    assert out["I13.10"].recommended
    out = apply(packaged, WITH, [item("I13.0", cs, span=(0, 45))], cs, Note(I13_NOTE))
    assert out["I13.0"].recommended
    assert out["I13.0"].rules == []


def test_with_without_a_lead_ends_the_phrase_before_it(packaged: RuleSet, cs: Icd10Cm) -> None:
    # "with hypoglycemia without coma": the note does not say "with coma"
    note = Note("Type 2 diabetes with hypoglycemia without coma, due to glipizide.")
    out = apply(packaged, WITH, [item("E11.649", cs, span=(0, 33))], cs, note)
    assert out["E11.649"].recommended
    assert out["E11.649"].rules == []
    out = apply(packaged, WITH, [item("E11.641", cs, span=(0, 33))], cs, note)
    assert not out["E11.641"].recommended


def test_with_without_ignores_mentions_not_present(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("I13.10", cs, span=(0, 45), assertion="historical")]
    out = apply(packaged, WITH, items, cs, Note(I13_NOTE))
    assert out["I13.10"].recommended


# --- end to end -------------------------------------------------------------------------------


def test_engine_hypertensive_heart_and_ckd_with_heart_failure(engine: Engine) -> None:
    text = I13_NOTE + " Symptoms for 5 days."
    out = engine.suggest(Note(text, age=60, sex="F"), top=15).suggestions
    recommended = {s.code for s in out if s.recommended}
    assert not recommended & {"I13.10", "I13.11", "I13.2", "I12.0", "N18.5", "N18.6"}
    assert not ({"I11.0", "I12.9", "I10"} & recommended and recommended & {"I13.0"})
    for s in out:
        if s.code == "I13.10":
            # withdrawn by the rule, or held back unseen by the rules: its only mention is
            # the index entry "Hypertension > heart > with > kidney disease" inside the term
            assert "with-without-in-note" in s.rules or INNER_ONLY in s.flags
            assert not s.recommended


# --- without, affirmed by the note ------------------------------------------------------------

WITHOUT = "without-contradicted-by-note"


def test_without_affirmed_by_another_present_mention(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("Gallstones. Acute calculous cholecystitis on ultrasound.")
    items = [
        item("K80.20", cs, span=(0, 10)),
        item("K80.00", cs, span=(12, 44), recommended=False),
    ]
    out = apply(packaged, WITHOUT, items, cs, note)
    assert not out["K80.20"].recommended
    flag = "note affirms cholecystitis: the title says without - OCG I.A.15"
    assert out["K80.20"].flags == [flag]


def test_without_affirmed_by_a_table_term_in_the_sentence(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("BPH with nocturia x3, on tamsulosin.")
    out = apply(packaged, WITHOUT, [item("N40.0", cs, span=(0, 3))], cs, note)
    assert not out["N40.0"].recommended
    assert out["N40.0"].rules == [WITHOUT]


def test_without_affirmed_reads_complications_through_the_table(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    note = Note("Type 1 DM, known diabetic gastroparesis.")
    out = apply(packaged, WITHOUT, [item("E10.9", cs, span=(0, 9))], cs, note)
    assert not out["E10.9"].recommended
    note = Note("Type 1 DM, at risk of complications.")
    out = apply(packaged, WITHOUT, [item("E10.9", cs, span=(0, 9))], cs, note)
    assert out["E10.9"].recommended


def test_without_affirmed_not_specified_as_recurrent(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("Recurrent C. difficile colitis.")
    out = apply(packaged, WITHOUT, [item("A04.72", cs, span=(10, 30))], cs, note)
    assert not out["A04.72"].recommended


def test_without_affirmed_keeps_negated_and_other_sentences(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("GERD without esophagitis. Esophagitis was ruled out last year.")
    items = [
        item("K21.9", cs, span=(0, 4)),
        item("K20.90", cs, span=(26, 37), assertion="negated", recommended=False),
    ]
    out = apply(packaged, WITHOUT, items, cs, note)
    assert out["K21.9"].recommended
    assert out["K21.9"].rules == []


@pytest.mark.parametrize(
    ("specific", "vague"),
    [
        ("I50.22", "I50.9"),
        ("N17.0", "N17.9"),
        ("Z99.2", "N18.9"),
        ("Z99.2", "I12.9"),
        ("I50.33", "I50.30"),
        ("G43.009", "G43.909"),
        ("W01.0XXA", "W19.XXXA"),
        ("W00.0XXA", "W19.XXXA"),
        ("S82.851A", "S82.61XA"),  # trimalleolar: not also its lateral malleolus
        ("S82.851A", "S82.51XA"),
        ("S82.851A", "S82.841A"),
        ("S82.841A", "S82.64XA"),
        ("K50.811", "K50.011"),  # Crohn's of small and large intestine: one code
        ("K50.811", "K50.111"),
        ("K51.011", "K51.90"),
        ("K80.12", "K81.0"),  # calculus with acute cholecystitis: one code
        ("K80.12", "K81.2"),
        ("K80.12", "K80.10"),  # acute and chronic: not also chronic only
        ("K80.12", "K80.00"),
        ("K81.2", "K81.1"),
        ("J69.0", "J18.9"),  # aspiration pneumonia has its cause
        ("F17.210", "F17.200"),  # the product is documented
        ("I63.412", "I63.512"),  # the mechanism is documented
    ],
)
def test_supersedes_the_unspecified_code_beside_a_documented_one(
    packaged: RuleSet, cs: Icd10Cm, specific: str, vague: str
) -> None:
    out = apply(packaged, SUPERSEDES, [item(specific, cs), item(vague, cs)], cs)
    assert out[specific].recommended
    assert not out[vague].recommended
    assert out[vague].flags[0].startswith(f"superseded by {specific} ")


def test_without_affirmed_ignores_mentions_of_unrelated_codes(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    note = Note("Sigmoid diverticulosis. Internal hemorrhoids with recent bleeding.")
    items = [item("K57.30", cs, span=(0, 22)), item("K64.8", cs, span=(24, 65))]
    out = apply(packaged, WITHOUT, items, cs, note)
    assert out["K57.30"].recommended


def test_supersedes_a_history_code_stands_on_its_past_mentions(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # Z87.310 from "Personal hx of healed osteoporotic fracture": its mention is historical,
    # which is what a history code reports (OCG I.C.13.d.1, I.C.21.c.4)
    said = Mention(0, 4, "term", "none", Assertion.HISTORICAL, ("M80.00XA",), "c", "s", 2)
    history = derived("Z87.310", "M80.00XA", "personal_history", [said])
    winner = item("Z87.310", cs, 0.6, assertion=history.mentions[0].assertion.value)
    winner = replace(winner, candidate=history)
    out = apply(packaged, SUPERSEDES, [winner, item("Z87.81", cs, 0.5)], cs)
    assert out["Z87.310"].recommended
    assert not out["Z87.81"].recommended


def test_without_affirmed_recommends_the_documented_with_code(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    text = "Tripped over a rug and struck his head on the coffee table."
    items = [
        mentioned("W01.0XXA", cs, "Tripped over", 0, 0.56),
        mentioned("W01.190A", cs, text[:-1], 0, 0.5, recommended=False),
    ]
    out = apply(packaged, WITHOUT, items, cs, Note(text))
    assert not out["W01.0XXA"].recommended
    assert out["W01.190A"].recommended
    assert out["W01.190A"].confidence == 0.56  # it takes the withdrawn code's place
    assert out["W01.190A"].flags == ["documented in place of W01.0XXA - OCG I.A.15"]


def test_without_affirmed_leaves_a_with_code_the_note_does_not_document(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    text = "Tripped over a rug and struck his head on the coffee table."
    items = [
        mentioned("W01.0XXA", cs, "Tripped over", 0, 0.56),
        mentioned("W01.190A", cs, "rug", 15, 0.5, False, assertion=Assertion.NEGATED),
    ]
    out = apply(packaged, WITHOUT, items, cs, Note(text))
    assert not out["W01.0XXA"].recommended
    assert not out["W01.190A"].recommended


def test_without_affirmed_a_sensation_of_x_is_no_x(packaged: RuleSet, cs: Icd10Cm) -> None:
    note = Note("Foreign body sensation. Corneal abrasion, right eye, without foreign body.")
    items = [item("R09.A9", cs, span=(0, 22)), item("S05.01XA", cs, span=(24, 74))]
    out = apply(packaged, WITHOUT, items, cs, note)
    assert out["S05.01XA"].recommended


def test_combination_reads_a_documented_component_beside_a_recommended_one(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "hypertensive heart & CKD w/ chronic systolic HF" read as I13.0 below its threshold,
    # beside a recommended ESRD: the note documents I13.2 (OCG I.C.9.a.3)
    i13 = mentioned("I13.0", cs, "hypertensive heart & CKD w/ HF", 0, 0.45, recommended=False)
    out = apply(packaged, "combination-codes", [i13, item("N18.6", cs, 0.6)], cs)
    assert out["I13.2"].recommended and out["I13.2"].rules == ["combination-codes"]
    assert out["I13.2"].confidence == 0.6  # the recommended component's
    assert out["I13.0"].flags == ["reported in combination code I13.2"]
    assert out["N18.6"].recommended  # the stage is coded beside it


@pytest.mark.parametrize("why", ["unconfident", "not present", "nothing recommended"])
def test_combination_needs_a_recommended_component_and_a_documented_one(
    packaged: RuleSet, cs: Icd10Cm, why: str
) -> None:
    confidence = 0.2 if why == "unconfident" else 0.45
    assertion = Assertion.FAMILY if why == "not present" else Assertion.PRESENT
    i13 = mentioned(
        "I13.0", cs, "hypertensive heart & CKD w/ HF", 0, confidence, False, assertion=assertion
    )
    n18 = item("N18.6", cs, 0.6, recommended=why != "nothing recommended")
    if why == "nothing recommended":
        n18 = mentioned("N18.6", cs, "ESRD", 40, 0.45, recommended=False)
    out = apply(packaged, "combination-codes", [i13, n18], cs)
    assert "I13.2" not in out
    assert not out["I13.0"].recommended and not out["I13.0"].flags


NEOPLASM_SITE = "neoplasm-site-supersedes-unspecified"


@pytest.mark.parametrize(
    ("site", "unspecified", "withdrawn"),
    [
        ("C32.9", "C80.1", True),  # a primary site: the primary is known (OCG I.C.2.k)
        ("C91.10", "C80.1", True),  # a leukemia has no other primary site
        ("C78.7", "C80.1", False),  # liver metastases of an unknown primary: C80.1 stays
        ("C79.51", "C80.0", True),  # a secondary site is known: not "disseminated" (I.C.2.j)
        ("C50.911", "C80.0", True),
        ("D05.11", "C80.1", False),  # an in situ neoplasm is not a malignant primary site
    ],
)
def test_a_documented_malignant_site_withdraws_the_undetermined_site_codes(
    packaged: RuleSet, cs: Icd10Cm, site: str, unspecified: str, withdrawn: bool
) -> None:
    out = apply(packaged, NEOPLASM_SITE, [item(site, cs, 0.5), item(unspecified, cs, 0.6)], cs)
    assert out[site].recommended
    assert out[unspecified].recommended is not withdrawn
    if withdrawn:
        cite = "OCG I.C.2.k" if unspecified == "C80.1" else "OCG I.C.2.j"
        assert cite in out[unspecified].flags[0]


def test_an_undetermined_site_stays_beside_a_site_not_recommended(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "Metastatic carcinoma of unknown primary, with liver metastases": the liver is not the
    # primary, and no site candidate is promoted in C80.1's place
    items = [
        mentioned("C80.1", cs, "Metastatic carcinoma", 0, 0.53, True),
        mentioned("C22.8", cs, "carcinoma of unknown primary, with liver", 11, 0.43, False),
    ]
    out = apply(packaged, NEOPLASM_SITE, items, cs)
    assert out["C80.1"].recommended
    assert not out["C22.8"].recommended and not out["C22.8"].rules
