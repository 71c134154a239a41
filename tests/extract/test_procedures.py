"""Procedure mentions: operation, body part and approach words, evidence span and status."""

from __future__ import annotations

import random
import re

import pytest

from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.extract import procedures
from codesuggest.extract.procedures import (
    CANCELLED,
    HISTORICAL,
    PERFORMED,
    PLANNED,
    REFUSED,
    STATUSES,
    find_procedures,
)
from codesuggest.types import Assertion

NOTE = (
    "HOSPITAL COURSE: He underwent laparoscopic appendectomy without complication. "
    "CT of the abdomen and pelvis with contrast showed no abscess.\n"
    "PLAN: Will schedule colonoscopy as an outpatient."
)


def test_find_procedures_reads_operation_body_part_and_approach() -> None:
    found = find_procedures(NOTE)
    assert [p.text for p in found] == [
        "laparoscopic appendectomy",
        "CT of the abdomen and pelvis",
        "colonoscopy",
    ]
    appendectomy, ct, _ = found
    assert appendectomy.pcs == "0DTJ" and appendectomy.approach == "4"
    assert ct.pcs == "B_2" and {"abdomen", "pelvis"} <= set(ct.body)
    assert NOTE[ct.start : ct.end] == ct.text


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Underwent colonoscopy on 3/4.", PERFORMED),
        ("Will schedule colonoscopy next month.", PLANNED),
        ("Colonoscopy is scheduled for Friday.", PLANNED),
        ("Recommend upper endoscopy.", PLANNED),
        ("S/p appendectomy.", HISTORICAL),
        ("Status post cholecystectomy in 2015.", HISTORICAL),
        ("Appendectomy as a child.", HISTORICAL),
        ("Colonoscopy was cancelled because of a poor prep.", CANCELLED),
        ("MRI of the brain was canceled.", CANCELLED),
        ("Patient refused blood transfusion.", REFUSED),
        ("She declined the biopsy.", REFUSED),
        # a day of this stay: "s/p" is the operation of this admission, not a past one
        ("Cholelithiasis s/p lap cholecystectomy HD4.", PERFORMED),
        ("S/p appendectomy on hospital day 2.", PERFORMED),
        ("POD 2 s/p appendectomy, tolerating diet.", PERFORMED),
        ("Status post colectomy, POD#3.", PERFORMED),
        ("Plan for cholecystectomy HD3.", PLANNED),  # a plan stays a plan
        ("S/p appendectomy 2 years ago.", HISTORICAL),
    ],
)
def test_find_procedures_status(text: str, status: str) -> None:
    [found] = find_procedures(text)
    assert found.status == status


def test_procedure_status_reads_as_an_assertion() -> None:
    [planned] = find_procedures("Plan for colonoscopy.")
    [performed] = find_procedures("Colonoscopy performed today.")
    assert planned.assertion is Assertion.HYPOTHETICAL
    assert performed.assertion is Assertion.PRESENT


def test_find_procedures_keeps_cues_to_their_sentence() -> None:
    found = find_procedures("Will schedule MRI.\nUnderwent appendectomy.")
    assert [p.status for p in found] == [PLANNED, PERFORMED]


def test_procedure_data_names_valid_codes_and_values() -> None:
    pcs = shipped_pcs()
    for phrase, operation in procedures.operations().items():
        pattern = operation.pcs
        assert phrase == phrase.strip().lower()
        assert operation.approach in ("", *"034578FX"), phrase
        if "_" in pattern:
            assert len(pattern) == 3 and pattern[1] == "_", phrase
            assert any(c[0] == pattern[0] and c[2] == pattern[2] for c in pcs.codes()[::50])
        else:
            assert pattern in pcs or pcs.is_prefix(pattern), (phrase, pattern)
    approach_values = {c[4] for c in pcs.codes() if c[0] == "0"}
    assert set(procedures.approaches().values()) <= approach_values
    assert set(procedures.status_cues()) == {PLANNED, PERFORMED, HISTORICAL, CANCELLED, REFUSED}


@pytest.mark.parametrize(
    "text",
    [
        "Liver biopsy was performed; pathology pending.",
        "He will be seen in clinic two weeks after his appendectomy.",
    ],
)
def test_find_procedures_performed_despite_words_about_other_things(text: str) -> None:
    assert [p.status for p in find_procedures(text)] == [PERFORMED]


@pytest.mark.parametrize(
    ("sentence", "at", "word"),
    [
        ("laparoscopic appendectomy", 13, "laparoscopic"),
        ("a -abdominal\n ct", 14, "abdominal"),
        ("x2 ct", 3, None),
        ("ct", 0, None),
        ("left-sided  ct", 12, "left-sided"),
    ],
)
def test_word_before_an_operation(sentence: str, at: int, word: str | None) -> None:
    found = procedures._word_before(sentence, at)
    assert (None if found is None else sentence[found[0] : found[1]]) == word


def test_word_before_reads_as_the_pattern_it_replaces() -> None:
    before = re.compile(r"([a-z][a-z-]*)\s+$")
    rng = random.Random(3)
    for _ in range(20_000):
        sentence = "".join(rng.choice("ab-z \n\t1.\xa0A") for _ in range(rng.randint(0, 9)))
        at = rng.randint(0, len(sentence))
        m = before.search(sentence, 0, at)
        assert procedures._word_before(sentence, at) == (m.span(1) if m else None), sentence


def test_status_read_only_where_a_cue_is_gives_the_status_of_every_cue() -> None:
    """``_cued`` lets ``_status`` skip sentences with no cue: the statuses are those of reading
    every place's cues in every sentence."""

    def every_cue(sentence: str, start: int, end: int) -> str:
        number = procedures.NUMBER
        text = {
            "either": number.sub("#", sentence),
            "before": number.sub("#", sentence[:start]),
            "after": number.sub("#", sentence[end:]),
        }
        for status, place, pattern in procedures._status_patterns():
            if pattern.search(text[place]):
                return status
        return PERFORMED

    cues = [c for places in procedures.status_cues().values() for v in places.values() for c in v]
    pieces = [*(c.replace("#", "2") for c in cues), "ct", "12", " ", ".", "x", "s"]
    rng = random.Random(5)
    statuses: set[str] = set()
    for _ in range(3000):
        head = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        tail = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        sentence = f"{head} colonoscopy {tail}"
        start = len(head) + 1
        end = start + len("colonoscopy")
        got = procedures._status(sentence, start, end, procedures._cued(sentence))
        assert got == every_cue(sentence, start, end), sentence
        statuses.add(got)
    assert statuses == set(STATUSES)
