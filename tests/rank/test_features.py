"""Candidate features: one row per (note, candidate) pair."""

from __future__ import annotations

import math

import numpy as np

from codesuggest.candidates.base import Candidate, LearnedScore, MentionSupport
from codesuggest.rank.features import FEATURES, candidate_features, feature_values
from codesuggest.rank.ranker import CandidateFeatures
from codesuggest.types import INNER, LOOSE, Assertion, Mention
from tests.utils.support import supported


def mention(
    assertion: Assertion = Assertion.PRESENT,
    start: int = 0,
    kind: str = "contiguous",
    section: str = "none",
    n_words: int = 2,
    sentence: int = 0,
) -> Mention:
    return Mention(
        start=start,
        end=start + 10,
        text="chest pain",
        section=section,
        assertion=assertion,
        codes=("R07.9",),
        kind=kind,
        source="title",
        n_words=n_words,
        sentence=sentence,
    )


def candidate(
    code: str = "R07.9", mentions: list[Mention] | None = None, **kw: object
) -> Candidate:
    ms = mentions if mentions is not None else [mention()]
    fields: dict[str, object] = {
        "support": supported(ms, "title", key_size=1),
        "sources": {"lexicon"},
        "title": "Chest pain, unspecified",
        "billable": True,
        "title_words": 2,
        "note_mentions": 4,
    }
    fields.update(kw)
    return Candidate(code, **fields)  # type: ignore[arg-type]


def _f(c: Candidate) -> dict[str, float]:
    return dict(zip(FEATURES, candidate_features(c), strict=True))


_LEARNED = LearnedScore(classifier=0.7, neighbours=0.5, prior=-2.0, rank=2, gap=-0.1, words=3)


def test_every_kind_of_candidate_names_every_feature_once() -> None:
    """Features are built by name: whatever supports a candidate (mentions or only what the
    model learned; a learned score or none), it has a value for each name, and no other."""
    assert len(set(FEATURES)) == len(FEATURES)
    for c in (
        candidate(),
        candidate(mentions=[]),
        candidate(learned=_LEARNED),
        candidate(mentions=[], learned=_LEARNED, sources={"learned"}),
    ):
        values = feature_values(c)
        assert set(values) == set(FEATURES)
        assert candidate_features(c) == [values[name] for name in FEATURES]


def test_a_code_only_the_model_proposes_has_no_mention_features() -> None:
    f = _f(candidate(mentions=[], learned=_LEARNED, sources={"learned"}))
    assert f["learned_only"] == 1.0
    assert f["learned_classifier"] == 0.7
    assert f["learned_inverse_rank"] == 0.5
    assert f["n_present"] == f["best_compactness"] == f["src_title"] == f["inner_only"] == 0.0
    assert f["billable"] == 1.0  # the code's own facts it has still
    assert f["log_note_mentions"] == math.log1p(4)


def test_without_a_learned_scorer_prior_and_gap_are_far_below_any_score() -> None:
    f = _f(candidate())
    assert f["learned_prior"] == f["learned_gap"] == -10.0
    assert f["learned_classifier"] == f["learned_only"] == 0.0


def test_features_count_assertions() -> None:
    c = candidate(
        mentions=[
            mention(),
            mention(Assertion.NEGATED, start=20),
            mention(Assertion.NEGATED, start=40),
        ]
    )
    f = _f(c)
    assert f["n_present"] == math.log1p(1)
    assert f["n_negated"] == math.log1p(2)
    assert f["n_family"] == 0.0
    assert f["share_present"] == 1 / 3


def test_features_code_facts() -> None:
    f = _f(candidate("R07.9", title="Chest pain, unspecified"))
    assert f["billable"] == 1.0
    assert f["depth"] == 1.0  # R079: one character below the category
    assert f["title_unspecified"] == 1.0
    assert f["chapter_r"] == 1.0
    assert f["chapter_z"] == 0.0
    assert f["coverage"] == 1.0
    assert f["src_title"] == 1.0
    assert f["src_ours"] == 0.0


def test_features_history_and_hierarchy_flags() -> None:
    z = _f(candidate("Z80.3", derived_from="C50.919", sources={"history"}))
    assert z["derived_history"] == 1.0
    assert z["chapter_z"] == 1.0
    h = _f(candidate("J18.9", sources={"hierarchy"}))
    assert h["hierarchy_only"] == 1.0


def test_features_diagnosis_section_counts_only_affirmed() -> None:
    present = _f(candidate(mentions=[mention(section="observation_and_plan")]))
    negated = _f(candidate(mentions=[mention(Assertion.NEGATED, section="observation_and_plan")]))
    assert present["in_diagnosis_section"] == 1.0
    assert negated["in_diagnosis_section"] == 0.0


def test_features_scattered_is_less_compact() -> None:
    assert _f(candidate(mentions=[mention(kind="scattered")]))["best_compactness"] == 0.5
    assert _f(candidate(mentions=[mention(kind="scattered")]))["contiguous_present"] == 0.0
    assert _f(candidate())["best_compactness"] == 1.0


def test_features_loose_only_is_least_compact_and_set_apart() -> None:
    loose = _f(candidate(mentions=[mention(kind=LOOSE)]))
    assert loose["best_compactness"] == 0.25
    assert loose["inner_only"] == 1.0
    # a mention read as a finding decides
    both = _f(candidate(mentions=[mention(kind=LOOSE), mention(kind="scattered")]))
    assert both["best_compactness"] == 0.5
    assert both["inner_only"] == 0.0


def test_candidate_features_transformer_shape() -> None:
    X = [candidate(), candidate("I10", title="Essential (primary) hypertension"), candidate()]
    t = CandidateFeatures().fit(X)
    out = t.transform(X)
    assert out.shape == (3, len(FEATURES))
    assert out.dtype == np.float64
    assert t.n_features_in_ == len(FEATURES)
    assert list(t.get_feature_names_out()) == list(FEATURES)


def test_candidate_features_transform_empty() -> None:
    assert CandidateFeatures().fit([]).transform([]).shape == (0, len(FEATURES))


def test_features_inner_only() -> None:
    # every mention an index entry inside a longer term ("pain" in "chest pain")
    assert _f(candidate("R52", [mention(kind=INNER)]))["inner_only"] == 1.0
    assert _f(candidate("R52", [mention(kind=INNER), mention(start=20)]))["inner_only"] == 0.0
    assert _f(candidate())["inner_only"] == 0.0
    assert _f(candidate(mentions=[]))["inner_only"] == 0.0  # learned alone


def test_a_key_that_named_the_code_counts_though_its_mention_is_set_aside() -> None:
    """A status the mention does not state sets the mention aside (not evidence, not one of the
    candidate's mentions); that its key named the code still describes the candidate."""
    kept, dropped = mention(), mention(Assertion.HYPOTHETICAL, start=30)
    c = candidate(
        support=[MentionSupport(kept, 2, "title"), MentionSupport(dropped, 1, "learned", False)]
    )
    assert c.mentions == (kept,)
    f = _f(c)
    assert f["src_learned"] == 1.0 and f["log_key_size"] == 0.0  # from the set-aside key
    assert f["n_hypothetical"] == 0.0 and f["n_present"] == math.log1p(1)  # its mention not


def test_a_mention_through_no_key_of_the_code_adds_no_key_facts() -> None:
    """The drug a drug-class code is folded into is evidence of it through no key of the code."""
    drug = mention(start=30)
    c = candidate(support=[MentionSupport(mention(), 3, "index"), MentionSupport(drug, None, None)])
    assert len(c.mentions) == 2
    f = _f(c)
    assert f["log_key_size"] == math.log(3)
    assert f["src_index"] == 1.0 and f["src_title"] == 0.0
