"""A TF-IDF vectoriser rebuilt from its parameters, vocabulary and idf transforms as fitted."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from codesuggest.errors import ModelError
from codesuggest.model_io.vectorizer import rebuild_vectorizer, vectorizer_state

TEXTS = [
    "Type 2 diabetes mellitus, poorly controlled; café au lait spots",
    "Essential hypertension on enalapril, diabetes stable",
    "Pneumonia of the right lower lobe, hypertension",
]


def _fitted() -> TfidfVectorizer:
    return TfidfVectorizer(
        min_df=1,
        sublinear_tf=True,
        strip_accents="unicode",
        stop_words="english",
        dtype=np.float32,
    ).fit(TEXTS)


def test_rebuilt_vectorizer_transforms_bit_for_bit() -> None:
    fitted = _fitted()
    params, vocabulary, idf = vectorizer_state(fitted)
    params, vocabulary = json.loads(json.dumps([params, vocabulary]))  # as a file holds them
    rebuilt = rebuild_vectorizer(params, vocabulary, idf, "t")
    notes = [*TEXTS, "diabetes and hypertension, unknown words here"]
    a, b = fitted.transform(notes), rebuilt.transform(notes)
    assert a.dtype == b.dtype == np.float32
    assert a.indices.tobytes() == b.indices.tobytes() and a.data.tobytes() == b.data.tobytes()
    assert sorted(vars(rebuilt)) == sorted(vars(fitted))
    assert sorted(vars(rebuilt._tfidf)) == sorted(vars(fitted._tfidf))
    assert list(rebuilt.get_feature_names_out()) == list(fitted.get_feature_names_out())


def test_vectorizer_with_a_callable_is_not_saved() -> None:
    fitted = TfidfVectorizer(preprocessor=str.lower).fit(TEXTS)
    with pytest.raises(ValueError, match="preprocessor"):
        vectorizer_state(fitted)


def test_rebuild_refuses_what_a_vectorizer_cannot_hold() -> None:
    params, vocabulary, idf = vectorizer_state(_fitted())
    with pytest.raises(ModelError, match="not TfidfVectorizer's"):
        rebuild_vectorizer({**params, "extra": 1}, vocabulary, idf, "t")
    with pytest.raises(ModelError, match="analyzer or dtype"):
        rebuild_vectorizer({**params, "dtype": "object"}, vocabulary, idf, "t")
    with pytest.raises(ModelError, match="names a"):
        rebuild_vectorizer({**params, "tokenizer": "os.system"}, vocabulary, idf, "t")
    with pytest.raises(ModelError, match="twice"):
        rebuild_vectorizer(params, [vocabulary[0], *vocabulary[:-1]], idf, "t")
    with pytest.raises(ModelError, match="idf"):
        rebuild_vectorizer(params, vocabulary, idf[:-1], "t")
