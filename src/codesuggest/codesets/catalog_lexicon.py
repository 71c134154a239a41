"""The lexicon keys of a user catalog's descriptors (CPT, HCPCS), as ICD-10-CM titles give theirs.

A descriptor names its code as a ``title``; its variants without non-essential modifiers and,
for a descriptor in CPT's ``common part; specific part`` form, the common part and the first
words of each part together ("Colonoscopy, flexible; with biopsy, single or multiple" ->
"Colonoscopy with biopsy") name it as ``variant``. Turning 10,000 descriptors into keys takes
about a second, so registration computes them once and stores them beside the catalog, under
the fingerprint of the text normaliser that made them (``codesets.catalogs``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from codesuggest.codesets.lexicon import title_variants
from codesuggest.extract.normalize import content_words

Key = tuple[str, ...]
# (code, source, key) of one phrase: what a catalog stores, what the engine adds to its lexicon
KeyEntry = tuple[str, str, Key]


def catalog_phrases(titles: Mapping[str, str]) -> Iterator[tuple[str, str, str]]:
    """``(text, code, source)`` of every phrase of the descriptors ``titles`` (code ->
    descriptor), in the catalog's order."""
    for code, descriptor in titles.items():
        yield descriptor, code, "title"
        texts = set(title_variants(descriptor))
        common, _, specific = (part.strip() for part in descriptor.partition(";"))
        if specific:
            texts |= title_variants(common)
            texts |= title_variants(
                f"{common.split(',')[0].strip()} {specific.split(',')[0].strip()}"
            )
        texts.discard(descriptor)
        for text in sorted(texts):  # sets: fix the order
            yield text, code, "variant"


def catalog_keys(titles: Mapping[str, str]) -> list[KeyEntry]:
    """The key of each phrase of :func:`catalog_phrases` (sorted distinct content words)."""
    keys_of: dict[str, Key] = {}  # a text's key, computed once
    out: list[KeyEntry] = []
    for text, code, source in catalog_phrases(titles):
        key = keys_of.get(text)
        if key is None:
            key = keys_of[text] = tuple(sorted(set(content_words(text))))
        out.append((code, source, key))
    return out
