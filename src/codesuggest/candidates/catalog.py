"""Registered user catalogs (CPT, HCPCS Level II) as candidates: their descriptors join the
lexicon when a model loads, as ICD-10-CM titles do, so their codes are proposed without
retraining, and only while the catalog is registered.

In the lexicon a catalog code is named by its label (``CPT|99213``,
:func:`~codesuggest.candidates.learned.label`), which no ICD-10-CM code can be;
:class:`CatalogCandidates` turns the candidates the lexicon proposes under a label into codes of
their system with the catalog's descriptor.
"""

from __future__ import annotations

from collections.abc import Mapping

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.learned import label, split_label
from codesuggest.codesets.catalog_lexicon import Key
from codesuggest.codesets.catalogs import Catalog
from codesuggest.codesets.lexicon import MAX_VARIANT_CODES, extend_lexicon
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.types import Mention


def catalog_entries(catalogs: Mapping[str, Catalog]) -> list[tuple[Key, str, str]]:
    """The lexicon entries ``(key, label, source)`` of the catalogs (the keys their
    registration stored); a variant key that more than
    :data:`~codesuggest.codesets.lexicon.MAX_VARIANT_CODES` codes share names none of them and
    is left out, as for ICD-10-CM titles."""
    entries = [
        (key, label(system, code), source)
        for system in sorted(catalogs)
        for code, source, key in catalogs[system].lexicon_keys()
    ]
    shared: dict[Key, set[str]] = {}
    for key, name, source in entries:
        if source == "variant":
            shared.setdefault(key, set()).add(name)
    return [
        (key, name, source)
        for key, name, source in entries
        if source != "variant" or len(shared[key]) <= MAX_VARIANT_CODES
    ]


def with_catalogs(index: LexiconIndex, catalogs: Mapping[str, Catalog]) -> LexiconIndex:
    """A copy of a model's lexicon that also names the catalogs' codes (``index`` unchanged)."""
    if not catalogs:
        return index
    entries = catalog_entries(catalogs)
    extended = extend_lexicon(index, entries)
    title_words = dict(index.title_words)
    for key, name, source in entries:
        if source == "title":
            title_words[name] = len(key) or 1
    extended.title_words = title_words
    return extended


class CatalogCandidates:
    """The lexicon's candidates for a catalog code (keyed by its label) become codes of the
    catalog's system, described by their descriptor; labels of no registered catalog stay as
    they are, and are dropped with the other codes the code set does not hold."""

    name = "catalog"

    def __init__(self, catalogs: Mapping[str, Catalog]) -> None:
        self.catalogs = catalogs

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        for key, cand in pool.items():
            if "|" not in key:
                continue
            system, code = split_label(key)
            catalog = self.catalogs.get(system)
            if catalog is None or code not in catalog:
                continue
            cand.code = code
            cand.system = system
            cand.title = catalog.title(code)
            cand.billable = True
            cand.sources.add(self.name)
