"""Candidate generators: lexicon codes, hierarchy defaults, history codes, and their registry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from codesuggest.candidates.base import Candidate, Sources, create
from codesuggest.candidates.collect import GENERATORS, create_generators
from codesuggest.candidates.generators import (
    HierarchyCandidates,
    HistoryCandidates,
    LexiconCandidates,
    _Sentences,
)
from codesuggest.candidates.laterality import LateralityCandidates
from codesuggest.candidates.specific import Descendant, Family
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import RegistryError
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.qualifiers import read, text_marks
from codesuggest.types import Assertion, Mention


@pytest.fixture(scope="module")
def history() -> HistoryMap:
    return HistoryMap.load()


def mention(
    codes: tuple[str, ...],
    assertion: Assertion = Assertion.PRESENT,
    start: int = 0,
    text: str = "term",
    source: str = "synonym",
) -> Mention:
    return Mention(
        start=start,
        end=start + len(text),
        text=text,
        section="none",
        assertion=assertion,
        codes=codes,
        kind="contiguous",
        source=source,
        n_words=1,
    )


def _pool(mentions: list[Mention]) -> dict[str, Candidate]:
    pool: dict[str, Candidate] = {}
    LexiconCandidates(LexiconIndex()).add(mentions, pool)
    return pool


def test_registry_creates_every_generator_a_model_names(cs: Icd10Cm, history: HistoryMap) -> None:
    sources = Sources(LexiconIndex(), cs, history)
    made = [create(name, sources) for name in GENERATORS]
    assert [type(g) for g in made[:4]] == [
        LexiconCandidates,
        HierarchyCandidates,
        LateralityCandidates,
        HistoryCandidates,
    ]
    assert [g.name for g in made] == [
        "lexicon",
        "hierarchy",
        "laterality",
        "history",
        "drug_class",
        "status",
        "catalog",
    ]
    # the catalogs' generator runs only while user catalogs are registered
    assert [g.name for g in create_generators(sources)] == [g.name for g in made[:-1]]


def test_registry_create_unknown_name_lists_known(cs: Icd10Cm, history: HistoryMap) -> None:
    with pytest.raises(RegistryError) as info:
        create("codesuggest.nope.v1", Sources(LexiconIndex(), cs, history))
    message = str(info.value)
    assert "codesuggest.nope.v1" in message
    assert "codesuggest.lexicon_candidates.v1" in message
    assert "codesuggest.history_candidates.v1" in message
    assert isinstance(info.value, KeyError)


def test_lexicon_candidates_one_candidate_per_code_with_every_mention() -> None:
    first = mention(("R07.9", "R07.89"), start=0)
    second = mention(("R07.9",), start=20, source="title")
    pool = _pool([first, second])
    assert set(pool) == {"R07.9", "R07.89"}
    assert pool["R07.9"].mentions == (first, second)
    assert [(s.key_size, s.lexicon_source) for s in pool["R07.9"].support] == [
        (2, "synonym"),
        (1, "title"),
    ]
    assert pool["R07.9"].sources == {"lexicon"}
    assert pool["R07.89"].mentions == (first,)


def test_hierarchy_default_children_of_j18_include_j18_9(cs: Icd10Cm) -> None:
    gen = HierarchyCandidates(cs)
    children = gen.default_children("J18")
    assert "J18.9" in children
    assert len(children) <= gen.max_children
    assert all(cs.is_billable(c) and c.startswith("J18.") for c in children)


def test_hierarchy_adds_default_children_with_category_evidence(cs: Icd10Cm) -> None:
    m = mention(("J18",), text="pneumonia")
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert "J18.9" in pool
    assert pool["J18.9"].sources == {"hierarchy"}
    assert pool["J18.9"].mentions == (m,)
    assert pool["J18"].sources == {"lexicon"}


def in_sentence(codes: tuple[str, ...], before: str, phrase: str, after: str = "") -> Mention:
    """A mention of ``phrase`` with its sentence's marks, as ``doc_mentions`` makes it."""
    lo = len(text_marks(before))
    context = tuple(text_marks(f"{before} {phrase} {after}"))
    m = mention(codes, text=phrase)
    return replace(m, context=context, span=(lo, lo + len(text_marks(phrase))))


def test_hierarchy_proposes_the_child_the_sentence_supports(cs: Icd10Cm) -> None:
    m = in_sentence(("S82.6",), "Nondisplaced", "fracture of the right lateral malleolus")
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert pool["S82.64XA"].sources == {"specific"}
    assert pool["S82.64XA"].mentions == (m,)
    # the default (displaced, unspecified side) is not proposed beside what the note says
    assert "S82.63XA" not in pool
    assert set(pool) == {"S82.6", "S82.64XA"}


@pytest.mark.parametrize(
    ("codes", "before", "phrase", "after", "child"),
    [
        (("I50.2",), "Chronic", "systolic heart failure", "", "I50.22"),
        (("G43.0",), "Intractable", "migraine without aura", "", "G43.019"),
        (("E11.6",), "", "type 2 diabetes with hyperglycemia", "", "E11.65"),
    ],
)
def test_hierarchy_supported_children(
    cs: Icd10Cm, codes: tuple[str, ...], before: str, phrase: str, after: str, child: str
) -> None:
    m = in_sentence(codes, before, phrase, after)
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert child in pool
    assert pool[child].sources == {"specific"}


def test_hierarchy_folds_what_another_sentence_says_more_of(cs: Icd10Cm) -> None:
    first = in_sentence(("S82.6",), "XR: nondisplaced", "fracture of the lateral malleolus")
    second = in_sentence(("S82.6",), "Nondisplaced", "fracture of the right lateral malleolus")
    second = replace(second, start=60, end=60 + len(second.text))
    pool = _pool([first, second])
    HierarchyCandidates(cs).add([first, second], pool)
    assert "S82.66XA" not in pool  # unspecified side: the other sentence names it
    assert pool["S82.64XA"].mentions == (first, second)


def test_hierarchy_contradicted_category_proposes_nothing(cs: Icd10Cm) -> None:
    # G43.00 is "not intractable"; the sentence says intractable (the lexicon names both)
    m = in_sentence(("G43.00", "G43.01"), "", "intractable migraine without aura")
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert not any(c.startswith("G43.00") and c != "G43.00" for c in pool)
    assert "G43.019" in pool


def test_hierarchy_bounds_the_children_of_a_category(cs: Icd10Cm) -> None:
    gen = HierarchyCandidates(cs, max_children=2)
    mentions = [
        in_sentence(("S82.6",), side, "fracture of the lateral malleolus")
        for side in ("right nondisplaced", "left nondisplaced", "right", "left")
    ]
    pool = _pool(mentions)
    gen.add(mentions, pool)
    assert len([c for c in pool if c.startswith("S82.6") and c != "S82.6"]) <= 2


def test_hierarchy_leaves_billable_codes_the_sentence_says_no_more_of_alone(cs: Icd10Cm) -> None:
    m = mention(("I10",), text="hypertension")
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert set(pool) == {"I10"}


@pytest.mark.parametrize(
    ("code", "before", "phrase", "sibling"),
    [
        # an "unspecified" code: the sibling the sentence names (right lower leg)
        ("S82.853A", "Displaced", "trimalleolar fracture of the right lower leg", "S82.851A"),
        ("L03.119", "", "cellulitis of right lower limb", "L03.115"),
        # another code: the sibling whose words include all of its own (acute and chronic)
        ("K80.10", "acute on", "chronic cholecystitis with calculus of gallbladder", "K80.12"),
    ],
)
def test_hierarchy_matched_code_proposes_the_sibling_that_says_more(
    cs: Icd10Cm, code: str, before: str, phrase: str, sibling: str
) -> None:
    m = in_sentence((code,), before, phrase)
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert pool[sibling].sources == {"specific"}
    assert pool[sibling].mentions == (m,)


def test_hierarchy_matched_code_proposes_no_sibling_that_says_less_or_other(cs: Icd10Cm) -> None:
    m = in_sentence(("K80.12",), "", "acute and chronic cholecystitis with calculus of gallbladder")
    pool = _pool([m])
    HierarchyCandidates(cs).add([m], pool)
    assert set(pool) == {"K80.12"}


def test_history_family_only_breast_cancer_proposes_z80_3(cs: Icd10Cm, history: HistoryMap) -> None:
    m = mention(("C50.919",), Assertion.FAMILY, text="breast cancer")
    pool = _pool([m])
    HistoryCandidates(history, cs).add([m], pool)
    z = pool["Z80.3"]
    assert z.derived_from == "C50.919"
    assert z.derived_as == "family_history"  # the history_codes.tsv column it came through
    assert z.mentions == (m,)
    assert z.sources == {"history"}
    assert "Z85.3" not in pool


def test_history_historical_mi_proposes_old_mi(cs: Icd10Cm, history: HistoryMap) -> None:
    m = mention(("I21.9",), Assertion.HISTORICAL, text="MI")
    pool = _pool([m])
    HistoryCandidates(history, cs).add([m], pool)
    assert pool["I25.2"].derived_from == "I21.9"
    assert pool["I25.2"].derived_as == "personal_history"


def test_history_relatives_condition_is_a_family_history_beside_the_patients_own(
    cs: Icd10Cm, history: HistoryMap
) -> None:
    family = mention(("C50.919",), Assertion.FAMILY)
    mentions = [family, mention(("C50.919",), Assertion.PRESENT, start=30)]
    pool = _pool(mentions)
    HistoryCandidates(history, cs).add(mentions, pool)
    assert set(pool) == {"C50.919", "Z80.3"}
    assert pool["Z80.3"].mentions == (family,)  # the relative's mention only


def test_history_past_and_present_mentions_propose_no_personal_history(
    cs: Icd10Cm, history: HistoryMap
) -> None:
    mentions = [
        mention(("C50.919",), Assertion.HISTORICAL),
        mention(("C50.919",), Assertion.PRESENT, start=30),
    ]
    pool = _pool(mentions)
    HistoryCandidates(history, cs).add(mentions, pool)
    assert set(pool) == {"C50.919"}  # a current cancer: no Z85.3


def test_history_resolved_atrial_flutter_is_a_personal_history(
    cs: Icd10Cm, history: HistoryMap
) -> None:
    m = mention(("I48.92",), Assertion.HISTORICAL, text="atrial flutter")
    pool = _pool([m])
    HistoryCandidates(history, cs).add([m], pool)
    assert pool["Z86.79"].derived_from == "I48.92"


def test_history_negated_proposes_nothing(cs: Icd10Cm, history: HistoryMap) -> None:
    m = mention(("C50.919",), Assertion.NEGATED)
    pool = _pool([m])
    HistoryCandidates(history, cs).add([m], pool)
    assert set(pool) == {"C50.919"}


def test_history_chronic_hypertension_history_proposes_no_history_code(
    cs: Icd10Cm, history: HistoryMap
) -> None:
    # "history of hypertension": still hypertensive (``candidates.assertion`` reads it present)
    m = mention(("I10",), Assertion.HISTORICAL, text="hypertension")
    pool = _pool([m])
    HistoryCandidates(history, cs).add([m], pool)
    assert set(pool) == {"I10"}
    assert [x.assertion for x in pool["I10"].mentions] == [Assertion.HISTORICAL]  # as said


def test_history_code_named_in_note_is_not_marked_derived(cs: Icd10Cm, history: HistoryMap) -> None:
    named = mention(("Z80.3",), Assertion.PRESENT, text="family history of breast cancer")
    relative = mention(("C50.919",), Assertion.FAMILY, start=40, text="breast cancer")
    pool = _pool([named, relative])
    HistoryCandidates(history, cs).add([named, relative], pool)
    assert pool["Z80.3"].derived_from is None
    assert pool["Z80.3"].mentions == (named,)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # an unspecified code: its nearest ancestor whose title is specified
        ("S82.853A", ("S82.85", True)),
        ("S72.009A", ("S72.0", True)),
        ("K80.10", ("K80.1", False)),  # another code: its parent
        ("J18.9", (None, True)),  # J18 "Pneumonia, unspecified organism" too: no siblings
        ("I10", (None, False)),  # a category of its own
    ],
)
def test_hierarchy_sibling_parent(
    cs: Icd10Cm, code: str, expected: tuple[str | None, bool]
) -> None:
    gen = HierarchyCandidates(cs)
    assert gen._sibling_parent(code) == expected
    assert gen._sibling_parent(code) == expected  # the second time from its cache


def test_hierarchy_sentences_may_support_a_family_by_its_words_or_a_denial() -> None:
    sentences = _Sentences()
    family = Family(
        read(()),
        [
            Descendant("S82.851A", ("ankle", "right"), (), ()),
            Descendant("K80.11", ("acute",), (), (("obstruction",),)),
        ],
    )
    said = in_sentence(("S82.853A",), "", "fracture of the right lower leg")
    other = in_sentence(("S82.853A",), "", "fracture of the lower leg")
    denied = in_sentence(("K80.10",), "", "cholecystitis", "without obstruction")
    denied_other = in_sentence(("K80.10",), "", "cholecystitis", "without fever")
    # "non-" makes one word of the next ("nonspecific"), which the sentence's marks lack
    unlisted = Family(read(()), [Descendant("R93.89", ("nonspecific",), (), ())])
    prefixed = in_sentence(("R93.89",), "", "finding", "no mass, non-specific")
    unprefixed = in_sentence(("R93.89",), "", "finding", "no mass, specific")
    assert sentences.may_support(said, family)
    assert not sentences.may_support(other, family)
    assert sentences.may_support(denied, family)  # it may state a child's denial
    assert not sentences.may_support(denied_other, family)  # no child denies a fever
    assert sentences.may_support(prefixed, unlisted)
    assert not sentences.may_support(unprefixed, unlisted)
    assert not sentences.may_support(mention(("I10",)), family)  # no sentence: none
    assert len(sentences.marks) == 7  # each sentence's words read once


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("K80.10", True),  # K80.12 adds "acute" to its "chronic"
        ("E11.9", True),  # it requires no word: any sibling that requires one says more
        ("E11.65", False),  # "with hyperglycemia": no code under E11.6 says more of it
    ],
)
def test_hierarchy_has_fuller_sibling(cs: Icd10Cm, code: str, expected: bool) -> None:
    gen = HierarchyCandidates(cs)
    above, unspecified = gen._sibling_parent(code)
    assert above is not None and not unspecified
    assert gen._has_fuller_sibling(code, above) is expected


def test_hierarchy_matched_code_without_fuller_sibling_reads_no_sentence(cs: Icd10Cm) -> None:
    # no code under E11.6 requires more than E11.65: its sentence is not read for siblings
    m = in_sentence(("E11.65",), "", "type 2 diabetes with hyperglycemia and neuropathy")
    pool = _pool([m])
    seen = _Sentences()
    assert HierarchyCandidates(cs)._beside_matched("E11.65", pool["E11.65"], seen) == {}
    assert not seen.read and not seen.marks
    # K80.10 has a fuller sibling (K80.12): its sentence is read
    k = in_sentence(("K80.10",), "acute on", "chronic cholecystitis with calculus of gallbladder")
    found = HierarchyCandidates(cs)._beside_matched("K80.10", _pool([k])["K80.10"], seen)
    assert "K80.12" in found
    assert seen.read and seen.marks


def test_one_mention_of_two_conditions_supports_their_history_code_once(
    cs: Icd10Cm, history: HistoryMap
) -> None:
    """ "Mother had breast cancer" names two codes one family history stands for: the history
    code has the mention once, and what the key says of each condition."""
    m = mention(("C50.919", "C50.911"), Assertion.FAMILY, text="breast cancer")
    pool = _pool([m])
    HistoryCandidates(history, cs).add([m], pool)
    z = pool["Z80.3"]
    assert z.mentions == (m,)
    assert [(s.mention, s.evidence) for s in z.support] == [(m, True), (m, False)]
    assert all(s.key_size == 2 for s in z.support)
