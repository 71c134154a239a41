"""CodiEsp's 2018 codes in the current release (its split folders are read by
:mod:`codesuggest.training.corpus_formats`, ``codiesp:DIR``)."""

from __future__ import annotations

import re

from codesuggest.codesets.icd10cm import Icd10Cm

_SILENT = frozenset({"unspecified", "initial", "encounter"})


def _title_words(title: str) -> set[str]:
    """Every word of a title ("other" too: M54.59 "Other low back pain" is not M54.5)."""
    return set(re.findall(r"[a-z0-9]+", title.lower()))


def expanded_default(codeset: Icd10Cm, code: str) -> str | None:
    """The billable code that replaced ``code`` when a later release split it, if unambiguous.

    CodiEsp follows the 2018 edition: R51 (Headache) is now the category of R51.9 (Headache,
    unspecified), M54.5 of M54.50. A child whose title adds only "unspecified" or "initial
    encounter" words is the same concept in the current release.
    """
    if code not in codeset or codeset.is_billable(code):
        return None
    base = _title_words(codeset.title(code))
    same = [
        c
        for c in codeset.billable_descendants(code, limit=100)
        if _title_words(codeset.title(c)) - base <= _SILENT
    ]
    return same[0] if len(same) == 1 else None
