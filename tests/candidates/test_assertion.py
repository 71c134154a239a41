"""What a mention asserts of the code it supports (``candidates.assertion``): each reason a
code reads a mention otherwise than the note says, decided in one place and kept explicit."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from codesuggest.audit.findings import Context, note_findings
from codesuggest.audit.impact import ImpactTables
from codesuggest.candidates.assertion import CHRONIC, STATES_A_HISTORY, CodeAssertions
from codesuggest.candidates.base import Candidate, MentionSupport
from codesuggest.codesets.history import HistoryMap
from codesuggest.engine import Engine
from codesuggest.extract.current import RESOLVED
from codesuggest.types import Assertion, Mention, Note
from tests.utils.support import derived, supported


@pytest.fixture(scope="module")
def assertions() -> CodeAssertions:
    return CodeAssertions(HistoryMap.load())


def said(code: str, assertion: Assertion, section: str = "none", basis: str = "") -> Mention:
    return Mention(
        0, 4, "term", section, assertion, (code,), "contiguous", "synonym", 1, basis=basis
    )


def read(assertions: CodeAssertions, cand: Candidate) -> Candidate:
    pool = {cand.code: cand}
    assertions.read(pool)
    return pool[cand.code]


def test_a_chronic_condition_given_as_history_is_present(assertions: CodeAssertions) -> None:
    # "history of hypertension": still hypertensive (I10 has no personal-history code)
    c = read(assertions, Candidate("I10", supported([said("I10", Assertion.HISTORICAL)])))
    [m] = c.mentions
    assert (m.assertion, m.basis) == (Assertion.PRESENT, CHRONIC)
    assert [s.read_from for s in c.support] == [Assertion.HISTORICAL]  # what the note said
    assert assertions.of_condition("I10", said("I10", Assertion.HISTORICAL)) is Assertion.PRESENT


def test_a_resolved_chronic_condition_stays_in_the_past(assertions: CodeAssertions) -> None:
    gone = said("I10", Assertion.HISTORICAL, basis=RESOLVED)
    c = read(assertions, Candidate("I10", supported([gone])))
    assert [m.assertion for m in c.mentions] == [Assertion.HISTORICAL]
    assert [s.read_from for s in c.support] == [None]


def test_a_code_that_states_a_history_is_affirmed_in_that_sense(
    assertions: CodeAssertions,
) -> None:
    # "family history of breast cancer" names Z80.3; "history of MI" names I25.2
    z80 = read(assertions, Candidate("Z80.3", supported([said("Z80.3", Assertion.FAMILY)])))
    old_mi = read(assertions, Candidate("I25.2", supported([said("I25.2", Assertion.HISTORICAL)])))
    for c, note_said in ((z80, Assertion.FAMILY), (old_mi, Assertion.HISTORICAL)):
        [m] = c.mentions
        assert m.assertion is Assertion.PRESENT
        assert [s.read_from for s in c.support] == [note_said]
    assert z80.mentions[0].basis == STATES_A_HISTORY
    # a family-history code is not affirmed by the patient's own past, nor by a denial
    for other in (Assertion.HISTORICAL, Assertion.NEGATED):
        c = read(assertions, Candidate("Z80.3", supported([said("Z80.3", other)])))
        assert [m.assertion for m in c.mentions] == [other]


def test_a_status_of_the_past_holds_now(assertions: CodeAssertions) -> None:
    # "s/p CABG": the graft is there now (Z95.1); a denied one is not
    past = read(assertions, Candidate("Z95.1", supported([said("Z95.1", Assertion.HISTORICAL)])))
    assert [m.assertion for m in past.mentions] == [Assertion.PRESENT]
    assert [s.read_from for s in past.support] == [Assertion.HISTORICAL]
    denied = read(assertions, Candidate("Z95.1", supported([said("Z95.1", Assertion.NEGATED)])))
    assert [m.assertion for m in denied.mentions] == [Assertion.NEGATED]


def test_an_allergy_section_entry_is_an_allergy_now(assertions: CodeAssertions) -> None:
    entry = said("Z88.0", Assertion.HYPOTHETICAL, section="allergies")
    c = read(assertions, Candidate("Z88.0", supported([entry])))
    assert [m.assertion for m in c.mentions] == [Assertion.PRESENT]
    elsewhere = said("Z88.0", Assertion.HYPOTHETICAL, section="plan")
    c = read(assertions, Candidate("Z88.0", supported([elsewhere])))
    assert [m.assertion for m in c.mentions] == [Assertion.HYPOTHETICAL]


def test_a_status_reads_only_its_evidence(assertions: CodeAssertions) -> None:
    # a mention the status generator set aside (it does not state the status) is not evidence
    aside = MentionSupport(said("Z95.1", Assertion.HISTORICAL), 1, "synonym", False)
    c = read(assertions, Candidate("Z95.1", [aside]))
    assert c.mentions == ()
    assert c.support == [aside]


def test_a_derived_history_code_is_affirmed_by_the_mentions_it_stands_on() -> None:
    # "mother had breast cancer": the family-history code's evidence affirms it
    family = said("C50.919", Assertion.FAMILY)
    z80 = derived("Z80.3", "C50.919", "family_history", [family])
    [m] = z80.mentions
    assert m.assertion is Assertion.PRESENT
    assert [s.read_from for s in z80.support] == [Assertion.FAMILY]
    past = replace(said("I48.92", Assertion.HISTORICAL), basis=RESOLVED)
    z86 = derived("Z86.79", "I48.92", "personal_history", [past])
    assert [m.assertion for m in z86.mentions] == [Assertion.PRESENT]
    assert [s.read_from for s in z86.support] == [Assertion.HISTORICAL]


def test_other_codes_read_their_mentions_as_the_note_says(assertions: CodeAssertions) -> None:
    for assertion in Assertion:
        c = read(assertions, Candidate("R07.9", supported([said("R07.9", assertion)])))
        assert [m.assertion for m in c.mentions] == [assertion]
        assert [s.read_from for s in c.support] == [None]


def test_the_engine_shows_a_past_mention_as_affirming_its_personal_history_code(
    engine: Engine,
) -> None:
    text = "History of atrial flutter, resolved after ablation."
    by_code = {s.code: s for s in engine.suggest(Note(text)).suggestions}
    z86, flutter = by_code["Z86.79"], by_code["I48.92"]
    assert z86.recommended and {e.assertion for e in z86.evidence} == {"present"}
    # what the note said stays in the evidence: the review page colours the note by it
    assert {e.to_dict()["note_assertion"] for e in z86.evidence} == {"historical"}
    assert "personal-history-code" in z86.rules  # flagged with the condition it stands for
    assert z86.flags[0].startswith("historical history of I48.92")
    # the condition itself is in the past: not the patient's now
    assert {e.assertion for e in flutter.evidence} == {"historical"}
    assert not flutter.recommended


def test_an_audit_shows_a_billed_history_code_affirmed_by_its_evidence(engine: Engine) -> None:
    note = Note("History of atrial flutter, resolved after ablation.", "n")
    billed = [("ICD-10-CM", "Z86.79")]
    (assessment,) = engine.assess_many([(note, billed)])
    ctx = Context(engine.codeset, engine.rules, ImpactTables.load())
    [f] = [f for f in note_findings(note, assessment, billed, ctx) if f.code == "Z86.79"]
    assert f.finding == "supported"
    spans = json.loads(f.evidence)
    assert {(e["assertion"], e["note_assertion"]) for e in spans} == {("present", "historical")}


def test_every_mention_a_bmi_value_binds_reads_as_its_status(engine: Engine) -> None:
    # the value bound to Z68.43 from the second mention, as the first: a BMI holds now
    # (before, a mention bound to a code the status generator created after its pass stayed
    # historical beside the present one)
    text = "A 44-year-old woman with a history of hypertension, morbid obesity (BMI 59.19 kg/m2)."
    [cands] = list(engine.extraction.candidates([text]))
    [z68] = [c for c in cands if c.code == "Z68.43"]
    assert len(z68.mentions) == 2
    assert {m.assertion for m in z68.mentions} == {Assertion.PRESENT}
    assert Assertion.HISTORICAL in {s.read_from for s in z68.support}
