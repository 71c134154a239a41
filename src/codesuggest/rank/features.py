"""Features of a (note, candidate) pair (``rank.ranker.CandidateFeatures`` is the scikit-learn
transformer over them).

Each row describes how the note supports one code: how often and how it is asserted, how
well the words match, how specific and how ambiguous the lexicon key is, and where it sits;
``inner_only``: its only mentions are index entries inside longer terms or loose matches;
``best_compactness``: 1 for a contiguous mention, 0.5 for one scattered over its sentence,
0.25 for loose ones only.

Each value is computed under its name (:func:`feature_values`), and the row is read off in the
order of ``FEATURES``, the order a model's ranker was fitted in (its card and ``ranker.npz``
name them): no value depends on where it is written.
"""

from __future__ import annotations

import math
from functools import lru_cache

from codesuggest.candidates.base import Candidate, inner_only
from codesuggest.codesets.systems import CM
from codesuggest.types import LOOSE, Assertion

FEATURES = (
    "n_present",
    "n_negated",
    "n_possible",
    "n_historical",
    "n_family",
    "n_hypothetical",
    "share_present",
    "contiguous_present",
    "best_compactness",
    "best_words",
    "coverage",
    "log_key_size",
    "src_ours",
    "src_title",
    "src_variant",
    "src_inclusion",
    "src_learned",
    "src_index",
    "learned_phrase_strength",
    "billable",
    "depth",
    "title_unspecified",
    "title_other",
    "hierarchy_only",
    "in_diagnosis_section",
    "first_position",
    "n_sentences",
    "chapter_r",
    "chapter_z",
    "log_note_mentions",
    "derived_history",
    "learned_classifier",
    "learned_neighbours",
    "learned_prior",
    "learned_inverse_rank",
    "learned_only",
    "procedure",
    "learned_gap",
    "learned_centroid",
    "learned_category",
    "learned_category_neighbours",
    "learned_top_word",
    "learned_words",
    "note_candidates",
    "classifier_rank_in_note",
    "sibling_classifier",
    "siblings",
    "sibling_mentions",
    "classifier_above_fifth",
    "inner_only",
)
# How each feature may move the probability (+1 up, -1 down, 0 free): keeps the trees from
# learning quirks of synthetic notes, e.g. that a code mentioned twice is less likely.
MONOTONIC = {
    "n_present": 1,
    "n_negated": -1,
    "n_family": -1,
    "n_hypothetical": -1,
    "share_present": 1,
    "contiguous_present": 1,
    "best_compactness": 1,
    "coverage": 1,
    "log_key_size": -1,
    "src_ours": 1,
    "in_diagnosis_section": 1,
    "n_sentences": 1,
    "learned_classifier": 1,
    "learned_neighbours": 1,
    "learned_inverse_rank": 1,
    "learned_gap": 1,
    "learned_phrase_strength": 1,
    "learned_centroid": 1,
    "learned_category": 1,
    "learned_category_neighbours": 1,
}
_OURS = frozenset({"abbreviation", "synonym", "plain", "inverted"})
_DIAGNOSIS_SECTIONS = frozenset(
    {
        "diagnoses",
        "observation_and_plan",
        "problem_list",
        "chief_complaint",
        "reason_for_examination",
    }
)
_AFFIRMING = (Assertion.PRESENT, Assertion.POSSIBLE)
_ASSERTIONS = (
    Assertion.PRESENT,
    Assertion.NEGATED,
    Assertion.POSSIBLE,
    Assertion.HISTORICAL,
    Assertion.FAMILY,
    Assertion.HYPOTHETICAL,
)


@lru_cache(maxsize=1 << 16)
def _code_facts(code: str, title: str) -> tuple[float, float, float, float, float]:
    """Features of the code itself: depth, unspecified, residual, chapters R and Z."""
    title = title.lower()
    plain = code.replace(".", "")
    return (
        float(len(plain) - 3),
        float("unspecified" in title),
        float(title.startswith("other") or ", other" in title),
        float(plain.startswith("R")),
        float(plain.startswith("Z")),
    )


# a candidate no mention supports (proposed by what the model learned alone) has 0 for every
# feature read from mentions: all start at 0, its code's facts and what was learned then set
_NO_MENTIONS = dict.fromkeys(FEATURES, 0.0)
# the learned features of a model without a learned scorer: no score, and a prior and a gap far
# below any real one
_NOT_LEARNED = {
    **dict.fromkeys(
        (
            "learned_classifier",
            "learned_neighbours",
            "learned_inverse_rank",
            "learned_only",
            "learned_centroid",
            "learned_category",
            "learned_category_neighbours",
            "learned_top_word",
            "learned_words",
        ),
        0.0,
    ),
    "learned_prior": -10.0,
    "learned_gap": -10.0,
}


def candidate_features(c: Candidate) -> list[float]:
    """The feature vector of one candidate: its features by name (:func:`feature_values`) in
    the order of ``FEATURES``."""
    values = feature_values(c)
    return [values[name] for name in FEATURES]


def feature_values(c: Candidate) -> dict[str, float]:
    """Every feature of one candidate, by name (``FEATURES``)."""
    depth, unspecified, residual, chapter_r, chapter_z = _code_facts(c.code, c.title)
    values = _mention_values(c) if c.mentions else dict(_NO_MENTIONS)
    values.update(
        billable=float(c.billable),
        depth=depth,
        title_unspecified=unspecified,
        title_other=residual,
        hierarchy_only=float(c.sources == {"hierarchy"}),
        chapter_r=chapter_r,
        chapter_z=chapter_z,
        log_note_mentions=math.log1p(c.note_mentions),
        derived_history=float(c.derived_from is not None),
    )
    values.update(_learned(c))
    return values


def _mention_values(c: Candidate) -> dict[str, float]:
    """The features read from the mentions of ``c`` (it has at least one)."""
    counts = dict.fromkeys(_ASSERTIONS, 0)
    # one pass over the mentions: of every one and of the affirmed ones, the most words
    # matched and whether one is contiguous; of every one, where they start and end
    affirmed = False
    mentions = c.mentions
    words_all = mentions[0].n_words
    words_affirmed = 0  # (read only once a mention is affirmed)
    contiguous_all = contiguous = in_diagnosis = False
    firm_all = firm = False  # whether a mention is read as a finding (not a loose one)
    first = mentions[0].start
    last_end = mentions[0].end
    sentences: set[int] = set()
    for m in mentions:
        # (as ``candidates.assertion`` read it for this code)
        assertion = m.assertion
        counts[assertion] += 1
        said = assertion in _AFFIRMING
        is_contiguous = m.kind == "contiguous"
        is_firm = m.kind != LOOSE
        if m.n_words > words_all:
            words_all = m.n_words
        if is_contiguous:
            contiguous_all = True
        if is_firm:
            firm_all = True
        if said:
            if not affirmed or m.n_words > words_affirmed:
                words_affirmed = m.n_words
            affirmed = True
            if is_contiguous:
                contiguous = True
            if is_firm:
                firm = True
            if not in_diagnosis and m.section in _DIAGNOSIS_SECTIONS:
                in_diagnosis = True
        if m.start < first:
            first = m.start
        if m.end > last_end:
            last_end = m.end
        sentences.add(m.sentence)
    # the best mentions: the affirmed ones, else every one
    n_words = words_affirmed if affirmed else words_all
    # 1: a contiguous mention, 0.5: scattered over its sentence, 0.25: only loose ones
    if contiguous if affirmed else contiguous_all:
        compact = 1.0
    else:
        compact = 0.5 if (firm if affirmed else firm_all) else 0.25
    # every key that named the code, whether or not its mention is evidence of it
    lex = {s.lexicon_source for s in c.support}
    return {
        "n_present": math.log1p(counts[Assertion.PRESENT]),
        "n_negated": math.log1p(counts[Assertion.NEGATED]),
        "n_possible": math.log1p(counts[Assertion.POSSIBLE]),
        "n_historical": math.log1p(counts[Assertion.HISTORICAL]),
        "n_family": math.log1p(counts[Assertion.FAMILY]),
        "n_hypothetical": math.log1p(counts[Assertion.HYPOTHETICAL]),
        "share_present": counts[Assertion.PRESENT] / max(1, len(mentions)),
        "contiguous_present": float(contiguous),
        "best_compactness": compact,
        "best_words": math.log1p(n_words),
        "coverage": min(1.0, n_words / max(1, c.title_words)),
        "log_key_size": math.log(
            min((s.key_size for s in c.support if s.key_size is not None), default=1) or 1
        ),
        "src_ours": float(bool(lex & _OURS)),
        "src_title": float("title" in lex),
        "src_variant": float("variant" in lex),
        "src_inclusion": float("inclusion" in lex),
        "src_learned": float("learned" in lex),
        "src_index": float("index" in lex),
        "learned_phrase_strength": c.phrase_strength,
        "in_diagnosis_section": float(in_diagnosis),
        "first_position": first / max(1, last_end),
        "n_sentences": math.log1p(len(sentences)),
        "inner_only": float(inner_only(c)),
    }


def _learned(c: Candidate) -> dict[str, float]:
    """What the model learned, and where the candidate stands among the note's others."""
    x = c.context
    values = {
        "note_candidates": math.log1p(x.candidates),
        "classifier_rank_in_note": 1.0 / max(1, x.classifier_rank),
        "sibling_classifier": x.sibling_classifier,
        "siblings": math.log1p(x.siblings),
        "sibling_mentions": math.log1p(x.sibling_mentions),
        "classifier_above_fifth": x.above_fifth,
        "procedure": float(c.system != CM),
    }
    s = c.learned
    if s is None:
        values.update(_NOT_LEARNED)
        return values
    values.update(
        learned_classifier=s.classifier,
        learned_neighbours=s.neighbours,
        learned_prior=s.prior,
        learned_inverse_rank=1.0 / s.rank,
        learned_only=float(not c.mentions),
        learned_gap=s.gap,
        learned_centroid=s.centroid,
        learned_category=s.category,
        learned_category_neighbours=s.category_neighbours,
        learned_top_word=s.top_word,
        learned_words=math.log1p(s.words),
    )
    return values
