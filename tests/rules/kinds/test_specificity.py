"""The most specific code wins over its unspecified siblings (OCG I.B.2, I.B.18)."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.rules.engine import RuleSet, Scored
from codesuggest.rules.kinds.specificity import states_title
from codesuggest.types import Assertion, Mention, Note
from tests.utils.scored import apply, item

RULE = "unspecified-beside-specific"


@pytest.mark.parametrize(
    ("vague", "specific"),
    [
        ("J45.909", "J45.40"),
        ("F32.A", "F32.4"),
        ("S52.539A", "S52.531A"),
        ("I50.9", "I50.23"),
        ("R10.9", "R10.11"),
        ("E11.40", "E11.42"),
    ],
)
def test_unspecified_sibling_withdrawn_beside_specific(
    packaged: RuleSet, cs: Icd10Cm, vague: str, specific: str
) -> None:
    out = apply(packaged, RULE, [item(vague, cs, 0.95), item(specific, cs, 0.5)], cs)
    assert not out[vague].recommended
    assert out[vague].rules == [RULE]
    assert out[vague].flags == [
        f"unspecified beside {specific} ({cs.title(specific)}) - OCG I.B.18"
    ]
    assert out[specific].recommended
    assert out[specific].rules == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("E11.40", "E11.22"),  # two complications of diabetes, both reported
        ("R19.7", "R19.4"),  # diarrhea and a change in bowel habit: one category, two findings
        ("R11.10", "R11.0"),  # vomiting and nausea (together R11.2, not one unspecified)
        ("S52.501A", "S52.532A"),  # right and left radius: two fractures
        ("J45.909", "J18.9"),  # other categories
    ],
)
def test_unspecified_sibling_keeps_codes_for_different_conditions(
    packaged: RuleSet, cs: Icd10Cm, a: str, b: str
) -> None:
    out = apply(packaged, RULE, [item(a, cs), item(b, cs)], cs)
    assert out[a].recommended
    assert out[b].recommended


@pytest.mark.parametrize(
    ("less", "more"),
    [
        ("J01.90", "J01.00"),  # acute sinusitis beside acute maxillary sinusitis
        ("I85.01", "I85.11"),  # esophageal varices with bleeding beside secondary ones
        ("I25.10", "I25.110"),
    ],
)
def test_a_code_saying_less_is_withdrawn_beside_one_saying_more(
    packaged: RuleSet, cs: Icd10Cm, less: str, more: str
) -> None:
    out = apply(packaged, RULE, [item(less, cs, 0.9), item(more, cs, 0.5)], cs)
    assert not out[less].recommended
    assert out[less].flags == [f"says less than {more} ({cs.title(more)}) - OCG I.B.18"]
    assert out[more].recommended


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Z79.4", "Z79.85"),  # insulin beside injectable non-insulin drugs: two drugs
        ("M25.561", "M25.562"),  # right and left knee pain
    ],
)
def test_a_code_saying_less_keeps_negated_or_other_side_supersets(
    packaged: RuleSet, cs: Icd10Cm, a: str, b: str
) -> None:
    out = apply(packaged, RULE, [item(a, cs), item(b, cs)], cs)
    assert out[a].recommended and out[b].recommended


def test_a_vaguer_code_resting_on_a_siblings_evidence_is_withdrawn(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "Type 2 DM with foot ulcer": both E11.621 and E11.622 ("other skin ulcer") rest on it
    said = "Type 2 DM with foot ulcer"
    items = [
        _named("E11.622", cs, 0.61, words=5, recommended=True, text=said),
        _named("E11.621", cs, 0.61, words=5, recommended=True, text=said),
    ]
    out = apply(packaged, RULE, items, cs)
    assert not out["E11.622"].recommended
    assert out["E11.622"].flags == [
        f"its evidence names E11.621 ({cs.title('E11.621')}) - OCG I.B.18"
    ]
    assert out["E11.621"].recommended
    # with a mention of its own it stays
    own = _named("E11.622", cs, 0.61, words=5, recommended=True, text=said)
    own.candidate.add_support(
        Mention(
            40, 60, "shin ulcer", "none", Assertion.PRESENT, ("E11.622",), "contiguous", "x", 2
        ),
        1,
        "x",
    )
    items = [own, _named("E11.621", cs, 0.61, words=5, recommended=True, text=said)]
    assert apply(packaged, RULE, items, cs)["E11.622"].recommended


def test_unspecified_sibling_ignores_unrecommended_specific(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = apply(packaged, RULE, [item("I50.9", cs), item("I50.23", cs, recommended=False)], cs)
    assert out["I50.9"].recommended


def test_engine_unspecified_asthma_not_recommended_beside_moderate(engine: Engine) -> None:
    text = "Moderate persistent asthma, uncomplicated. Asthma."
    out = {s.code: s for s in engine.suggest(Note(text), top=15).suggestions}
    assert out["J45.40"].recommended
    assert not any(s.recommended for c, s in out.items() if c.startswith("J45.90"))


# --- a documented specific code promoted over its unspecified sibling ---------------------------

PROMOTE = "specific-documented-over-unspecified"


def _named(
    code: str,
    cs: Icd10Cm,
    confidence: float,
    *,
    words: int,
    recommended: bool,
    kind: str = "contiguous",
    assertion: Assertion = Assertion.PRESENT,
    text: str = "term",
    source: str = "title",
) -> Scored:
    """A suggestion whose candidate has one mention of ``words`` matched words (its key
    naming the code as ``source``)."""
    s = item(code, cs, confidence, recommended=recommended, assertion=assertion.value)
    s.candidate.add_support(
        Mention(0, len(text), text, "none", assertion, (code,), kind, "title", words), 1, source
    )
    return s


def test_promote_specific_recommends_the_code_documented_in_more_words(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "acute on chronic systolic HF ... HF clinic": I50.23 in 5 words, I50.9 in one
    items = [
        _named("I50.9", cs, 0.6, words=1, recommended=True),
        _named("I50.23", cs, 0.45, words=5, recommended=False),
    ]
    out = apply(packaged, PROMOTE, items, cs)
    assert out["I50.23"].recommended
    assert out["I50.23"].rules == [PROMOTE]
    assert out["I50.9"].recommended  # the unspecified-sibling rule withdraws it next
    both = [_named("I50.9", cs, 0.6, words=1, recommended=True), items[1]]
    after = apply(packaged, "unspecified-beside-specific", both, cs)
    assert not after["I50.9"].recommended


_SPREAD = "acute pain and chronic cough, a systolic murmur, no heart disease, failure to thrive"


@pytest.mark.parametrize(
    ("words", "kind", "confidence", "assertion"),
    [
        (1, "contiguous", 0.45, Assertion.PRESENT),  # no more words than the unspecified code
        (5, "scattered", 0.45, Assertion.PRESENT),  # words spread over the sentence (below)
        (5, "contiguous", 0.1, Assertion.PRESENT),  # below min_confidence
        (5, "contiguous", 0.45, Assertion.NEGATED),  # not affirmed
    ],
)
def test_promote_specific_needs_a_present_fuller_mention(
    packaged: RuleSet, cs: Icd10Cm, words: int, kind: str, confidence: float, assertion: Assertion
) -> None:
    items = [
        _named("I50.9", cs, 0.6, words=1, recommended=True),
        _named(
            "I50.23",
            cs,
            confidence,
            words=words,
            recommended=False,
            kind=kind,
            assertion=assertion,
            text=_SPREAD if kind == "scattered" else "term",
        ),
    ]
    out = apply(packaged, PROMOTE, items, cs)
    assert not out["I50.23"].recommended


@pytest.mark.parametrize(("source", "promoted"), [("synonym", True), ("title", False)])
def test_promote_specific_accepts_a_synonym_as_full_as_the_unspecified_mention(
    packaged: RuleSet, cs: Icd10Cm, source: str, promoted: bool
) -> None:
    # "nicotine dependence ... Smokes 1 ppd": our synonym table names F17.210 in as many words
    # as F17.200 is named; a phrase of equal words from elsewhere does not say more
    specific = _named(
        "F17.210", cs, 0.42, words=2, recommended=False, text="Smokes 1 ppd", source=source
    )
    items = [_named("F17.200", cs, 0.5, words=2, recommended=True), specific]
    assert apply(packaged, PROMOTE, items, cs)["F17.210"].recommended is promoted


def test_promote_specific_accepts_a_nearly_contiguous_mention(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # the Index's "Gout, idiopathic, ankle" words, two words of the note between them
    items = [
        _named("M10.9", cs, 0.55, words=2, recommended=True),
        _named(
            "M10.072",
            cs,
            0.42,
            words=3,
            recommended=False,
            kind="scattered",
            text="idiopathic gout flare, left ankle",
        ),
    ]
    assert apply(packaged, PROMOTE, items, cs)["M10.072"].recommended
    spread = "idiopathic arthritis of the hand years ago, now gout in the left ankle"
    items[1] = _named(
        "M10.072", cs, 0.42, words=3, recommended=False, kind="scattered", text=spread
    )
    assert not apply(packaged, PROMOTE, items, cs)["M10.072"].recommended


def test_promote_specific_reads_the_side_of_a_shared_mention(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    said = "low back pain with left-sided sciatica"
    items = [
        _named("M54.40", cs, 0.47, words=4, recommended=True, kind="scattered", text=said),
        _named("M54.42", cs, 0.42, words=4, recommended=False, kind="scattered", text=said),
        _named("M54.41", cs, 0.42, words=4, recommended=False, kind="scattered", text=said),
    ]
    out = apply(packaged, PROMOTE, items, cs)
    assert out["M54.42"].recommended
    assert not out["M54.41"].recommended  # "right" is not said
    # a code whose extra words the shared mention does not say is not promoted
    ckd = "hypertensive heart and chronic kidney disease with heart failure"
    items = [
        _named("I13.0", cs, 0.5, words=6, recommended=True, text=ckd),
        _named("I13.2", cs, 0.45, words=6, recommended=False, text=ckd),
    ]
    assert not apply(packaged, PROMOTE, items, cs)["I13.2"].recommended


def test_promote_specific_needs_no_default_word_where_the_sentence_supports_the_code(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "left" monoplegia is G83.14 "... left nondominant side" (OCG I.C.6.a): "nondominant" is a
    # default, not said; only a code the sentence supports (source "specific") goes without it
    said = "monoplegia of the left lower limb"
    items = [
        _named("G83.10", cs, 0.5, words=3, recommended=True, text=said),
        _named("G83.14", cs, 0.49, words=3, recommended=False, text=said),
    ]
    assert not apply(packaged, PROMOTE, items, cs)["G83.14"].recommended
    items[1].candidate.sources.add("specific")
    assert apply(packaged, PROMOTE, items, cs)["G83.14"].recommended


def test_promote_specific_picks_the_sibling_whose_title_the_mention_words(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # one mention names every G43.0 code by its words; "not ... without" picks G43.009
    said = "Migraine without aura, not intractable, without status migrainosus"
    siblings = ["G43.001", "G43.011", "G43.019", "G43.009"]
    items = [_named("G43.909", cs, 0.49, words=1, recommended=True)] + [
        _named(code, cs, 0.44, words=6, recommended=False, text=said) for code in siblings
    ]
    out = apply(packaged, PROMOTE, items, cs)
    assert [c for c in siblings if out[c].recommended] == ["G43.009"]


def test_promote_specific_never_promotes_a_residual_other_code(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [
        _named("J45.909", cs, 0.6, words=1, recommended=True),
        _named("J45.998", cs, 0.5, words=3, recommended=False),  # "Other asthma"
    ]
    assert not apply(packaged, PROMOTE, items, cs)["J45.998"].recommended


# --- a code whose title the note states ----------------------------------------------------------

STATED = "title-stated"


@pytest.mark.parametrize(
    ("title", "text", "stated"),
    [
        (
            "Chronic migraine without aura, not intractable, without status migrainosus",
            "chronic migraine without aura, not intractable, without status migrainosus",
            True,
        ),
        ("Essential (primary) hypertension", "Essential hypertension", True),
        ("Essential (primary) hypertension", "hypertension", False),
        (
            "Migraine without aura, intractable, without status migrainosus",
            "Migraine without aura, not intractable, without status migrainosus",
            False,
        ),
        ("Acute kidney failure, unspecified", "acute kidney failure", False),
    ],
)
def test_states_title_reads_every_word_of_the_title(title: str, text: str, stated: bool) -> None:
    assert states_title(title, text) is stated


def test_title_stated_recommends_the_code_the_note_names(packaged: RuleSet, cs: Icd10Cm) -> None:
    said = "Chronic migraine without aura, not intractable, without status migrainosus"
    items = [
        _named("G43.709", cs, 0.44, words=6, recommended=False, text=said),
        _named("G43.719", cs, 0.44, words=6, recommended=False, text=said),
        _named("G43.909", cs, 0.1, words=1, recommended=False, text="migraine"),
    ]
    out = apply(packaged, STATED, items, cs)
    assert out["G43.709"].recommended
    assert out["G43.709"].rules == [STATED]
    assert not out["G43.719"].recommended  # "intractable" is not what the note says
    assert not out["G43.909"].recommended


def test_title_stated_needs_a_present_mention_and_leaves_other_rules_decisions(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    said = "Essential hypertension"
    negated = _named(
        "I10", cs, 0.44, words=2, recommended=False, text=said, assertion=Assertion.NEGATED
    )
    assert not apply(packaged, STATED, [negated], cs)["I10"].recommended
    marked = _named("I10", cs, 0.44, words=2, recommended=False, text=said)
    marked.suggestion.rules.append("unaffirmed-evidence")
    assert not apply(packaged, STATED, [marked], cs)["I10"].recommended


def test_engine_recommends_a_migraine_stated_by_its_title(engine: Engine) -> None:
    text = (
        "HPI: 40F with migraines, throbbing headache since yesterday.\n"
        "A/P: Migraine without aura, not intractable, without status migrainosus."
    )
    out = {s.code: s for s in engine.suggest(Note(text), top=15).suggestions}
    assert out["G43.009"].recommended
    assert not any(s.recommended for c, s in out.items() if c.startswith("G43.9"))


def test_engine_a_side_said_of_the_eye_picks_the_lacrimal_codes_side(engine: Engine) -> None:
    # the lacrimal titles say "right side"; the note says "right eye" (OCG I.B.13)
    out = {
        s.code: s for s in engine.suggest(Note("Epiphora of the right eye."), top=15).suggestions
    }
    assert out["H04.201"].recommended
    assert not any(s.recommended for c, s in out.items() if c in ("H04.209", "H04.202", "H04.203"))


CATEGORY = "documented-category-specified"


def _said(code: str, cs: Icd10Cm, confidence: float, *sources: str) -> Scored:
    """``code`` named by the present mention "acute biliary (gallstone) pancreatitis"."""
    s = item(code, cs, confidence, recommended=False)
    s.candidate.add_support(
        Mention(
            0,
            38,
            "acute biliary (gallstone) pancreatitis",
            "none",
            Assertion.PRESENT,
            (code,),
            "contiguous",
            "x",
            3,
        ),
        1,
        "x",
    )
    s.candidate.sources.update(sources or ("lexicon",))
    return s


def test_category_specified_recommends_the_supported_code_beneath_a_named_category(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [_said("K85.1", cs, 0.0), _said("K85.10", cs, 0.42, "specific")]
    out = apply(packaged, CATEGORY, items, cs)
    assert out["K85.10"].recommended
    assert out["K85.10"].rules == [CATEGORY]
    assert out["K85.10"].flags == [
        "reports K85.1 (Biliary acute pancreatitis) at its billable level"
    ]
    assert not out["K85.1"].recommended


@pytest.mark.parametrize(
    ("child", "why"),
    [
        (("K85.10", 0.42, "hierarchy"), "a default the sentence does not support"),
        (("K85.10", 0.2, "specific"), "below min_confidence"),
    ],
)
def test_category_specified_needs_a_supported_confident_code(
    packaged: RuleSet, cs: Icd10Cm, child: tuple[str, float, str], why: str
) -> None:
    code, confidence, source = child
    items = [_said("K85.1", cs, 0.0), _said(code, cs, confidence, source)]
    assert not apply(packaged, CATEGORY, items, cs)[code].recommended, why


def test_category_specified_leaves_a_category_already_reported(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    reported = _said("K85.12", cs, 0.7, "specific")
    reported.suggestion.recommended = True
    items = [_said("K85.1", cs, 0.0), reported, _said("K85.10", cs, 0.42, "specific")]
    assert not apply(packaged, CATEGORY, items, cs)["K85.10"].recommended


def test_category_specified_exempts_external_causes(packaged: RuleSet, cs: Icd10Cm) -> None:
    # "walking to the toilet and fell" is no fall from a toilet (W18.1-)
    items = [_said("W18.1", cs, 0.0), _said("W18.11XA", cs, 0.5, "specific")]
    assert not apply(packaged, CATEGORY, items, cs)["W18.11XA"].recommended
