"""The ranker: a calibrated scikit-learn pipeline over candidate features."""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline

from codesuggest.candidates.base import Candidate
from codesuggest.rank.ranker import CandidateFeatures, make_ranker
from codesuggest.types import Assertion, Mention
from tests.utils.support import supported


def _candidate(i: int, positive: bool) -> Candidate:
    assertion = Assertion.PRESENT if positive else Assertion.NEGATED
    mentions = [
        Mention(
            start=10 * k,
            end=10 * k + 5,
            text="term",
            section="none",
            assertion=assertion,
            codes=("I10",),
            kind="contiguous",
            source="synonym",
            n_words=1,
            sentence=k,
        )
        for k in range(1 + i % 3)
    ]
    return Candidate(
        "I10",
        support=supported(mentions, "synonym", key_size=1),
        sources={"lexicon"},
        title="Hypertension",
        billable=True,
        title_words=1,
        note_mentions=5,
    )


def _toy(n: int = 60) -> tuple[list[Candidate], np.ndarray]:
    y = np.asarray([i % 2 for i in range(n)])
    return [_candidate(i, bool(label)) for i, label in enumerate(y)], y


def test_make_ranker_is_an_unfitted_pipeline() -> None:
    ranker = make_ranker(seed=1)
    assert isinstance(ranker, Pipeline)
    assert [name for name, _ in ranker.steps] == ["features", "model"]
    assert isinstance(ranker.named_steps["features"], CandidateFeatures)


def test_make_ranker_fit_returns_itself_and_separates() -> None:
    X, y = _toy()
    ranker = make_ranker()
    assert ranker.fit(X, y) is ranker
    proba = ranker.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert np.all((proba >= 0) & (proba <= 1))
    assert proba[y == 1, 1].min() > proba[y == 0, 1].max()
