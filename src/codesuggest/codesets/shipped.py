"""The lexicon every model starts from: the code set, our data files and the Alphabetic Index."""

from __future__ import annotations

from codesuggest.codesets.alpha_index import index_phrases
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import (
    Phrase,
    code_set_phrases,
    compile_lexicon,
    nonfinding_phrases,
)
from codesuggest.extract.lexicon_index import LexiconIndex


def shipped_lexicon(codeset: Icd10Cm, ours: list[Phrase]) -> LexiconIndex:
    """Titles and inclusion terms of ``codeset``, our curated phrases ``ours``, the index, and
    the non-finding phrases that hide the findings inside them."""
    phrases = [*code_set_phrases(codeset), *ours, *index_phrases(codeset), *nonfinding_phrases()]
    return compile_lexicon(phrases, codeset)
