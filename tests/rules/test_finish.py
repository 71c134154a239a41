"""From scored candidates to a note's suggestions: what is returned, in which order, and with
which evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.learned import LearnedScore
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.finish import (
    INNER_ONLY,
    LOOSE_ONLY,
    NO_EVIDENCE,
    evidence,
    finish,
    secondary_prefixes,
)
from codesuggest.types import INNER, LOOSE, Assertion, Mention, Note, Suggestion
from tests.utils.support import supported

NOTE = "Denies chest pain. Essential hypertension. Knee swelling for two weeks."
# billable codes with no ancestor, Excludes1 or combination relation among them
CODES = ["I10", "R07.9", "M25.461", "J18.9", "N39.0", "K21.9", "E78.5", "F41.9", "G47.00"]
CODES += ["H10.9", "L30.9", "M54.50", "R51.9", "J45.909", "E03.9", "F32.A", "N18.9", "R11.0"]


@pytest.fixture(scope="module")
def codeset(cs: Icd10Cm) -> Icd10Cm:
    """The session's packaged code set (tests/conftest.py; read-only)."""
    return cs


def _mention(start: int, end: int, assertion: Assertion = Assertion.PRESENT) -> Mention:
    return Mention(start, end, NOTE[start:end], "none", assertion, ("X",), "contiguous", "x", 1)


def _cand(
    code: str, mentions: list[Mention] | None = None, sources: list[str] | None = None
) -> Candidate:
    mentions = [_mention(19, 41)] if mentions is None else mentions
    sources = sources or ["title"] * len(mentions)
    support = [s for m, src in zip(mentions, sources, strict=True) for s in supported([m], src)]
    return Candidate(code, support, title=code, billable=True)


def _learned(*terms: str) -> LearnedScore:
    return LearnedScore(0.5, 0.0, -1.0, 1, 0.0, terms=terms)


def _finish(
    cands: list[Candidate], scores: list[float], codeset: Icd10Cm, top: int, rules: RuleSet
) -> list[Suggestion]:
    return finish(
        Note(NOTE),
        cands,
        scores,
        threshold=0.5,
        thresholds={},
        rules=rules,
        codeset=codeset,
        top=top,
    )


def test_finish_returns_every_recommended_code_whatever_top(codeset: Icd10Cm) -> None:
    cands = [_cand(code) for code in CODES]
    # 12 recommended (0.9 .. 0.57), 6 not (0.3 .. 0.05)
    scores = [0.9 - 0.03 * i for i in range(12)] + [0.3 - 0.05 * i for i in range(6)]
    out = _finish(cands, scores, codeset, top=5, rules=RuleSet([]))
    assert [s.code for s in out] == CODES[:12]
    assert all(s.recommended for s in out)
    # top bounds the codes that are not recommended: they fill the result up to top
    out = _finish(cands, scores, codeset, top=15, rules=RuleSet([]))
    assert [s.code for s in out] == CODES[:15]
    assert [s.recommended for s in out] == [True] * 12 + [False] * 3


def test_finish_shows_a_recommended_code_ranked_beyond_three_times_top(
    codeset: Icd10Cm,
) -> None:
    # 16 codes the rules withdraw (negated) above the one recommended, with top = 5
    negated = [_mention(7, 17, Assertion.NEGATED)]
    cands = [_cand(code, negated) for code in CODES[:16]] + [_cand(CODES[16])]
    scores = [0.99 - 0.01 * i for i in range(16)] + [0.6]
    out = _finish(cands, scores, codeset, top=5, rules=RuleSet.from_json())
    assert out[0].code == CODES[16] and out[0].recommended
    assert len(out) == 5


def test_finish_ranks_codes_withdrawn_by_a_rule_after_every_code_no_rule_struck(
    codeset: Icd10Cm,
) -> None:
    denied = _cand("R07.9", [_mention(7, 17, Assertion.NEGATED)])
    cands = [denied, _cand("I10"), _cand("M25.461", [_mention(43, 56)])]
    out = _finish(cands, [0.95, 0.7, 0.2], codeset, top=15, rules=RuleSet.from_json())
    assert [(s.code, s.recommended) for s in out] == [
        ("I10", True),
        ("M25.461", False),  # below its threshold: the coder may still want it
        ("R07.9", False),  # withdrawn: keeps its confidence, not its place
    ]
    assert out[2].confidence == pytest.approx(0.95)
    assert "unaffirmed-evidence" in out[2].rules


def test_evidence_is_the_mentions_naming_the_code(codeset: Icd10Cm) -> None:
    # "Knee swelling" names M25.461; a phrase the site's coding pairs with it does not
    cand = _cand("M25.461", [_mention(19, 41), _mention(43, 56)], ["learned", "title"])
    assert [(e.text, e.kind) for e in evidence(cand)] == [("Knee swelling", "mention")]
    # with no naming mention, the learned phrases are shown, as learned evidence
    cand = _cand("I10", [_mention(43, 56)], ["learned"])
    assert [(e.text, e.kind) for e in evidence(cand)] == [("Knee swelling", "learned")]


def test_finish_learned_code_shows_the_words_that_drove_it(codeset: Icd10Cm) -> None:
    learned = _cand("I10", [])
    learned.learned = _learned("hypertension", "essential", "absent")
    # no mention names it: ranked with its words, not recommended (rule documented-in-note)
    [held] = _finish([learned], [0.8], codeset, top=15, rules=RuleSet.from_json())
    assert not held.recommended and held.rules == ["documented-in-note"]
    assert held.evidence and {e.kind for e in held.evidence} == {"learned"}
    [s] = _finish([learned], [0.8], codeset, top=15, rules=RuleSet([]))
    assert s.recommended
    assert [(e.start, e.end, e.text, e.kind, e.assertion) for e in s.evidence] == [
        (19, 28, "Essential", "learned", "present"),
        (29, 41, "hypertension", "learned", "present"),
    ]
    assert s.evidence[0].to_dict()["kind"] == "learned"


def test_finish_learned_words_take_the_assertion_of_a_mention_covering_them(
    codeset: Icd10Cm,
) -> None:
    denied = _cand("R07.9", [_mention(7, 17, Assertion.NEGATED)])
    learned = _cand("I20.9", [])
    learned.learned = _learned("chest", "pain")
    out = _finish([denied, learned], [0.3, 0.8], codeset, top=15, rules=RuleSet.from_json())
    [s] = [s for s in out if s.code == "I20.9"]
    assert {e.assertion for e in s.evidence} == {"negated"}
    assert not s.recommended  # only denied words behind it


def test_finish_code_without_evidence_is_not_recommended(codeset: Icd10Cm) -> None:
    bare = _cand("I10", [])  # neither mentions nor words of the note behind it
    bare.learned = _learned("enalapril")  # a word the note does not hold
    [s] = _finish([bare], [0.9], codeset, top=15, rules=RuleSet.from_json())
    assert not s.recommended and s.evidence == []
    assert NO_EVIDENCE in s.flags


def test_finish_lists_status_history_and_external_cause_codes_after_the_diagnoses(
    codeset: Icd10Cm,
) -> None:
    codes = ["Z79.82", "W19.XXXA", "I10", "Z95.1", "J18.9"]
    cands = [_cand(code) for code in codes]
    out = _finish(cands, [0.9, 0.85, 0.6, 0.95, 0.55], codeset, top=5, rules=RuleSet([]))
    assert [s.code for s in out] == ["I10", "J18.9", "Z95.1", "Z79.82", "W19.XXXA"]
    assert all(s.recommended for s in out)


def _pcs(code: str) -> Candidate:
    return replace(_cand(code), system="ICD-10-PCS")


def _only(*names: str) -> RuleSet:
    return RuleSet([r for r in RuleSet.from_json().rules if r.name in names])


def test_finish_ranks_a_pcs_table_row_among_the_recommended_codes_by_confidence(
    codeset: Icd10Cm,
) -> None:
    cands = [_cand("I10"), _pcs("BW20"), _pcs("BW20ZZZ"), _cand("J18.9")]
    out = _finish(cands, [0.9, 0.8, 0.7, 0.2], codeset, top=5, rules=_only("pcs-complete-code"))
    assert [(s.code, s.recommended) for s in out] == [
        ("I10", True),
        ("BW20", False),  # the coder completes it: not recommended, but not pushed down
        ("BW20ZZZ", True),
        ("J18.9", False),
    ]


def test_finish_ranks_a_pcs_table_row_below_threshold_or_withdrawn_after_the_recommended(
    codeset: Icd10Cm,
) -> None:
    rules = _only("pcs-complete-code", "procedure-not-performed")
    # below its threshold: it would not have been recommended complete either
    out = _finish([_pcs("BW20"), _cand("I10")], [0.3, 0.9], codeset, top=5, rules=rules)
    assert [s.code for s in out] == ["I10", "BW20"]
    # another rule withdrew it (a planned procedure): it ranks after the codes below threshold
    planned = replace(_mention(0, 6), basis="procedure:planned")
    row = replace(_pcs("BW20"), support=supported([planned], "title"))
    out = _finish([row, _cand("I10"), _cand("J18.9")], [0.9, 0.8, 0.2], codeset, 5, rules)
    assert [s.code for s in out] == ["I10", "J18.9", "BW20"]


def test_finish_lists_a_procedure_code_by_confidence_whatever_its_first_letter(
    codeset: Icd10Cm,
) -> None:
    # "X" starts ICD-10-CM external causes (never listed first) and ICD-10-PCS New Technology
    cands = [_cand("I10"), _pcs("XW033E5"), _cand("X58.XXXA")]
    out = _finish(cands, [0.6, 0.9, 0.95], codeset, top=5, rules=RuleSet([]))
    assert [s.code for s in out] == ["XW033E5", "I10", "X58.XXXA"]


def test_secondary_codes_table_names_whole_chapters_or_categories(codeset: Icd10Cm) -> None:
    found = secondary_prefixes()
    assert {"V", "W", "X", "Y", "Z79", "Z86"} <= set(found)
    for p in found:
        assert len(p) == 1 or p in codeset, p


def _inner(start: int, end: int, assertion: Assertion = Assertion.PRESENT) -> Mention:
    return replace(_mention(start, end, assertion), kind=INNER)


def test_finish_never_recommends_a_code_only_inner_mentions_support(codeset: Icd10Cm) -> None:
    # "hypertension" inside a longer term: the code ranks, with its evidence, for the coder
    inner = _cand("I10", [_inner(29, 41)], ["index"])
    denied = _cand("J18.9", [_mention(7, 17, Assertion.NEGATED)])
    cands = [inner, _cand("R07.9"), _cand("M25.461", [_mention(43, 56)]), denied]
    out = _finish(cands, [0.9, 0.7, 0.2, 0.95], codeset, top=15, rules=RuleSet.from_json())
    assert [(s.code, s.recommended) for s in out] == [
        ("R07.9", True),
        ("M25.461", False),
        ("J18.9", False),  # withdrawn by a rule
        ("I10", False),  # held back: last, whatever its confidence
    ]
    assert out[3].confidence == pytest.approx(0.9)
    assert INNER_ONLY in out[3].flags
    assert [e.text for e in out[3].evidence] == ["hypertension"]


def test_finish_never_recommends_a_code_only_loose_mentions_support(codeset: Icd10Cm) -> None:
    loose = _cand("R07.9", [replace(_mention(0, 40), kind=LOOSE)])
    both = _cand("M25.461", [replace(_mention(43, 56), kind=LOOSE), _mention(43, 56)])
    out = _finish([loose, both], [0.9, 0.8], codeset, top=15, rules=RuleSet([]))
    assert [(s.code, s.recommended, s.flags) for s in out] == [
        ("M25.461", True, []),  # a mention read as a finding too
        ("R07.9", False, [LOOSE_ONLY]),
    ]


def test_finish_ranks_codes_held_back_by_confidence_when_asked(codeset: Icd10Cm) -> None:
    # a model trained on coded notes learned how often such codes are coded
    inner = _cand("I10", [_inner(29, 41)], ["index"])
    cands = [inner, _cand("R07.9"), _cand("M25.461", [_mention(43, 56)])]
    out = finish(
        Note(NOTE),
        cands,
        [0.9, 0.7, 0.2],
        threshold=0.5,
        thresholds={},
        rules=RuleSet([]),
        codeset=codeset,
        top=15,
        held_last=False,
    )
    assert [(s.code, s.recommended) for s in out] == [
        ("R07.9", True),
        ("I10", False),  # still not recommended
        ("M25.461", False),
    ]


def test_finish_rules_do_not_recommend_a_code_only_inner_mentions_support(
    codeset: Icd10Cm,
) -> None:
    # a present mention stating I10's title word for word: the rules recommend it (OCG I.B.2)
    stated = _cand("I10", [_mention(19, 41)])
    [s] = _finish([stated], [0.4], codeset, top=15, rules=RuleSet.from_json())
    assert s.recommended and s.rules
    # the same words inside a longer term: the rules never see the code
    held = _cand("I10", [_inner(19, 41)], ["index"])
    [s] = _finish([held], [0.4], codeset, top=15, rules=RuleSet.from_json())
    assert not s.recommended and not s.rules


def test_finish_recommends_an_inner_only_code_the_model_proposed_itself(
    codeset: Icd10Cm,
) -> None:
    proposed = _cand("I10", [_inner(29, 41)], ["index"])
    proposed.sources.add("learned")  # collect.mark_proposed: among the model's own labels
    [s] = _finish([proposed], [0.9], codeset, top=15, rules=RuleSet.from_json())
    assert s.recommended and INNER_ONLY not in s.flags
