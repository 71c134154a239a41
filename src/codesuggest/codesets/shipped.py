"""The lexicon every model starts from: the code set, our data files and the Alphabetic Index."""

from __future__ import annotations

from codesuggest.codesets.alpha_index import index_phrases
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import LexiconIndex, Phrase, code_set_phrases, compile_lexicon


def shipped_lexicon(codeset: Icd10Cm, ours: list[Phrase]) -> LexiconIndex:
    """Titles and inclusion terms of ``codeset``, our curated phrases ``ours`` and the index."""
    return compile_lexicon([*code_set_phrases(codeset), *ours, *index_phrases(codeset)], codeset)
