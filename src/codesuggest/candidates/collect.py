"""Runs the candidate generators over one processed note (shared by engine and trainer).

Two stages: :func:`collect_candidates` proposes codes from the note's mentions; a trained
model's scores then join them (:func:`add_learned`), which also proposes the labels it scores
highest and describes each candidate among the note's others (:class:`NoteContext`).
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

from codesuggest.candidates.base import Candidate, CandidateGenerator, NoteContext
from codesuggest.candidates.generators import (
    HierarchyCandidates,
    HistoryCandidates,
    LexiconCandidates,
)
from codesuggest.candidates.learned import NoteScores, category, label, split_label
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
) -> list[Candidate]:
    """Candidates of one processed note from its mentions, with the code facts the ranker's
    features read, each described among the others (:func:`set_context`)."""
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
    set_context(out)
    return out


def add_learned(out: list[Candidate], learned: NoteScores, codeset: Icd10Cm) -> None:
    """Attach a trained model's scores to the note's candidates ``out``, add the labels it
    scores highest (procedure codes too), and describe them all again among each other."""
    seen = set()
    n_mentions = out[0].note_mentions if out else 0
    for cand in out:
        key = label(cand.system, cand.code)
        cand.learned = learned.get(key)
        seen.add(key)
    for key in learned.labels:
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
        cand.learned = learned.get(key)
        cand.note_mentions = n_mentions
        out.append(cand)
    set_context(out)


def set_context(cands: list[Candidate]) -> None:
    """Describe each candidate among the note's others: how many there are, where the
    classifier puts it among them, and what its siblings (same category) have."""
    if not cands:
        return
    scores = [c.learned.classifier if c.learned is not None else -1.0 for c in cands]
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    rank = {i: r for r, i in enumerate(order, start=1)}
    fifth = scores[order[min(4, len(order) - 1)]]
    families: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        families[category(label(c.system, c.code))].append(i)
    for i, c in enumerate(cands):
        siblings = [j for j in families[category(label(c.system, c.code))] if j != i]
        c.context = NoteContext(
            candidates=len(cands),
            classifier_rank=rank[i],
            sibling_classifier=max((scores[j] for j in siblings), default=-1.0),
            siblings=len(siblings),
            sibling_mentions=max((len(cands[j].mentions) for j in siblings), default=0),
            above_fifth=scores[i] - fifth if len(cands) >= 5 else 0.0,
        )
