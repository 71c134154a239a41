"""A fitted scikit-learn ``TfidfVectorizer`` as JSON (its parameters and vocabulary) and one
array (``idf_``), rebuilt by setting what ``fit`` learns on a vectoriser made from those
parameters.

JSON holds no callables, so a saved vectoriser cannot name a function to run: one fitted with a
callable preprocessor, tokenizer or analyzer is refused when saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from codesuggest.errors import ModelError

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

DTYPES = {"float32": np.float32, "float64": np.float64}
_NONE_ONLY = ("preprocessor", "tokenizer", "vocabulary")  # callables or learned state
_ANALYZERS = ("word", "char", "char_wb")


def vectorizer_state(
    vectorizer: TfidfVectorizer,
) -> tuple[dict[str, Any], list[str], npt.NDArray[np.floating[Any]]]:
    """The parameters (JSON values), the vocabulary by column and ``idf_`` of a fitted
    vectoriser."""
    params = dict(vectorizer.get_params())
    if any(params[name] is not None for name in _NONE_ONLY):
        raise ValueError(f"cannot save a vectoriser with a {', '.join(_NONE_ONLY)} of its own")
    if params["analyzer"] not in _ANALYZERS:
        raise ValueError("cannot save a vectoriser with an analyzer of its own")
    names = [name for name, dtype in DTYPES.items() if params["dtype"] is dtype]
    if not names:
        raise ValueError(f"cannot save a vectoriser of dtype {params['dtype']}")
    params["dtype"] = names[0]
    params["ngram_range"] = list(params["ngram_range"])
    if isinstance(params["stop_words"], tuple | set | frozenset):
        params["stop_words"] = sorted(params["stop_words"])
    vocabulary = [""] * len(vectorizer.vocabulary_)
    for word, column in vectorizer.vocabulary_.items():
        vocabulary[column] = word
    return params, vocabulary, np.asarray(vectorizer.idf_)


def rebuild_vectorizer(
    params: object, vocabulary: object, idf: npt.NDArray[np.generic], where: str
) -> TfidfVectorizer:
    """The vectoriser :func:`vectorizer_state` described, checked first."""
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

    known = TfidfVectorizer().get_params()
    if not isinstance(params, dict) or set(params) != set(known):
        raise ModelError(f"{where}: the vectoriser's parameters are not TfidfVectorizer's")
    if any(params[name] is not None for name in _NONE_ONLY):
        raise ModelError(f"{where}: the vectoriser names a {', '.join(_NONE_ONLY)}")
    if params["analyzer"] not in _ANALYZERS or params["dtype"] not in DTYPES:
        raise ModelError(f"{where}: the vectoriser's analyzer or dtype is not one it may have")
    ngrams = params["ngram_range"]
    if not (isinstance(ngrams, list) and len(ngrams) == 2 and all(type(n) is int for n in ngrams)):
        raise ModelError(f"{where}: the vectoriser's ngram_range is not two integers")
    words = _strings(vocabulary)
    if words is None:
        raise ModelError(f"{where}: the vocabulary is not a list of words")
    columns = {word: column for column, word in enumerate(words)}
    if len(columns) != len(words) or not columns:
        raise ModelError(f"{where}: the vocabulary is empty or lists a word twice")
    if idf.shape != (len(words),) or not np.issubdtype(idf.dtype, np.floating):
        raise ModelError(f"{where}: idf does not match the vocabulary")
    stop = params["stop_words"]
    if not (stop is None or isinstance(stop, str) or _strings(stop) is not None):
        raise ModelError(f"{where}: the vectoriser's stop words are not words")
    vectorizer = TfidfVectorizer(
        **{**params, "dtype": DTYPES[params["dtype"]], "ngram_range": tuple(ngrams)}
    )
    vectorizer.vocabulary_ = columns
    vectorizer.fixed_vocabulary_ = False
    tfidf = TfidfTransformer(
        norm=vectorizer.norm,
        use_idf=vectorizer.use_idf,
        smooth_idf=vectorizer.smooth_idf,
        sublinear_tf=vectorizer.sublinear_tf,
    )
    tfidf.n_features_in_ = len(words)
    tfidf.idf_ = idf
    vectorizer._tfidf = tfidf
    return vectorizer


def _strings(value: object) -> list[str] | None:
    """``value`` if it is a list of strings."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None
