"""The code search over ICD-10-PCS: by code prefix ("0DTJ", a CodiEsp row "BN20"), or by the
words of the titles ("appendix resection laparoscopic"), each result a
:class:`~codesuggest.codesets.search.CodeHit` as the ICD-10-CM search gives them.

The words are stemmed as the ICD-10-CM search stems them and the procedure words of
``extract/data/procedure_*.tsv`` ("appendectomy", "laparoscopic", "CT") are read as the title
words they stand for. Built once per process on first use (under a second)."""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict

from codesuggest.codesets.icd10pcs import Icd10Pcs, shipped_pcs
from codesuggest.codesets.search import CodeHit
from codesuggest.codesets.search_index import query_words
from codesuggest.codesets.systems import PCS
from codesuggest.extract.procedures import body_parts, operations, phrase_pattern


class PcsSearch:
    """Word and code-prefix search over one ICD-10-PCS release."""

    def __init__(self, pcs: Icd10Pcs, synonyms: dict[str, str] | None = None) -> None:
        self.pcs = pcs
        self._codes = pcs.codes()
        self._synonyms = synonyms or {}
        self._phrases = phrase_pattern(list(self._synonyms)) if self._synonyms else None
        postings: dict[str, list[int]] = defaultdict(list)
        for i, code in enumerate(self._codes):
            for word in {q.stem for q in query_words(pcs.title(code))}:
                postings[word].append(i)
        self._postings = {w: frozenset(ids) for w, ids in postings.items()}
        self._vocabulary = sorted(self._postings)

    def search(self, query: str, limit: int = 20) -> list[CodeHit]:
        """The best ``limit`` codes for ``query``: a code prefix lists the codes it starts
        (the prefix itself first when it is a table row), else codes whose titles hold the
        most query words, shortest title first."""
        plain = query.strip().upper().replace(".", "")
        if plain and self.pcs.resolve(plain) == plain:
            return self._by_prefix(plain, limit)
        text = query.lower()
        if self._phrases is not None:
            text = self._phrases.sub(lambda m: self._synonyms[m.group(1)], text)
        stems = list(dict.fromkeys(q.stem for q in query_words(text)))
        if not stems:
            return []
        score: dict[int, int] = defaultdict(int)
        for stem in stems:
            for i in self._matches(stem):
                score[i] += 1
        best = sorted(score, key=lambda i: (-score[i], len(self.pcs.title(self._codes[i])), i))
        return [self._hit(self._codes[i], query) for i in best[:limit]]

    def _matches(self, stem: str) -> set[int]:
        found = set(self._postings.get(stem, ()))
        if len(stem) >= 4:  # a word begun ("append" -> "appendix")
            i = bisect.bisect_left(self._vocabulary, stem)
            while i < len(self._vocabulary) and self._vocabulary[i].startswith(stem):
                found |= self._postings[self._vocabulary[i]]
                i += 1
        return found

    def _by_prefix(self, prefix: str, limit: int) -> list[CodeHit]:
        out = [] if prefix in self.pcs else [self._hit(prefix, prefix)]
        out += [self._hit(c, prefix) for c in self.pcs.billable_descendants(prefix, limit)]
        return out[:limit]

    def _hit(self, code: str, matched: str) -> CodeHit:
        return CodeHit(
            code=code,
            title=self.pcs.title(code),
            billable=self.pcs.is_billable(code),
            matched=matched,
            kind="code" if code.startswith(matched.upper()) else "title",
            system=PCS,
        )


_LOCK = threading.Lock()
_BUILT: list[PcsSearch] = []


def warm_pcs_search() -> threading.Thread:
    """Build the search in the background (a few seconds of one core), so that a coder's
    first procedure search does not wait for it."""
    thread = threading.Thread(target=pcs_search, name="pcs-search-build", daemon=True)
    thread.start()
    return thread


def pcs_search() -> PcsSearch:
    """The search over the shipped release, built on first use."""
    with _LOCK:
        if not _BUILT:
            pcs = shipped_pcs()
            _BUILT.append(PcsSearch(pcs, search_synonyms(pcs)))
        return _BUILT[0]


def search_synonyms(pcs: Icd10Pcs) -> dict[str, str]:
    """Procedure and body-part phrases with the title words they stand for, for the code
    search ("appendectomy" -> "appendectomy resection appendix"; "ct" -> "ct computerized
    tomography (ct scan)")."""
    tables = sorted({code[:3] for code in pcs.codes()})
    out = {phrase: f"{phrase} {meaning}" for phrase, meaning in body_parts().items()}
    for phrase, operation in operations().items():
        pattern = operation.pcs
        if "_" in pattern:
            table = next((t for t in tables if _fits(t, pattern)), None)
            prefix = None if table is None else table
        else:
            prefix = pattern[:4] if pcs.resolve(pattern[:4]) else None
        if prefix is not None:
            meanings = [a.meaning for a in pcs.axes(prefix)[2:] if a.position != 2]
            out[phrase] = " ".join([phrase, *meanings])
    return out


def _fits(code: str, pattern: str) -> bool:
    return all(p in ("_", c) for p, c in zip(pattern, code, strict=False))
