"""The inverted index a code search reads: every way a coder may name a code, as entries.

Entries come from four places, each remembered as the entry's ``kind``:

- ``title``: each code's tabular-list title (words in parentheses are nonessential modifiers:
  matched, not required);
- ``inclusion``: the tabular list's inclusion terms;
- ``index``: the ICD-10-CM Alphabetic Index rows shipped with the lexicon (main index, neoplasm
  table, Table of Drugs and Chemicals, external-cause index), each with its index path; a code
  that needs a 7th character is the initial encounter's (``alpha_index.resolve_code``);
- ``synonym`` / ``abbreviation`` / ``plain`` / ``inverted``: the engine's own phrases
  (``data/synonyms.tsv``), the ones it reads notes with ("htn", "afib", "dm2", "ckd 3b").

Words are normalised as the engine normalises notes (folded, light plural stemming, "renal" read
as "kidney"), with the surface stem kept as well so that a prefix typed by a coder ("ren")
still finds its word. Per entry the index keeps its code, kind, number of content words (what
a query must cover to name it completely) and a static score (the code's prior, billable,
encounter); per word, the entries holding it (a sorted numpy array).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from codesuggest.codesets.alpha_index import SOURCE as INDEX_SOURCE
from codesuggest.codesets.alpha_index import index_rows, resolve_code
from codesuggest.codesets.data_files import data_rows
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import data_phrases
from codesuggest.codesets.search_priors import code_priors
from codesuggest.extract.normalize import EQUIVALENTS, STOPWORDS, fold, stem

KINDS = ("title", "inclusion", "index", "synonym", "abbreviation", "plain", "inverted")
FILLERS_FILE = "search_fillers.tsv"
_WORD = re.compile(r"[a-z0-9]+")
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# external causes (V00-Y99) are never first-listed: a coder finds them when the query says so
_EXTERNAL_CAUSES = ("V", "W", "X", "Y")
# how a kind of entry leans a tie between entries covering a query equally well: the engine's
# own phrases and the index are written as coders and clinicians say things, titles less so
_KIND_BONUS = {
    "abbreviation": 0.03,
    "synonym": 0.03,
    "plain": 0.02,
    "inverted": 0.02,
    "index": 0.02,
    "title": 0.01,
    "inclusion": 0.0,
}


@cache
def search_stopwords() -> frozenset[str]:
    """Words a query and an entry are read without: the normaliser's function words ("of",
    "unspecified", ...), but not "other" (a residual category is not what a bare query means)."""
    return STOPWORDS - {"other"}


@cache
def fillers() -> frozenset[str]:
    """Words an entry may hold that a query need not cover (``data/search_fillers.tsv``)."""
    return frozenset(r["word"].strip() for r in data_rows(FILLERS_FILE))


class QueryWord(NamedTuple):
    """One word of a query: as typed (folded), its stem, and the canonical words it means."""

    surface: str
    stem: str
    canonical: tuple[str, ...]


def query_words(text: str) -> list[QueryWord]:
    """Each word of ``text``, stopwords left out: "renal" -> stem "renal", canonical
    ("kidney",); "cancer" -> canonical ("malignant", "neoplasm")."""
    out: list[QueryWord] = []
    stop = search_stopwords()
    for w in _WORD.findall(fold(text)):
        if w in stop:
            continue
        s = stem(w)
        out.append(QueryWord(w, s, EQUIVALENTS.get(s, (s,))))
    return out


@dataclass(frozen=True, slots=True)
class Entry:
    """One way of naming a code."""

    code: str
    kind: str
    text: str
    path: str = ""  # its Alphabetic Index path (index entries only)


@dataclass
class SearchIndex:
    """Entries, their per-entry arrays, and the postings of each word."""

    entries: list[Entry]
    codes: list[str]  # entry -> code via ``entry_code``
    entry_code: npt.NDArray[np.int32]
    entry_len: npt.NDArray[np.float32]  # content words a query must cover
    entry_static: npt.NDArray[np.float32]  # prior + billable + kind - encounter
    entry_depth: npt.NDArray[np.int8]  # index path depth (0: main term; -1: not index)
    postings: dict[str, npt.NDArray[np.int32]]
    vocab: list[str]  # sorted words, for prefix ranges
    by_shape: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # (len, first)
    code_ids: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def prefix_words(self, prefix: str) -> Iterator[str]:
        """Vocabulary words starting with ``prefix``, in order."""
        i = bisect_left(self.vocab, prefix)
        while i < len(self.vocab) and self.vocab[i].startswith(prefix):
            yield self.vocab[i]
            i += 1


def _entries(codeset: Icd10Cm) -> Iterator[Entry]:
    # Y90-Y99 supplementary factors stay: the engine never proposes them, so a coder adds
    # them by hand, through this search
    for code in codeset.codes():
        info_title = codeset.title(code)
        yield Entry(code, "title", info_title)
        for term in codeset.inclusion_terms(code):
            yield Entry(code, "inclusion", term)
    resolved: dict[str, str | None] = {}
    paths: dict[str, str] = {}
    for row in index_rows():
        if row.code not in resolved:
            resolved[row.code] = resolve_code(row.code, codeset)
        found = resolved[row.code]
        if found is not None:
            # a path repeats for each of its wordings: one string each
            yield Entry(found, INDEX_SOURCE, row.words, paths.setdefault(row.path, row.path))
    for phrase in data_phrases(codeset):
        kind = phrase.source if phrase.source in KINDS else "synonym"
        yield Entry(phrase.code, kind, phrase.text)


def _encounter_penalty(title: str) -> float:
    """Initial encounters before subsequent ones, and both before sequelae."""
    low = title.lower()
    if low.endswith("sequela"):
        return 0.15
    if "subsequent encounter" in low:
        return 0.08
    return 0.0


def _word_info(
    word: str, stop: frozenset[str], fill: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if word in stop:
        return (), ()
    s = stem(word)
    canonical = EQUIVALENTS.get(s, (s,))
    posted = tuple(dict.fromkeys((s, *canonical)))
    return posted, (() if word in fill else canonical)


def build_index(codeset: Icd10Cm, learned: Mapping[str, float] | None = None) -> SearchIndex:
    """The search index of ``codeset`` (``learned``: a trained model's code frequencies,
    ``search_priors.learned_frequencies``)."""
    stop = search_stopwords()
    fill = fillers()
    priors = code_priors(codeset, learned)
    entries: list[Entry] = []
    codes: list[str] = []
    code_ids: dict[str, int] = {}
    entry_code: list[int] = []
    entry_len: list[float] = []
    entry_static: list[float] = []
    entry_depth: list[int] = []
    # 4 bytes an entry while building (a list of ints would hold 36: a peak of 100 MB)
    posting_lists: dict[str, array[int]] = {}
    static_of: dict[str, float] = {}
    # per surface word: the words it is posted under, and its content words (none for a
    # stopword); three million words are read, one dictionary look-up each
    known: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for entry in _entries(codeset):
        text = fold(entry.text)
        words = _WORD.findall(text)
        required = (
            set(_WORD.findall(_PARENS.sub(" ", text))) if "(" in text or "[" in text else None
        )
        stems: set[str] = set()
        content: set[str] = set()
        for w in words:
            info = known.get(w)
            if info is None:
                info = known[w] = _word_info(w, stop, fill)
            stems.update(info[0])
            if info[1] and (required is None or w in required):
                content.update(info[1])
        if not stems:
            continue
        n = len(entries)
        entries.append(entry)
        cid = code_ids.get(entry.code)
        if cid is None:
            cid = code_ids[entry.code] = len(codes)
            codes.append(entry.code)
        entry_code.append(cid)
        entry_len.append(float(max(1, len(content))))
        static = static_of.get(entry.code)
        if static is None:
            # a category stands for the child the query supports (``CodeSearch`` picks it)
            billable = codeset.is_billable(entry.code) or bool(
                codeset.billable_descendants(entry.code, limit=1)
            )
            static = (
                0.15 * priors.get(entry.code, 0.0)
                + (0.05 if billable else -0.5)
                - _encounter_penalty(codeset.title(entry.code))
                - (0.1 if entry.code.startswith(_EXTERNAL_CAUSES) else 0.0)
            )
            static_of[entry.code] = static
        entry_static.append(static + _KIND_BONUS.get(entry.kind, 0.0))
        entry_depth.append(entry.path.count(" > ") if entry.path else -1)
        for s in stems:
            ids = posting_lists.get(s)
            if ids is None:
                ids = posting_lists[s] = array("i")
            ids.append(n)
    postings = {w: np.frombuffer(ids, dtype=np.int32) for w, ids in posting_lists.items()}
    del posting_lists
    # a server reads the Index table only here: its 176k rows need not stay cached (tens of
    # MB); the entries keep the strings they use
    index_rows.cache_clear()
    vocab = sorted(postings)
    by_shape: dict[tuple[int, str], list[str]] = {}
    for w in vocab:
        if len(w) >= 4 and not w.isdigit():
            by_shape.setdefault((len(w), w[0]), []).append(w)
    return SearchIndex(
        entries=entries,
        codes=codes,
        entry_code=np.asarray(entry_code, dtype=np.int32),
        entry_len=np.asarray(entry_len, dtype=np.float32),
        entry_static=np.asarray(entry_static, dtype=np.float32),
        entry_depth=np.asarray(entry_depth, dtype=np.int8),
        postings=postings,
        vocab=vocab,
        by_shape=by_shape,
        code_ids=code_ids,
    )
