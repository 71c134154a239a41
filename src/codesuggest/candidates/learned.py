"""What a model learns from coded notes: a text classifier over the observed label space and
over its code categories, label centroids, nearest coded notes and code priors, all scored for
a batch of notes at once.

The classifier is a multi-output ridge regression on TF-IDF words: on CodiEsp (train -> dev)
it ranks codes better than one-vs-rest logistic regression (MAP 0.25 against 0.19) and fits
in seconds. Its weights form one matrix, so scoring a batch of notes is one sparse product
(one-vs-rest ``predict_proba`` note by note runs about ten notes a second). The same ridge
scores each code's category (E11.9 -> E11), which pools the evidence of rarely coded siblings,
and a label's centroid (the mean of the notes coded with it) gives rare labels a second,
smoother score.

The text it reads is the note plus one word per code the lexicon found affirmed in it
(:func:`lexicon_words`), so that it learns which terms a site's coders code with another code
than the lexicon's.

scikit-learn and SciPy are imported where fitting and scoring need them, not with this module:
every engine imports it, and a model without a learned scorer (the default) never needs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.base import Candidate, LearnedScore
from codesuggest.codesets.systems import CM
from codesuggest.extract.cues import cue_words
from codesuggest.types import Assertion

if TYPE_CHECKING:
    from scipy import sparse

Label = str  # "ICD-10-CM|E11.9"
# a word whose tf-idf times weight adds this much to a label's score counts as evidence for it
WORD_EVIDENCE = 0.01
# the note's words that drove a label, most first, kept as its evidence (``LearnedScore.terms``)
TOP_TERMS = 3
PROCEDURE_TOP = 10  # procedure labels (not ICD-10-CM) proposed per note besides the top ones
# the words lexicon_words adds ("lxe119", "lce11"): not the note's own words
_LEXICON_WORD = re.compile(r"l[xc][a-z][0-9][0-9a-z]*")
_NUMBER = re.compile(r"[0-9]+")
# TfidfVectorizer's default token_pattern
_WORD = re.compile(r"(?u)\b\w\w+\b")


def label(system: str, code: str) -> Label:
    return f"{system}|{code}"


@lru_cache(maxsize=1 << 16)
def split_label(value: Label) -> tuple[str, str]:
    system, _, code = value.partition("|")
    return system, code


@lru_cache(maxsize=1 << 16)
def category(value: Label) -> Label:
    """The category of a label: the 3-character ICD-10-CM category, or the first 4 characters
    of a procedure code (ICD-10-PCS section, body system, operation and body part)."""
    system, code = split_label(value)
    return f"{system}|{code[:3] if system == CM else code[:4]}"


def lexicon_words(cands: Iterable[Candidate]) -> str:
    """One word per ICD-10-CM code (and one per category) that the note's mentions name
    affirmed: what the classifier reads besides the note's own words. A history code derived
    from its condition's mentions (``Candidate.derived_from``) is not one: they name that
    condition, as a relative's or a past one."""
    words = set()
    for c in cands:
        if (
            c.system == CM
            and c.derived_from is None
            and any(m.assertion is Assertion.PRESENT for m in c.mentions)
        ):
            plain = c.code.replace(".", "").lower()
            words.add(f"lx{plain}")
            words.add(f"lc{plain[:3]}")
    return " ".join(sorted(words))


class NoteScores:
    """The learned scores of one note: the labels worth proposing, and any label's score."""

    def __init__(self, scorer: LearnedScorer, row: int, batch: _Batch) -> None:
        self._scorer = scorer
        self._row = row
        self._batch = batch
        probs, knn = batch.probs[row], batch.knn[row]
        order = _top(probs, max(scorer.top, 200)).tolist()
        self._best = float(probs[order[0]])
        self._ranks = {j: r for r, j in enumerate(order, start=1)}
        voted = _top(knn + 1e-4 * probs, scorer.top // 2).tolist()
        chosen = order[: scorer.top] + [j for j in voted if knn[j] > 0]
        # procedures a note's diagnoses would crowd out of the top labels
        procedures = scorer.procedure_ids()
        chosen += [j for j in order if j in procedures][:PROCEDURE_TOP]
        self.labels: list[Label] = [scorer.labels_[j] for j in dict.fromkeys(chosen)]

    def get(self, value: Label) -> LearnedScore | None:
        """The scores of ``value`` (see :meth:`get_many`)."""
        return self.get_many([value])[0]

    def get_many(
        self, values: Sequence[Label], terms_for: Sequence[bool] | None = None
    ) -> list[LearnedScore | None]:
        """The scores of each label; a label never coded in training scores zero, with the
        prior of a count of zero and its category's scores, or None if its category was
        never coded either. ``terms`` are found for the labels ``terms_for`` marks (all when
        None): the codes whose evidence they may be."""
        s, b, i = self._scorer, self._batch, self._row
        n = len(s.labels_)
        js = [s.index_.get(v, -1) for v in values]
        ks = [s.category_index_.get(category(v), -1) for v in values]
        # one gather per array: reading numpy scalars one by one costs more than the scoring
        at = np.asarray([max(j, 0) for j in js], dtype=np.intp)
        cat_at = np.asarray([max(k, 0) for k in ks], dtype=np.intp)
        probs = b.probs[i][at].tolist()
        knn = b.knn[i][at].tolist()
        centroid = b.centroid[i][at].tolist()
        prior = s.log_prior_[at].tolist()
        cats = b.category[i][cat_at].tolist()
        cat_knn = b.category_knn[i][cat_at].tolist()
        # each word's share of each label's score: (words in the note x labels asked for)
        start, end = b.x.indptr[i], b.x.indptr[i + 1]
        if end > start:
            rows = b.x.indices[start:end]
            share = b.x.data[start:end, None] * s.weights_[np.ix_(rows, at)]
            top_word = share.max(axis=0).tolist()
            words = (share > WORD_EVIDENCE).sum(axis=0).tolist()
            terms: list[tuple[str, ...]] = [()] * len(values)
            wanted = [m for m in range(len(values)) if terms_for is None or terms_for[m]]
            if wanted:
                found = s.top_terms(rows, share[:, np.asarray(wanted, dtype=np.intp)])
                for m, words_of in zip(wanted, found, strict=True):
                    terms[m] = words_of
        else:
            top_word = [0.0] * len(values)
            words = [0] * len(values)
            terms = [()] * len(values)
        out: list[LearnedScore | None] = []
        for m, (j, k) in enumerate(zip(js, ks, strict=True)):
            if k < 0:  # a label coded in training has its category coded too
                out.append(None)
            elif j < 0:
                out.append(
                    LearnedScore(
                        0.0, 0.0, s.unseen_prior_, n + 1, -self._best, 0.0, cats[m], cat_knn[m]
                    )
                )
            else:
                out.append(
                    LearnedScore(
                        probs[m],
                        knn[m],
                        prior[m],
                        self._ranks.get(j, n),
                        probs[m] - self._best,
                        centroid[m],
                        cats[m],
                        cat_knn[m],
                        top_word[m],
                        words[m],
                        terms[m],
                    )
                )
        return out


@dataclass
class _Batch:
    x: sparse.csr_matrix
    probs: npt.NDArray[np.float32]
    knn: npt.NDArray[np.float32]
    centroid: npt.NDArray[np.float32]
    category: npt.NDArray[np.float32]
    category_knn: npt.NDArray[np.float32]


class LearnedScorer:
    """TF-IDF features, stacked ridge weights for labels and categories, label centroids,
    k nearest notes, priors."""

    def __init__(
        self, *, top: int = 30, neighbours: int = 10, alpha: float = 0.03, seed: int = 0
    ) -> None:
        self.top = top
        self.neighbours = neighbours
        self.alpha = alpha
        self.seed = seed

    def procedure_ids(self) -> frozenset[int]:
        """The rows of the labels that are procedures (any system but ICD-10-CM)."""
        found: frozenset[int] | None = getattr(self, "_procedure_ids", None)
        if found is None:
            found = frozenset(j for j, v in enumerate(self.labels_) if split_label(v)[0] != CM)
            self._procedure_ids = found
        return found

    def fit(self, texts: Sequence[str], labels: Sequence[set[Label]]) -> LearnedScorer:
        """Learn the vocabulary, the label space, the ridge weights and the note memory."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import Ridge

        self.vectorizer_ = TfidfVectorizer(
            min_df=2,
            sublinear_tf=True,
            strip_accents="unicode",
            stop_words="english",
            dtype=np.float32,
        )
        x = self.vectorizer_.fit_transform(texts)
        # scikit-learn caches id(stop_words) here: a memory address, different in every run,
        # that would make two trainings with one seed differ byte for byte
        vars(self.vectorizer_).pop("_stop_words_id", None)
        y, self.labels_ = _binarize(labels)
        y_cat, self.categories_ = _binarize([{category(v) for v in s} for s in labels])
        self.index_ = {v: j for j, v in enumerate(self.labels_)}
        self.category_index_ = {v: j for j, v in enumerate(self.categories_)}
        counts = np.asarray(y.sum(axis=0)).ravel()
        self.log_prior_ = np.log((counts + 0.5) / (len(texts) + 1.0)).astype(np.float32)
        self.unseen_prior_ = float(np.log(0.5 / (len(texts) + 1.0)))
        both = sparse.hstack([y, y_cat]).tocsc()
        ridge = Ridge(alpha=self.alpha, random_state=self.seed)
        ridge.fit(x, both.toarray().astype(np.float32))
        # (vocabulary x outputs), C-contiguous: a transposed view would be copied at every call
        self.weights_ = np.ascontiguousarray(np.asarray(ridge.coef_, dtype=np.float32).T)
        self.bias_ = np.asarray(ridge.intercept_, dtype=np.float32)
        self.memory_ = x.tocsr()
        self.memory_labels_ = both.tocsr().astype(np.float32)
        # a note's cosine with a label's centroid (the sum of its notes, unit length) is its
        # similarities to those notes, summed and divided by the sum's length: no centroids kept
        sums = sparse.csr_matrix(y.T.astype(np.float32) @ x)
        norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
        self.centroid_scale_ = (1.0 / np.maximum(norms, 1e-12)).astype(np.float32)
        return self

    def score(self, texts: Sequence[str]) -> list[NoteScores]:
        """The scores of each note (``texts`` as :func:`learned_text` writes them)."""
        if not len(texts):
            return []
        x = self.vectorizer_.transform(texts)
        out = np.asarray(x @ self.weights_) + self.bias_
        sims = (x @ self.memory_.T).toarray()
        votes = self._neighbour_votes(sims)
        n = len(self.labels_)
        centroid = np.asarray(sims @ self.memory_labels_[:, :n], dtype=np.float32)
        batch = _Batch(
            x,
            out[:, :n],
            votes[:, :n],
            centroid * self.centroid_scale_,
            out[:, n:],
            votes[:, n:],
        )
        return [NoteScores(self, i, batch) for i in range(len(texts))]

    def top_terms(
        self, rows: npt.NDArray[np.int32], share: npt.NDArray[np.float32]
    ) -> list[tuple[str, ...]]:
        """For each column of ``share`` (the contribution of the note's words ``rows`` to a
        label), up to ``TOP_TERMS`` of the note's own finding words contributing most, most
        first: not the lexicon's words, nor ConText cue words ("denies", "rule", "mother"),
        nor bare numbers."""
        names, other = self._vocabulary()
        own = np.where(other[rows][:, None], 0.0, share)
        k = min(TOP_TERMS, own.shape[0])
        best = np.argpartition(-own, k - 1, axis=0)[:k]
        values = np.take_along_axis(own, best, axis=0)
        order = np.argsort(-values, axis=0, kind="stable")
        best = np.take_along_axis(best, order, axis=0)
        values = np.take_along_axis(values, order, axis=0)
        words = names[rows[best]].T.tolist()  # label by label
        keep = (values > WORD_EVIDENCE).T.tolist()
        return [
            tuple(w for w, ok in zip(ws, oks, strict=True) if ok)
            for ws, oks in zip(words, keep, strict=True)
        ]

    def _vocabulary(self) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.bool_]]:
        """The vocabulary's words by column, and which are not finding words of the note
        (lexicon words, cue words, numbers; cached, not saved)."""
        cached: tuple[npt.NDArray[np.str_], npt.NDArray[np.bool_]] | None = vars(self).get(
            "_vocabulary_cache"
        )
        if cached is None:
            names = np.asarray(self.vectorizer_.get_feature_names_out(), dtype=np.str_)
            cues = cue_words()
            other = np.asarray(
                [
                    w in cues or bool(_LEXICON_WORD.fullmatch(w) or _NUMBER.fullmatch(w))
                    for w in names.tolist()
                ],
                dtype=bool,
            )
            cached = (names, other)
            self._vocabulary_cache = cached
        return cached

    def __getstate__(self) -> dict[str, object]:
        state = dict(vars(self))
        state.pop("_vocabulary_cache", None)
        return state

    def _neighbour_votes(self, sims: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Each output's share of the similarity of the ``neighbours`` most similar notes."""
        from scipy import sparse

        k = min(self.neighbours, sims.shape[1])
        rows = np.repeat(np.arange(sims.shape[0]), k)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        weights = np.take_along_axis(sims, top, axis=1)
        weights = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
        picks = sparse.csr_matrix(
            (weights.ravel(), (rows, top.ravel())), shape=sims.shape, dtype=np.float32
        )
        return np.asarray((picks @ self.memory_labels_).todense(), dtype=np.float32)


def note_words(text: str) -> Iterator[tuple[int, int, str]]:
    """Each word of ``text`` as the scorer's vectoriser reads it (lower case, accents stripped),
    with its offsets: where in the note a word of ``LearnedScore.terms`` stands."""
    for match in _WORD.finditer(text):
        word = match.group().lower()
        yield match.start(), match.end(), word if word.isascii() else _strip_accents(word)


def first_words(text: str, words: Iterable[str]) -> dict[str, tuple[int, int]]:
    """The offsets of the first word of ``text`` that reads as each of ``words`` (vocabulary
    words: lower case, accents stripped), for those it holds."""
    wanted = set(words)
    first: dict[str, tuple[int, int]] = {}
    if not wanted:
        return first
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if not word.isascii():
            word = _strip_accents(word)
        if word in wanted and word not in first:
            first[word] = match.span()
    return first


def _strip_accents(word: str) -> str:
    """What the vectoriser's ``strip_accents="unicode"`` makes of a word (imported when a
    note has a word that is not ASCII)."""
    from sklearn.feature_extraction.text import strip_accents_unicode

    return str(strip_accents_unicode(word))


def learned_text(text: str, cands: Iterable[Candidate]) -> str:
    """What the scorer reads for a note: its text and the words of its lexicon codes."""
    return f"{text}\n{lexicon_words(cands)}"


def _top(values: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    """The indices of the ``k`` largest values, largest first."""
    k = min(k, len(values))
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


def _binarize(sets: Sequence[set[Label]]) -> tuple[sparse.csr_matrix, list[Label]]:
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer(sparse_output=True)
    y = binarizer.fit_transform(sets).tocsr()
    return y, list(binarizer.classes_)
