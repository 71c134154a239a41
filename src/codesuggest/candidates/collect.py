"""Runs the candidate generators over one processed note (shared by engine and trainer)."""

from __future__ import annotations

from spacy.tokens import Doc

from codesuggest.candidates.base import Candidate, CandidateGenerator
from codesuggest.candidates.generators import (
    HierarchyCandidates,
    HistoryCandidates,
    LexiconCandidates,
)
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import LexiconIndex
from codesuggest.extract.mentions import doc_mentions


def default_generators(
    index: LexiconIndex, codeset: Icd10Cm, history: HistoryMap
) -> list[CandidateGenerator]:
    """Lexicon, then hierarchy, then history: later generators read the earlier ones' pool."""
    return [
        LexiconCandidates(index),
        HierarchyCandidates(codeset),
        HistoryCandidates(history, codeset),
    ]


def collect_candidates(
    doc: Doc, index: LexiconIndex, codeset: Icd10Cm, generators: list[CandidateGenerator]
) -> list[Candidate]:
    """Candidates of one processed note, with the code facts the ranker's features read."""
    mentions = doc_mentions(doc, index)
    pool: dict[str, Candidate] = {}
    for generator in generators:
        generator.add(mentions, pool)
    out = []
    for code, cand in pool.items():
        if code not in codeset:
            continue
        cand.title = codeset.title(code)
        cand.billable = codeset.is_billable(code)
        cand.title_words = index.title_words.get(code, 1)
        cand.note_mentions = len(mentions)
        out.append(cand)
    return out
