"""The engine's stages, wired once: what the engine runs on a note, and what training runs on
its coded notes to fit the ranker, choose the thresholds and adapt the rules.

    note text --Extraction: the spaCy + medspaCy pipeline over a lexicon--> mentions
      --the candidate generators a model names (``candidates.collect.GENERATORS``)--> candidates
      --a trained model's learned scores (score_learned), when it has them--> candidates
      --the ranker (and the default model's calibration)--> confidences
      --Decision: thresholds per code system, then the rules--> suggestions

``Engine`` builds these from a model directory; training builds them from its inputs, a new
``Extraction`` for each fold's lexicon (``Extraction.over``), never changing one in place. A new
stage (audit findings, procedure extraction) plugs in here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.assertion import CodeAssertions
from codesuggest.candidates.base import Candidate, CandidateGenerator, Sources
from codesuggest.candidates.collect import (
    GENERATORS,
    add_learned,
    collect_candidates,
    create_generators,
)
from codesuggest.candidates.learned import LearnedScorer, NoteScores
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.extract.pipeline import build_pipeline
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.finish import finish

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from codesuggest.codesets.icd10cm import Icd10Cm
    from codesuggest.extract.lexicon_index import LexiconIndex
    from codesuggest.types import Note, Suggestion


def release(doc: Doc) -> None:
    """Drop what a processed note holds that refers back to it (its span groups, the ConText
    graph and the token and span extensions in ``user_data``): the Doc is then freed as soon
    as it is let go, not left for the cyclic garbage collector, which found some 14,000 such
    objects per 64 notes and spent about 5% of a batch on them."""
    doc.spans.clear()
    doc.user_data.clear()


@dataclass(frozen=True)
class Extraction:
    """Note text to candidates: the pipeline matching one lexicon, and the generators that
    read the mentions it finds."""

    sources: Sources
    generator_names: tuple[str, ...]
    nlp: Language = field(repr=False)
    generators: tuple[CandidateGenerator, ...] = field(repr=False)
    # what each candidate's mentions assert of its code, read once the generators have run
    assertions: CodeAssertions = field(repr=False)
    # the code systems its candidates are of, by name
    systems: CodeSystems = field(repr=False)

    @classmethod
    def build(cls, sources: Sources, generator_names: Sequence[str] | None = None) -> Extraction:
        """A pipeline over ``sources.index`` and the generators named (the registry's names,
        ``candidates.base.create``; None: the default ones, as a card written before they were
        named runs)."""
        names = tuple(GENERATORS if generator_names is None else generator_names)
        return cls(
            sources,
            names,
            build_pipeline(sources.index),
            tuple(create_generators(sources, names)),
            CodeAssertions(sources.history),
            CodeSystems(sources.codeset, sources.catalogs),
        )

    def over(self, index: LexiconIndex) -> Extraction:
        """The same stage over another lexicon (a fold's learned phrases): a new pipeline and
        new generators; this one is left as it is."""
        return Extraction.build(
            Sources(index, self.codeset, self.sources.history, self.sources.catalogs),
            self.generator_names,
        )

    @property
    def index(self) -> LexiconIndex:
        return self.sources.index

    @property
    def codeset(self) -> Icd10Cm:
        return self.sources.codeset

    def candidates(
        self,
        texts: Sequence[str],
        settings: Iterable[str | None] | None = None,
        *,
        procedures: bool = True,
        batch_size: int = 64,
    ) -> Iterator[list[Candidate]]:
        """The candidates of each note of ``texts``, in order (``settings``: each note's care
        setting, an inpatient stay coding uncertain diagnoses; ``procedures``: its ICD-10-PCS
        candidates too); each Doc is released once read."""
        setting_of = iter(settings) if settings is not None else None
        for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=batch_size), strict=True):
            setting = next(setting_of) if setting_of is not None else None
            try:
                yield self.collect(doc, setting, text=text, procedures=procedures)
            finally:
                release(doc)

    def collect(
        self,
        doc: Doc,
        setting: str | None = None,
        *,
        text: str | None = None,
        procedures: bool = True,
    ) -> list[Candidate]:
        """The candidates of one processed note (``candidates.collect.collect_candidates``)."""
        return collect_candidates(
            doc,
            self.index,
            self.codeset,
            self.generators,
            setting,
            assertions=self.assertions,
            text=text,
            procedures=procedures,
        )


def score_learned(
    scorer: LearnedScorer,
    read: Sequence[str],
    per_note: Sequence[list[Candidate]],
    systems: CodeSystems,
) -> list[NoteScores]:
    """A trained model's scores of each note (``read``: the text it reads of each,
    ``candidates.learned.learned_text``) joined to the note's candidates (``candidates.collect.
    add_learned``: it also proposes the labels it scores highest, codes of ``systems``). The
    scores of each note, in order."""
    scores = list(scorer.score(read))
    for cands, scores_of in zip(per_note, scores, strict=True):
        add_learned(cands, scores_of, systems)
    return scores


@dataclass(frozen=True)
class Decision:
    """Confidences to suggestions: a threshold per code system (``threshold`` for the others),
    then the rules (``rules.finish``)."""

    threshold: float
    thresholds: Mapping[str, float]
    rules: RuleSet
    codeset: Icd10Cm
    held_last: bool = True  # the codes held back rank last (a ranker that never saw them)

    def threshold_of(self, system: str) -> float:
        return self.thresholds.get(system, self.threshold)

    def suggestions(
        self,
        note: Note,
        cands: Sequence[Candidate],
        scores: Sequence[float] | npt.NDArray[np.float64],
        top: int,
        systems: Collection[str] | None = None,
    ) -> list[Suggestion]:
        return finish(
            note,
            cands,
            scores,
            threshold=self.threshold,
            thresholds=self.thresholds,
            rules=self.rules,
            codeset=self.codeset,
            top=top,
            systems=systems,
            held_last=self.held_last,
        )
