"""Find ICD-10-CM codes by code prefix or by words of their titles, for a coder adding a code.

Every word of the query must start a word of the title (``diab nephro`` finds "Type 2 diabetes
mellitus with diabetic nephropathy"); a query shaped like a code matches codes by prefix, dots
optional. Results: exact code first, then billable codes, then shorter titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codesuggest.codesets.icd10cm import Icd10Cm

_WORD = re.compile(r"[a-z0-9]+")
_CODE_LIKE = re.compile(r"[A-Za-z]\d[0-9A-Za-z]?\.?[0-9A-Za-z]{0,4}")


@dataclass(frozen=True)
class CodeHit:
    """One search result."""

    code: str
    title: str
    billable: bool


class CodeSearch:
    """An in-memory index over one code set's codes and titles (built in well under a second)."""

    def __init__(self, codeset: Icd10Cm) -> None:
        self.codeset = codeset
        self._rows: list[tuple[str, str, tuple[str, ...], bool, str]] = []
        for code in codeset:
            title = codeset.title(code)
            words = tuple(_WORD.findall(title.lower()))
            self._rows.append(
                (code, title, words, codeset.is_billable(code), code.replace(".", ""))
            )

    def search(self, query: str, limit: int = 20) -> list[CodeHit]:
        """The best ``limit`` codes for ``query`` (empty for a query without words)."""
        query = query.strip()
        terms = _WORD.findall(query.lower())
        if not terms:
            return []
        scored: list[tuple[tuple[int, int, int, str], CodeHit]] = []
        if _CODE_LIKE.fullmatch(query):
            prefix = query.replace(".", "").upper()
            for code, title, _, billable, plain in self._rows:
                if plain.startswith(prefix):
                    key = (0 if plain == prefix else 1, 0 if billable else 1, len(plain), code)
                    scored.append((key, CodeHit(code, title, billable)))
        if not scored:
            for code, title, words, billable, _ in self._rows:
                if all(any(w.startswith(t) for w in words) for t in terms):
                    key = (2, 0 if billable else 1, len(title), code)
                    scored.append((key, CodeHit(code, title, billable)))
        scored.sort(key=lambda item: item[0])
        return [hit for _, hit in scored[:limit]]
