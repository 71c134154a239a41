"""Runs the candidate generators over one processed note (shared by engine and trainer)."""

from __future__ import annotations

from spacy.tokens import Doc

from codesuggest.candidates.base import Candidate, CandidateGenerator
from codesuggest.candidates.generators import (
    HierarchyCandidates,
    HistoryCandidates,
    LexiconCandidates,
)
from codesuggest.candidates.learned import Label, LearnedScore, label, split_label
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
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
    doc: Doc,
    index: LexiconIndex,
    codeset: Icd10Cm,
    generators: list[CandidateGenerator],
    learned: dict[Label, LearnedScore] | None = None,
) -> list[Candidate]:
    """Candidates of one processed note, with the code facts the ranker's features read.

    ``learned`` adds the labels a trained model scores highest for the note (procedure codes
    too) and attaches the learned scores to every candidate."""
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
    if learned:
        _add_learned(out, learned, codeset, len(mentions))
    return out


def _add_learned(
    out: list[Candidate], learned: dict[Label, LearnedScore], codeset: Icd10Cm, n_mentions: int
) -> None:
    seen = set()
    for cand in out:
        key = label(cand.system, cand.code)
        cand.learned = learned.get(key)
        seen.add(key)
    for key, score in learned.items():
        if key in seen:
            continue
        system, code = split_label(key)
        if system == SYSTEM:
            if code not in codeset:
                continue
            cand = Candidate(code, title=codeset.title(code), billable=codeset.is_billable(code))
        else:
            cand = Candidate(code, system=system, title=f"{system} {code}", billable=True)
        cand.sources.add("learned")
        cand.learned = score
        cand.note_mentions = n_mentions
        out.append(cand)
