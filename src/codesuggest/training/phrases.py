"""Learned phrase-to-code associations: short phrases of a site's coded notes that name a code.

Coders' notes say things the code set never does ("HTA", "adenocarcinoma of the sigma", "PSA
elevated"). From the training notes we mine phrases of 1-4 normalised content words (the same
words the lexicon's keys are made of, within one sentence) whose affirmed presence in a note
goes with a gold code: the phrase is affirmed (not negated, family or hypothetical, as ConText
finds it) in at least ``min_support`` notes carrying the code, and ``support / (notes +
pseudo_notes)`` is at least ``min_precision``, ``notes`` being the notes affirming the phrase
(the pseudo-notes make a phrase seen in 3 notes prove more than one seen in 2). A phrase that is
already a lexicon key for that code adds nothing and is skipped. The thresholds are chosen by
cross-validation on the training notes: associations mined on some folds predict the codes of
the held-out fold, and the rule with the best micro F1 wins.

The associations join the model's lexicon with the source ``learned``, so they match like
dictionary terms: with evidence spans, sections and assertion, and a feature of their own.

Mining runs in two passes. The first counts every n-gram's notes and co-occurring codes with
sparse products and keeps the pairs that could pass some threshold; the second runs the real
extraction pipeline with only those candidate keys (larger matches not dropping smaller ones),
so that the counts see matches exactly as the engine will, with their assertion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from spacy.tokens import Doc

from codesuggest.codesets.lexicon import extend_lexicon
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.mentions import assertion_of, located_matches
from codesuggest.extract.normalize import token_words
from codesuggest.extract.pipeline import build_pipeline
from codesuggest.training.metrics import f1_score
from codesuggest.types import Assertion

SOURCE = "learned"
MAX_WORDS = 4
# Assertions under which a phrase counts as present in a note; negated, family and hypothetical
# mentions neither support nor count against a code.
SUPPORTING = frozenset({Assertion.PRESENT, Assertion.POSSIBLE, Assertion.HISTORICAL})
SUPPORT_GRID = (2, 3, 4, 5, 8)
PRECISION_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
PSEUDO_NOTES_GRID = (0, 1, 2, 4)


@dataclass(frozen=True)
class PhraseRule:
    """Which associations are kept: support (notes) and precision thresholds."""

    min_support: int
    min_precision: float
    pseudo_notes: int = 0  # precision = support / (notes + pseudo_notes): rarer phrases pay more


@dataclass(frozen=True)
class LearnedPhrase:
    """A phrase (a lexicon key: sorted distinct content words) learned to name ``code``."""

    key: tuple[str, ...]
    code: str
    support: int  # notes affirming the phrase that carry the code
    notes: int  # notes affirming the phrase

    @property
    def precision(self) -> float:
        return self.support / self.notes


def informative(word: str) -> bool:
    """Whether a word can carry a phrase on its own (not a stop word, a number or a letter)."""
    return len(word) >= 3 and word.isalpha() and word not in ENGLISH_STOP_WORDS


def note_ngrams(doc: Doc, max_words: int = MAX_WORDS) -> set[tuple[str, ...]]:
    """The keys of every run of 1..``max_words`` content words within one sentence of a
    processed ``doc``; ConText's cue words ("no", "denies", "history of") break runs, as a key
    holding one would stop the cue from modifying its neighbours, and keys without an
    informative word are left out."""
    graph = getattr(doc._, "context_graph", None)
    spans = [m.modifier_span for m in graph.modifiers] if graph else []
    spans += getattr(graph, "idle", [])  # cues that modified nothing are cue words too
    cues = {i for span in spans for i in range(*span)}
    out: set[tuple[str, ...]] = set()
    for sent in doc.sents:
        runs: list[list[str]] = [[]]
        for tok in sent:
            if tok.i in cues:
                runs.append([])
            else:
                runs[-1].extend(token_words(tok.text))
        for words in runs:
            for n in range(1, max_words + 1):
                for i in range(len(words) - n + 1):
                    key = tuple(sorted(set(words[i : i + n])))
                    if len(key) == n and any(informative(w) for w in key):
                        out.add(key)
    return out


@dataclass
class PhraseStats:
    """Which candidate phrases each training note affirms, and each note's gold codes."""

    keys: list[tuple[str, ...]]
    codes: list[str]
    affirmed: sparse.csr_matrix  # notes x keys, 1 where the note affirms the phrase
    gold: sparse.csr_matrix  # notes x codes
    known: sparse.csr_matrix  # keys x codes, 1 where the base lexicon already has the pair

    def select(self, rule: PhraseRule, rows: Sequence[int] | None = None) -> list[LearnedPhrase]:
        """The associations that ``rule`` keeps, counted on the notes ``rows`` (default all)."""
        counts, notes = self._counts(rows)
        keep = self._kept(counts, notes, rule)
        out = []
        for k, c in zip(*keep.nonzero(), strict=True):
            out.append(LearnedPhrase(self.keys[k], self.codes[c], int(counts[k, c]), int(notes[k])))
        out.sort(key=lambda p: (p.key, p.code))
        return out

    def cross_validate(
        self, folds: Sequence[tuple[Sequence[int], Sequence[int]]]
    ) -> dict[PhraseRule, tuple[float, float, float]]:
        """Micro precision, recall and F1 of every rule of the grid: associations counted on
        each fold's fit notes predict the codes of its held-out notes."""
        totals = {  # tp, predicted, gold
            PhraseRule(s, p, a): np.zeros(3)
            for s in SUPPORT_GRID
            for p in PRECISION_GRID
            for a in PSEUDO_NOTES_GRID
        }
        for fit, held in folds:
            counts, notes = self._counts(fit)
            held_gold = self.gold[list(held)]
            held_affirmed = self.affirmed[list(held)]
            for rule, total in totals.items():
                keep = self._kept(counts, notes, rule).astype(np.float32)
                predicted = (held_affirmed @ keep).astype(bool).astype(np.float32)
                total += (
                    predicted.multiply(held_gold).sum(),
                    predicted.sum(),
                    held_gold.sum(),
                )
        out = {}
        for rule, (tp, n_pred, n_gold) in totals.items():
            p = tp / n_pred if n_pred else 0.0
            r = tp / n_gold if n_gold else 0.0
            out[rule] = (p, r, f1_score(p, r))
        return out

    def _counts(self, rows: Sequence[int] | None) -> tuple[sparse.csr_matrix, npt.NDArray[Any]]:
        affirmed = self.affirmed if rows is None else self.affirmed[list(rows)]
        gold = self.gold if rows is None else self.gold[list(rows)]
        counts = (affirmed.T @ gold).tocsr()
        notes = np.asarray(affirmed.sum(axis=0)).ravel()
        return counts, notes

    def _kept(
        self, counts: sparse.csr_matrix, notes: npt.NDArray[Any], rule: PhraseRule
    ) -> sparse.csr_matrix:
        coo = counts.tocoo()
        ok = (coo.data >= rule.min_support) & (
            coo.data >= rule.min_precision * (notes[coo.row] + rule.pseudo_notes) - 1e-9
        )
        keep = sparse.csr_matrix(
            (np.ones(int(ok.sum()), dtype=np.float32), (coo.row[ok], coo.col[ok])),
            shape=counts.shape,
        )
        keep = keep - keep.multiply(self.known)
        keep.eliminate_zeros()
        return keep.tocsr()


def choose_rule(
    cv: dict[PhraseRule, tuple[float, float, float]],
) -> PhraseRule:
    """The rule with the best cross-validated F1; ties go to the stricter rule."""
    return max(
        cv, key=lambda r: (round(cv[r][2], 6), r.min_support, r.min_precision, r.pseudo_notes)
    )


def phrase_stats(
    texts: Sequence[str],
    gold: Sequence[set[str]],
    base: LexiconIndex,
    *,
    batch_size: int = 64,
) -> PhraseStats:
    """Count, for every note of ``texts``, which candidate phrases it affirms (see the module
    docstring); ``gold`` holds each note's codes of the lexicon's code system."""
    min_support = min(SUPPORT_GRID)
    min_precision = min(PRECISION_GRID) / 2  # a fold's precision may beat the whole corpus's
    nlp = build_pipeline(LexiconIndex(), mining=True)  # sentences and ConText's cues only
    grams = [note_ngrams(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
    codes = sorted({c for g in gold for c in g})
    code_ids = {c: j for j, c in enumerate(codes)}
    y = _binary([[code_ids[c] for c in g] for g in gold], len(codes))
    # pass 1: n-grams of enough notes, with a code they could predict
    df: dict[tuple[str, ...], int] = {}
    for g in grams:
        for key in g:
            df[key] = df.get(key, 0) + 1
    vocab = sorted(k for k, n in df.items() if n >= min_support)
    ids = {k: i for i, k in enumerate(vocab)}
    x = _binary([[ids[k] for k in g if k in ids] for g in grams], len(vocab))
    co = (x.T @ y).tocoo()
    n_notes = np.asarray([df[k] for k in vocab], dtype=np.float64)
    ok = (co.data >= min_support) & (co.data >= min_precision * n_notes[co.row])
    keys = [vocab[i] for i in sorted(set(co.row[ok].tolist()))]
    # pass 2: the pipeline with only those keys, asserted as the engine will assert them
    probe = extend_lexicon(LexiconIndex(), [(k, "", SOURCE) for k in keys])
    probe_ids = {k: i for i, k in enumerate(probe.keys)}
    order = [probe_ids.get(k) for k in keys]  # keys extend_lexicon refused have no id
    nlp = build_pipeline(probe, mining=True)
    affirmed_ids = [
        {
            m.key_id
            for m, span, section in located_matches(doc)
            if assertion_of(span, section) in SUPPORTING
        }
        for doc in nlp.pipe(texts, batch_size=batch_size)
    ]
    column = {pid: j for j, pid in enumerate(order) if pid is not None}
    affirmed = _binary([[column[i] for i in a if i in column] for a in affirmed_ids], len(keys))
    base_ids = {k: i for i, k in enumerate(base.keys)}
    known_rows, known_cols = [], []
    for j, key in enumerate(keys):
        i = base_ids.get(key)
        if i is None:
            continue
        for code, _ in base.codes[i]:
            if code in code_ids:
                known_rows.append(j)
                known_cols.append(code_ids[code])
    known = sparse.csr_matrix(
        (np.ones(len(known_rows), dtype=np.float32), (known_rows, known_cols)),
        shape=(len(keys), len(codes)),
    )
    return PhraseStats(keys, codes, affirmed, y, known)


def with_phrases(
    base: LexiconIndex, phrases: Sequence[LearnedPhrase], pseudo_notes: int = 0
) -> LexiconIndex:
    """``base`` extended with learned phrases (source ``learned``), each with its strength:
    ``support / (notes + pseudo_notes)``."""
    index = extend_lexicon(base, ((p.key, p.code, SOURCE) for p in phrases))
    ids = {key: i for i, key in enumerate(index.keys)}
    for p in phrases:
        index.strength[(ids[p.key], p.code)] = p.support / (p.notes + pseudo_notes)
    return index


def _binary(rows: list[list[int]], width: int) -> sparse.csr_matrix:
    indices = np.asarray([j for r in rows for j in sorted(set(r))], dtype=np.int64)
    indptr = np.cumsum([0, *(len(set(r)) for r in rows)])
    return sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), width)
    )
