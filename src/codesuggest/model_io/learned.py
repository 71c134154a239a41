"""The learned scorer of a trained model (``candidates.learned.LearnedScorer``): its parameters,
vectoriser and label names in ``learned.json``, its fitted arrays in ``learned.npz``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.learned import LearnedScorer
from codesuggest.errors import ModelError
from codesuggest.model_io.arrays import (
    Array,
    csr_arrays,
    csr_from_arrays,
    csr_names,
    read_arrays,
    write_arrays,
)
from codesuggest.model_io.json_file import read_json, write_json
from codesuggest.model_io.vectorizer import rebuild_vectorizer, vectorizer_state

JSON = "learned.json"
ARRAYS = "learned.npz"
FORMAT = 1
_PARAMS = {"top": int, "neighbours": int, "alpha": float, "seed": int}
_VECTORS = ("idf", "log_prior", "weights", "bias", "centroid_scale")
NAMES = (*_VECTORS, *csr_names("memory"), *csr_names("memory_labels"))


def save_learned(scorer: LearnedScorer, folder: Path) -> None:
    """Write a fitted ``scorer`` as ``learned.json`` and ``learned.npz`` in ``folder``."""
    params, vocabulary, idf = vectorizer_state(scorer.vectorizer_)
    write_json(
        folder / JSON,
        {
            "format": FORMAT,
            "params": {name: getattr(scorer, name) for name in _PARAMS},
            "vectorizer": {"params": params, "vocabulary": vocabulary},
            "labels": scorer.labels_,
            "categories": scorer.categories_,
            "unseen_prior": scorer.unseen_prior_,
        },
    )
    arrays: dict[str, Array] = {
        "idf": idf,
        "log_prior": scorer.log_prior_,
        "weights": scorer.weights_,
        "bias": scorer.bias_,
        "centroid_scale": scorer.centroid_scale_,
        **csr_arrays("memory", scorer.memory_),
        **csr_arrays("memory_labels", scorer.memory_labels_),
    }
    write_arrays(folder / ARRAYS, arrays)


def load_learned(folder: Path) -> LearnedScorer:
    """The scorer :func:`save_learned` wrote, checked as it is read."""
    data = read_json(folder / JSON)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise ModelError(f"{JSON}: learned scorer format {found} is not {FORMAT}")
    params = data.get("params")
    if not isinstance(params, dict) or set(params) != set(_PARAMS):
        raise ModelError(f"{JSON}: params are not {', '.join(_PARAMS)}")
    if not all(
        type(params[k]) is t or (t is float and type(params[k]) is int) for k, t in _PARAMS.items()
    ):
        raise ModelError(f"{JSON}: params of the wrong type")
    labels, categories = _strings(data.get("labels")), _strings(data.get("categories"))
    if labels is None or categories is None:
        raise ModelError(f"{JSON}: labels and categories are not lists of names")
    unseen = data.get("unseen_prior")
    if type(unseen) is not float:
        raise ModelError(f"{JSON}: unseen_prior is not a number")
    vectorizer = data.get("vectorizer")
    if not isinstance(vectorizer, dict) or set(vectorizer) != {"params", "vocabulary"}:
        raise ModelError(f"{JSON}: vectorizer is not its params and vocabulary")
    a = read_arrays(folder / ARRAYS, NAMES)
    scorer = LearnedScorer(**params)
    scorer.vectorizer_ = rebuild_vectorizer(
        vectorizer["params"], vectorizer["vocabulary"], a["idf"], JSON
    )
    scorer.labels_ = labels
    scorer.categories_ = categories
    scorer.index_ = {v: j for j, v in enumerate(labels)}
    scorer.category_index_ = {v: j for j, v in enumerate(categories)}
    scorer.log_prior_ = _float32(a, "log_prior")
    scorer.unseen_prior_ = unseen
    scorer.weights_ = _float32(a, "weights")
    scorer.bias_ = _float32(a, "bias")
    scorer.memory_ = csr_from_arrays("memory", a, ARRAYS)
    scorer.memory_labels_ = csr_from_arrays("memory_labels", a, ARRAYS)
    scorer.centroid_scale_ = _float32(a, "centroid_scale")
    _check_shapes(scorer, len(vectorizer["vocabulary"]))
    return scorer


def _check_shapes(s: LearnedScorer, words: int) -> None:
    labels, outputs, notes = len(s.labels_), len(s.labels_) + len(s.categories_), s.memory_.shape[0]
    expected = {
        "weights": (s.weights_, (words, outputs)),
        "bias": (s.bias_, (outputs,)),
        "log_prior": (s.log_prior_, (labels,)),
        "centroid_scale": (s.centroid_scale_, (labels,)),
        "memory": (s.memory_, (notes, words)),
        "memory_labels": (s.memory_labels_, (notes, outputs)),
    }
    for name, (array, shape) in expected.items():
        if array.shape != shape or not np.issubdtype(array.dtype, np.floating):
            raise ModelError(f"{ARRAYS}: {name} is shaped {array.shape}, not {shape}")
    if len(s.index_) != labels or len(s.category_index_) != len(s.categories_):
        raise ModelError(f"{JSON}: a label or category named twice")


def _float32(arrays: dict[str, Array], name: str) -> npt.NDArray[np.float32]:
    array = arrays[name]
    if array.dtype != np.float32:
        raise ModelError(f"{ARRAYS}: {name} is {array.dtype}, not float32")
    return array.astype(np.float32, copy=False)


def _strings(value: object) -> list[str] | None:
    """``value`` if it is a list of strings."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None
