"""Find ICD-10-CM codes as a coder looks them up: by code, by the words of the Alphabetic
Index, titles and inclusion terms, and by the abbreviations and synonyms the engine reads.

A query shaped like a code matches codes by prefix, dots optional ("e119", "I50."). Otherwise
each query word must name a word of an entry (``search_index``): the word itself, a longer word
it starts (typing ahead: "hypert"), the word its abbreviation stands for ("htn" ->
"hypertension", ``data/lowercase_abbreviations.tsv`` and ``data/abbreviation_expansions.tsv``),
or a word one typing slip away (a letter missing, extra, wrong or two swapped: "pnuemonia").
An entry scores by how well its words are named and how much of it the query covers, leaned
by its code's prior (``search_priors``), billable codes first and initial encounters before
subsequent ones and sequelae. Codes appear once, with the entry that found them (its index
path when it is an Index entry).

When the best entry is an Alphabetic Index entry the query names completely (a main term such
as "Hypertension", or "Failure > heart"), the entries under it follow, in the Index's order, as
a coder would browse them in the book.

Work is bounded whatever the query (a server takes queries from anyone): at most
``MAX_TOKENS`` words are read, one-letter words only beside a longer word and at most
``MAX_LETTERS`` of them, a prefix reads at most
``MAX_PREFIX_WORDS`` words and ``MAX_POSTINGS`` postings, and a slip is looked for among words
of one length and first letter only; ``Work`` counts it all.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

from codesuggest.codesets.data_files import data_rows
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.search_index import QueryWord, SearchIndex, build_index, query_words
from codesuggest.codesets.search_priors import TrainedPriors, learned_frequencies
from codesuggest.codesets.systems import CM

_CODE_LIKE = re.compile(r"[A-Za-z]\d[0-9A-Za-z]?\.?[0-9A-Za-z]{0,4}")
MAX_QUERY_CHARS = 400  # characters of a query read
MAX_TOKENS = 8  # query words read; the rest are ignored
MAX_LETTERS = 2  # one-letter query words read ("vitamin d"), only beside a longer word
MAX_PREFIX_WORDS = 64  # words a typed-ahead prefix may stand for
MAX_POSTINGS = 200_000  # entries one query word may read
MAX_BROWSE_ROWS = 3_000  # index rows read when listing a term's subterms
MAX_CHILDREN = 60  # billable codes read under an Index entry's incomplete code
BROWSE_DEPTH = 2  # levels under the term listed ("with > heart failure" is two)
_EXACT, _EQUIVALENT, _PREFIX, _SLIP = 1.0, 0.95, 0.85, 0.75
_PREFIX_OF_WORD = 0.5  # a longer word started by a query word that is a word itself
_ONE_SHORT = 0.35  # an entry naming all query words but one scores this much less
_COMPLETE = 0.999


@dataclass(frozen=True)
class CodeHit:
    """One search result: the code, and the entry that found it."""

    code: str
    title: str
    billable: bool
    path: str = ""  # the Alphabetic Index path of the entry, when it is an Index entry
    matched: str = ""  # the entry's words ("htn", an inclusion term, the index words)
    kind: str = "code"  # code, title, inclusion, index, synonym, abbreviation, plain, inverted
    system: str = CM


@dataclass
class Work:
    """What one search read: the bound a test holds the search to."""

    tokens: int = 0  # query words read (each variant of the query counts its own)
    words: int = 0  # vocabulary words looked at (exact, prefix, slips)
    postings: int = 0  # entries read from postings
    rows: int = 0  # index rows read when listing subterms
    codes: int = 0  # codes read for a code-shaped query


@dataclass
class _Scored:
    entries: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float32]
    complete: npt.NDArray[np.bool_]
    order: list[int] = field(default_factory=list)


@cache
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Abbreviation -> the words it stands for, from the engine's data ("htn" ->
    "hypertension"; "chf" -> "congestive heart failure")."""
    out: dict[str, tuple[str, ...]] = {}
    for name, column in (
        ("abbreviation_expansions.tsv", "expansion"),
        ("lowercase_abbreviations.tsv", "reading"),
    ):
        for row in data_rows(name):
            key = tuple(q.stem for q in query_words(row["abbreviation"]))
            words = tuple(w for q in query_words(row[column]) for w in q.canonical)
            if len(key) == 1 and words:
                out[key[0]] = words
    return out


class CodeSearch:
    """An in-memory search over one code set (built in some seconds: ``code_search`` builds it
    once per loaded model, lazily or in the background with ``warm_code_search``, so that
    loading a model costs nothing for it)."""

    def __init__(self, codeset: Icd10Cm, learned: Mapping[str, float] | None = None) -> None:
        self.codeset = codeset
        self.index: SearchIndex = build_index(codeset, learned)
        self._plain = {c.replace(".", ""): c for c in codeset.codes()}
        self._sorted_plain = sorted(self._plain)
        self._title_words: dict[str, frozenset[str]] = {}

    def search(self, query: str, limit: int = 20, work: Work | None = None) -> list[CodeHit]:
        """The best ``limit`` codes for ``query`` (empty for a query without words)."""
        work = work if work is not None else Work()
        query = query.strip()
        if not query:
            return []
        if _CODE_LIKE.fullmatch(query):
            hits = self._by_code(query.replace(".", "").upper(), limit, work)
            if hits:
                return hits
        tokens = self._tokens(query)
        if not tokens:
            return []
        variants = [tokens]
        expanded = self._expanded(tokens)
        if [t.stem for t in expanded] != [t.stem for t in tokens]:
            variants.append(expanded)
        said = frozenset(w for v in variants for t in v for w in (t.stem, *t.canonical))
        best: _Scored | None = None
        for variant in variants:
            scored = self._score(variant, work)
            if scored is not None:
                best = scored if best is None else _merge(best, scored)
        if best is None:
            return []
        return self._hits(best, limit, said, work)

    # --- query words ------------------------------------------------------------------------
    @staticmethod
    def _tokens(query: str) -> list[QueryWord]:
        """The query's distinct words, at most ``MAX_TOKENS``; a one-letter word ("vitamin
        d", "hepatitis c") only beside a longer word, and at most ``MAX_LETTERS`` of them."""
        seen: set[str] = set()
        out: list[QueryWord] = []
        letters = 0
        words = query_words(query[:MAX_QUERY_CHARS])
        if not any(len(w.stem) > 1 for w in words):
            return []
        for word in words:
            if word.stem in seen:
                continue
            if len(word.stem) == 1:
                if letters == MAX_LETTERS:
                    continue
                letters += 1
            seen.add(word.stem)
            out.append(word)
            if len(out) == MAX_TOKENS:
                break
        return out

    @staticmethod
    def _expanded(tokens: list[QueryWord]) -> list[QueryWord]:
        """The query with each abbreviation said in full and each word as its canonical words
        ("htn" -> "hypertension", "afib" -> "atrial fibrillation")."""
        table = abbreviations()
        out: list[QueryWord] = []
        seen: set[str] = set()
        for token in tokens:
            for word in table.get(token.stem, token.canonical):
                if word not in seen:
                    seen.add(word)
                    out.append(QueryWord(word, word, (word,)))
        return out[:MAX_TOKENS]

    def _word_matches(self, token: QueryWord, last: bool, work: Work) -> list[tuple[str, float]]:
        """Vocabulary words the query word names and how well, weakest first."""
        index = self.index
        surface, stem_, canonical = token
        found: dict[str, float] = {}
        for word in canonical:
            if word in index.postings:
                found[word] = _EXACT if word == stem_ else _EQUIVALENT
        if stem_ in index.postings:
            found[stem_] = _EXACT
        work.words += len(canonical) + 1
        if len(stem_) >= 3 or (last and len(stem_) >= 2):
            taken = 0
            # a word typed whole ("afib") is what was meant; longer words it starts
            # ("afibrinogenemia") only when nothing else names it
            prefix = _PREFIX_OF_WORD if found else _PREFIX
            for word in index.prefix_words(stem_):
                work.words += 1
                if word not in found:
                    found[word] = prefix
                    taken += 1
                    if taken == MAX_PREFIX_WORDS:
                        break
        if not found and len(stem_) >= 4 and not stem_.isdigit():
            # the stem of a misspelt word may have lost a letter the word needs ("sepsys")
            for typed in dict.fromkeys((stem_, surface)):
                for word in self._slips(typed, work):
                    found[word] = _SLIP
        return sorted(found.items(), key=lambda item: item[1])

    def _slips(self, word: str, work: Work) -> list[str]:
        """Vocabulary words one typing slip from ``word`` (same first letter)."""
        out: list[str] = []
        shapes = self.index.by_shape
        for length in (len(word) - 1, len(word), len(word) + 1):
            for other in shapes.get((length, word[0]), ()):
                work.words += 1
                if _one_slip(word, other):
                    out.append(other)
        return out

    # --- scoring ----------------------------------------------------------------------------
    def _score(self, tokens: list[QueryWord], work: Work) -> _Scored | None:
        index = self.index
        n_entries = len(index)
        quality = np.zeros(n_entries, dtype=np.float32)
        named = np.zeros(n_entries, dtype=np.int16)
        n = 0
        for i, token in enumerate(tokens):
            work.tokens += 1
            matches = self._word_matches(token, i == len(tokens) - 1, work)
            if not matches:
                continue
            n += 1
            # sparse: only the entries this word names are touched, each once at its best
            parts: list[npt.NDArray[np.int32]] = []
            grades: list[npt.NDArray[np.float32]] = []
            read = 0
            for word, q in matches:
                ids = index.postings[word]
                if read + len(ids) > MAX_POSTINGS:
                    continue
                read += len(ids)
                parts.append(ids)
                grades.append(np.full(len(ids), q, dtype=np.float32))
            work.postings += read
            if not parts:
                continue
            ids_all = np.concatenate(parts)
            q_all = np.concatenate(grades)
            order = np.lexsort((-q_all, ids_all))
            ids_all, q_all = ids_all[order], q_all[order]
            first = np.ones(len(ids_all), dtype=bool)
            first[1:] = ids_all[1:] != ids_all[:-1]
            quality[ids_all[first]] += q_all[first]
            named[ids_all[first]] += 1
        if n == 0:
            return None
        total = len(tokens)
        need = total
        candidates = np.flatnonzero(named >= need)
        short = 0.0
        if not len(candidates) and total >= 2:
            need, short = total - 1, _ONE_SHORT
            candidates = np.flatnonzero(named >= need)
        if not len(candidates):
            return None
        got = named[candidates].astype(np.float32)
        match = quality[candidates] / np.float32(total)
        coverage = np.minimum(np.float32(1.0), got / index.entry_len[candidates])
        scores = match * coverage + index.entry_static[candidates] - np.float32(short)
        complete = (coverage >= _COMPLETE) & (match >= _COMPLETE) & (short == 0.0)
        return _Scored(candidates, scores.astype(np.float32), complete)

    def _hits(self, scored: _Scored, limit: int, said: frozenset[str], work: Work) -> list[CodeHit]:
        index = self.index
        top = min(len(scored.entries), limit * 30)
        order = np.argsort(-scored.scores, kind="stable")[:top]
        hits: list[CodeHit] = []
        seen: set[str] = set()
        complete = [int(i) for i in order if scored.complete[i]]
        # complete entries of billable codes first (a category's or an external cause's
        # complete entry waits its score's turn)
        picked = [i for i in complete if index.entry_static[int(scored.entries[i])] > 0][:3]
        # the shallowest Index entry the query names completely: its subterms follow
        terms = [
            int(scored.entries[i])
            for i in complete
            if index.entry_depth[int(scored.entries[i])] >= 0
        ]
        if terms:
            term = min(terms, key=lambda e: (int(index.entry_depth[e]), e))
            picked.extend(-1 - e for e in self._subterms(term, limit, work))
        picked.extend(int(i) for i in order)
        for pick in picked:
            entry_id = -1 - pick if pick < 0 else int(scored.entries[pick])
            hit = self._hit(entry_id, said, work)
            if hit.code in seen:
                continue
            seen.add(hit.code)
            hits.append(hit)
            if len(hits) == limit:
                break
        return hits

    def _subterms(self, entry_id: int, limit: int, work: Work) -> list[int]:
        """Index entries under entry ``entry_id``'s path, in the Index's order."""
        index = self.index
        path = index.entries[entry_id].path
        prefix = path + " > "
        depth = int(index.entry_depth[entry_id])
        # the Index's rows are in book order: a term's subterms follow it, after its own rows
        out: list[int] = []
        i = entry_id + 1
        end = min(len(index), entry_id + MAX_BROWSE_ROWS)
        while i < end:
            e = index.entries[i]
            work.rows += 1
            if e.path != path and not e.path.startswith(prefix):
                break
            if e.path != path and int(index.entry_depth[i]) <= depth + BROWSE_DEPTH:
                out.append(i)
                if len(out) >= limit * 2:
                    break
            i += 1
        return out

    def _hit(self, entry_id: int, said: frozenset[str], work: Work) -> CodeHit:
        entry = self.index.entries[entry_id]
        code = entry.code
        if entry.kind == "index" and not self.codeset.is_billable(code):
            code = self._child(code, said, work)
        return CodeHit(
            code=code,
            title=self.codeset.title(code),
            billable=self.codeset.is_billable(code),
            path=entry.path,
            matched=entry.text,
            kind=entry.kind,
        )

    def _child(self, code: str, said: frozenset[str], work: Work) -> str:
        """The billable code under an Index entry's incomplete code ("Fracture, traumatic >
        radius" S52.9-) that the query supports: the child whose title says most of the
        query's words ("left" -> S52.92XA), else the unspecified one, initial encounter."""
        best: tuple[int, int, str] | None = None
        for child in self.codeset.billable_descendants(code, limit=MAX_CHILDREN):
            work.codes += 1
            plain = child.replace(".", "")
            if len(plain) == 7 and plain[-1] != "A":
                continue
            words = self._title_words.get(child)
            if words is None:  # at most one entry per code of the code set
                title = self.codeset.title(child)
                words = frozenset(w for q in query_words(title) for w in q.canonical)
                self._title_words[child] = words
            key = (-len(words & said), -self.codeset.title(child).lower().count("unspecified"))
            if best is None or (*key, child) < best:
                best = (*key, child)
        return best[2] if best is not None else code

    # --- codes ------------------------------------------------------------------------------
    def _by_code(self, prefix: str, limit: int, work: Work) -> list[CodeHit]:
        from bisect import bisect_left

        found: list[tuple[tuple[int, int, int, str], str]] = []
        i = bisect_left(self._sorted_plain, prefix)
        while i < len(self._sorted_plain) and self._sorted_plain[i].startswith(prefix):
            plain = self._sorted_plain[i]
            code = self._plain[plain]
            work.codes += 1
            key = (0 if plain == prefix else 1, 0 if self.codeset.is_billable(code) else 1)
            found.append(((*key, len(plain), code), code))
            i += 1
        found.sort()
        return [
            CodeHit(code, self.codeset.title(code), self.codeset.is_billable(code))
            for _, code in found[:limit]
        ]


_built: weakref.WeakKeyDictionary[Icd10Cm, tuple[object, CodeSearch]] = weakref.WeakKeyDictionary()
_build_lock = threading.Lock()


def code_search(codeset: Icd10Cm, learned: TrainedPriors | None = None) -> CodeSearch:
    """The search of a model: its code set, its learned code frequencies when it has them.

    Built on first use and kept while the code set lives (one build per loaded model, however
    many apps or threads ask), so loading a model costs nothing for it."""
    with _build_lock:
        found = _built.get(codeset)
        if found is not None and found[0] is learned:
            return found[1]
        search = CodeSearch(codeset, learned_frequencies(learned))
        _built[codeset] = (learned, search)
        return search


def warm_code_search(codeset: Icd10Cm, learned: TrainedPriors | None = None) -> threading.Thread:
    """Build a model's code search in the background (seconds of one core), so that neither
    loading the model nor a coder's first search waits for it; a search that comes before it
    is done waits for this build rather than starting another."""
    thread = threading.Thread(
        target=code_search, args=(codeset, learned), name="code-search-build", daemon=True
    )
    thread.start()
    return thread


def _merge(a: _Scored, b: _Scored) -> _Scored:
    """Two variants' scores as one: per entry, the better."""
    entries = np.concatenate([a.entries, b.entries])
    scores = np.concatenate([a.scores, b.scores])
    complete = np.concatenate([a.complete, b.complete])
    order = np.lexsort((-scores, entries))
    entries, scores, complete = entries[order], scores[order], complete[order]
    keep = np.ones(len(entries), dtype=bool)
    keep[1:] = entries[1:] != entries[:-1]
    return _Scored(entries[keep], scores[keep], complete[keep])


def _one_slip(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter missing, extra, wrong, or two neighbours swapped."""
    if a == b:
        return False
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if len(a) == len(b) + 1:
        return a[i + 1 :] == b[i:]
    if len(b) == len(a) + 1:
        return b[i + 1 :] == a[i:]
    return False
