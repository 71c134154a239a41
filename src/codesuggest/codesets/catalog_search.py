"""Find the codes of a registered user catalog (CPT, HCPCS) as a coder looks them up: by code
prefix ("9920", "j34"), or by the words of their descriptors, each query word naming a
descriptor word or the start of one ("lap append"). Codes whose descriptors the query covers
best come first (fewest words left unsaid), then in the catalog's order.

Built once per loaded catalog (an inverted index of descriptor words: milliseconds for 10,000
codes) and bounded per query like the ICD-10-CM search: at most ``MAX_TOKENS`` words and
``MAX_PREFIX_WORDS`` vocabulary words per query word are read.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from dataclasses import dataclass

from codesuggest.codesets.catalogs import Catalog
from codesuggest.codesets.search_index import query_words

MAX_QUERY_CHARS = 400
MAX_TOKENS = 8
MAX_PREFIX_WORDS = 64


@dataclass(frozen=True)
class CatalogHit:
    """One search result: a catalog code and its descriptor."""

    code: str
    system: str
    title: str
    kind: str  # "code" (found by its code) or "title" (by its descriptor's words)


class CatalogSearch:
    """An in-memory search over one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.codes = list(catalog.titles)
        self._sorted = sorted(self.codes)
        self._order = {code: i for i, code in enumerate(self.codes)}
        postings: dict[str, set[int]] = {}
        self._sizes: list[int] = []
        for i, code in enumerate(self.codes):
            words = {w for q in query_words(catalog.titles[code]) for w in (q.stem, *q.canonical)}
            self._sizes.append(len(words) or 1)
            for word in words:
                postings.setdefault(word, set()).add(i)
        self._postings = postings
        self._vocabulary = sorted(postings)

    def search(self, query: str, limit: int = 20) -> list[CatalogHit]:
        """The best ``limit`` codes for ``query`` (empty for a query that names none)."""
        query = query.strip()[:MAX_QUERY_CHARS]
        if not query:
            return []
        plain = "".join(query.split()).upper()
        by_code = self._by_code(plain, limit) if plain.isalnum() and len(plain) <= 5 else []
        if by_code:
            return by_code
        tokens = [q.stem for q in query_words(query)][:MAX_TOKENS]
        if not tokens:
            return []
        found: set[int] | None = None
        for token in tokens:
            ids = self._named_by(token)
            found = ids if found is None else found & ids
            if not found:
                return []
        assert found is not None
        ranked = sorted(found, key=lambda i: (self._sizes[i], i))[:limit]
        return [self._hit(self.codes[i], "title") for i in ranked]

    def _named_by(self, token: str) -> set[int]:
        """Codes with a descriptor word that is ``token`` or starts with it."""
        out = set(self._postings.get(token, ()))
        at = bisect_left(self._vocabulary, token)
        for word in self._vocabulary[at : at + MAX_PREFIX_WORDS]:
            if not word.startswith(token):
                break
            out |= self._postings[word]
        return out

    def _by_code(self, prefix: str, limit: int) -> list[CatalogHit]:
        at = bisect_left(self._sorted, prefix)
        codes: list[str] = []
        for code in self._sorted[at:]:
            if not code.startswith(prefix) or len(codes) == limit:
                break
            codes.append(code)
        return [self._hit(code, "code") for code in codes]

    def _hit(self, code: str, kind: str) -> CatalogHit:
        return CatalogHit(code, self.catalog.system, self.catalog.title(code), kind)


_built: weakref.WeakKeyDictionary[Catalog, CatalogSearch] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def catalog_search(catalog: Catalog) -> CatalogSearch:
    """The search of a loaded catalog, built on first use and kept while the catalog lives."""
    with _lock:
        found = _built.get(catalog)
        if found is None:
            found = _built[catalog] = CatalogSearch(catalog)
        return found
