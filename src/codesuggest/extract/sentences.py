"""spaCy's rule-based Sentencizer with its ``predict`` on whole arrays, as
``codesuggest_sentencizer``: a fork of spaCy 3.7's (:data:`TRACKS`), tested against it in
tests/extract/test_pipeline.py.

spaCy's ``predict`` walks the note one Token object at a time (a Python object and two
attribute reads for each of ~400 tokens). Its rule: a sentence starts at the first token that
is neither punctuation nor one of ``punct_chars`` after a token that is one of
``punct_chars``; the first token starts one too. So the sentence starts are token 0 and, for
each ``punct_chars`` token, the next token after it that is neither: found here with numpy
over the note's ORTH and IS_PUNCT arrays. Same guesses, same ``set_annotations``.
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

# the upstream release this fork follows line for line where it does not say otherwise
# (tests/extract/test_pipeline.py: an upgrade of it fails until the fork is reviewed)
TRACKS = ("spacy", "3.7")


class QuickSentencizer(Sentencizer):  # type: ignore[misc]
    """spaCy's Sentencizer; same configuration, same sentence starts."""

    _punct_for: frozenset[str] | None = None
    _punct_ids: Any = None

    def predict(self, docs: Iterable[Doc]) -> list[list[bool]]:
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [[] for _ in docs]
        punct = frozenset(self.punct_chars)
        if punct != self._punct_for:
            # a token's ORTH is the hash of its text: ``text in punct_chars`` is ``ORTH in ids``
            self._punct_ids = np.array(sorted(get_string_id(c) for c in punct), dtype=np.uint64)
            self._punct_for = punct
        return [self._guesses(doc) for doc in docs]

    def _guesses(self, doc: Doc) -> list[bool]:
        n = len(doc)
        if n == 0:
            return []
        arr = doc.to_array(["ORTH", "IS_PUNCT"])
        orth = arr[:, 0]
        ids = self._punct_ids  # sorted: a binary search per token (quicker than np.isin)
        in_punct = ids[np.minimum(np.searchsorted(ids, orth), len(ids) - 1)] == orth
        eligible = np.flatnonzero(~in_punct & (arr[:, 1] == 0))  # may start a sentence
        after = np.searchsorted(eligible, np.flatnonzero(in_punct), side="right")
        guesses = np.zeros(n, dtype=bool)
        guesses[0] = True
        guesses[eligible[after[after < len(eligible)]]] = True
        out: list[bool] = guesses.tolist()
        return out


@Language.factory(
    "codesuggest_sentencizer",
    assigns=["token.is_sent_start", "doc.sents"],
    default_config={
        "punct_chars": None,
        "overwrite": False,
        "scorer": {"@scorers": "spacy.senter_scorer.v1"},
    },
    default_score_weights={"sents_f": 1.0, "sents_p": 0.0, "sents_r": 0.0},
)
def make_sentencizer(
    nlp: Language,
    name: str,
    punct_chars: list[str] | None,
    overwrite: bool,
    scorer: Callable[..., Any] | None,
) -> QuickSentencizer:
    return QuickSentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)
