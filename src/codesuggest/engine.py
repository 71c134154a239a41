"""The Engine: the one object the API, the CLI and audit jobs call.

It composes the stages loaded from a model directory: extraction (spaCy + medspaCy), candidate
generators, the calibrated ranker and the rules. ``Engine.load`` never trains anything.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from codesuggest.candidates.base import Candidate, Sources
from codesuggest.candidates.catalog import with_catalogs
from codesuggest.candidates.collect import set_context
from codesuggest.candidates.described import described
from codesuggest.candidates.learned import LearnedScorer, NoteScores, label, learned_text
from codesuggest.codesets import catalogs as catalogs_io
from codesuggest.codesets.catalogs import Catalog
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.codesets.icd10pcs import RELEASE as PCS_RELEASE
from codesuggest.codesets.systems import PCS, SHIPPED
from codesuggest.errors import (
    CodeSetError,
    InputError,
    ModelError,
    ModelNotFoundError,
    NoteTooLargeError,
    RegistryError,
)
from codesuggest.extract.normalize import fingerprint
from codesuggest.model_card import ModelCard, ModelConfig
from codesuggest.model_dir import CARD, artefact, read_card
from codesuggest.model_io import codeset as codeset_io
from codesuggest.model_io import learned as learned_io
from codesuggest.model_io import lexicon as lexicon_io
from codesuggest.rank import compiled
from codesuggest.rank.calibration import Calibration, calibration_from_dict, map_thresholds
from codesuggest.rank.features import FEATURES
from codesuggest.registry import missing_model_hint, resolve_model_path
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.finish import support_evidence
from codesuggest.settings import get_settings
from codesuggest.stages import Decision, Extraction, score_learned
from codesuggest.types import ModelInfo, Note, NoteAssessment, NoteResult, Suggestion, Support

if TYPE_CHECKING:
    from spacy.language import Language

    from codesuggest.candidates.base import CandidateGenerator

log = logging.getLogger(__name__)


class Ranker(Protocol):
    """What the engine asks of a ranker: scikit-learn's pipeline, or its compiled arrays."""

    def predict_proba(self, X: list[Candidate]) -> npt.NDArray[np.float64]: ...


# what every model directory holds (codesuggest.model_dir.ARTEFACTS); trained ones add the
# learned scorer (learned.json, learned.npz)
_ARTEFACTS = (
    "config.json",
    codeset_io.FILE,
    lexicon_io.FILE,
    compiled.FILE,
    "rules.json",
    "history_codes.tsv",
)


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while reading a model: its hundreds of thousands of
    tuples and lists (none of them garbage) made it scan them again and again, a third of the
    load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _reading(path: Path, name: str) -> Iterator[None]:
    """Any failure to read artefact ``name`` as a ``ModelError`` that names it (a checked
    artefact that does not read as its format: a build of another codesuggest, or a file
    crafted to pass the checksum its card was edited to hold)."""
    try:
        yield
    except ModelError as exc:
        raise ModelError(
            f"{path}: {exc}" if str(exc).startswith(name) else f"{path}: {name}: {exc}"
        ) from None
    except (ValueError, LookupError, TypeError, AttributeError, OSError) as exc:
        raise ModelError(f"{path}: {name} cannot be read ({type(exc).__name__}: {exc})") from None


def default_model_path() -> Path:
    """Where ``Engine.load()`` looks without an argument: the ``CODESUGGEST_MODEL`` setting,
    else the promoted model (``codesuggest models promote``), else the default model."""
    return resolve_model_path(get_settings())


class Engine:
    """Suggests ranked, evidenced codes for clinical notes."""

    def __init__(
        self,
        path: Path,
        card: dict[str, Any],
        *,
        calibrated: bool = True,
        catalogs: Mapping[str, Catalog] | None = None,
    ) -> None:
        self.path = path
        typed = self.model_card = ModelCard.of(card, path / CARD)
        self.info = ModelInfo(typed.name, typed.version)
        built_with = typed.lexicon.normalizer
        if typed.ranker.features != list(FEATURES):
            raise ModelError(
                f"{path}: its ranker reads other features than this codesuggest computes; "
                "rebuild it (codesuggest models build-default) or retrain it"
            )
        if built_with != fingerprint():
            raise ModelError(
                f"{path}: built with another text normaliser ({built_with}); "
                "rebuild it (codesuggest models build-default)"
            )
        # every artefact is read by a reader of its format, none of which can run code
        # (codesuggest.model_io), and only if the card lists it
        has_learned = any(name in typed.artefacts for name in (learned_io.JSON, learned_io.ARRAYS))
        names = (*_ARTEFACTS, *((learned_io.JSON, learned_io.ARRAYS) if has_learned else ()))
        file = {name: artefact(path, card, name) for name in names}
        with _reading(path, "config.json"):
            config = ModelConfig.read(file["config.json"])
            threshold = config.threshold
            # per code system where training chose one (models before it: one for all)
            thresholds = dict(config.thresholds)
            # a ranker that learned from coded notes ranks the codes held back by confidence
            held_last = not config.ranks_held_back
            # a strictly increasing map to confidences calibrated on real notes (default model)
            self.calibration: Calibration | None = None
            if calibrated and config.calibration is not None:
                self.calibration = calibration_from_dict(config.calibration)
                threshold, thresholds = map_thresholds(self.calibration, threshold, thresholds)
        with _no_gc():
            with _reading(path, codeset_io.FILE):
                self.codeset = codeset_io.load_codeset(file[codeset_io.FILE])
            with _reading(path, lexicon_io.FILE):
                self.index = lexicon_io.load_lexicon(file[lexicon_io.FILE])
            with _reading(path, compiled.FILE):
                self.ranker: Ranker = compiled.CompiledRanker.load(file[compiled.FILE])
            self.learned: LearnedScorer | None = None
            if has_learned:
                with _reading(path, "learned scorer"):
                    self.learned = learned_io.load_learned(path)
        # Ranking a few dozen candidates is far quicker on one thread: OpenMP's pool of
        # spinning threads costs more than the trees (0.3 s a note on a busy 2-core machine).
        threadpool_limits(limits=1, user_api="openmp")
        with _reading(path, "rules.json"):
            rules = RuleSet.from_json(file["rules.json"])
        with _reading(path, "history_codes.tsv"):
            history = HistoryMap.load_path(file["history_codes.tsv"])
        # the user catalogs (CPT, HCPCS) registered in the home now, unless given: their
        # descriptors join the lexicon, so their codes are proposed while they are registered
        home = get_settings().home
        self.catalog_stamp = catalogs_io.stamp(home) if catalogs is None else None
        with _no_gc():
            self.catalogs = dict(
                catalogs_io.load_registered(home) if catalogs is None else catalogs
            )
            self.index = with_catalogs(self.index, self.catalogs)
        try:
            self.extraction = Extraction.build(
                Sources(self.index, self.codeset, history, self.catalogs),
                typed.stages.generators,
            )
        except RegistryError as exc:
            raise ModelError(f"{path / CARD}: {exc.args[0]}") from None
        self.decision = Decision(threshold, thresholds, rules, self.codeset, held_last)
        self.max_chars = get_settings().max_note_chars
        self.releases = {SYSTEM: self.codeset.release}
        self.releases.update((name, c.release) for name, c in sorted(self.catalogs.items()))

    @property
    def threshold(self) -> float:
        """The threshold of the code systems without one of their own (``Decision``)."""
        return self.decision.threshold

    @property
    def thresholds(self) -> Mapping[str, float]:
        """The threshold of each code system training chose one for (``Decision``)."""
        return self.decision.thresholds

    @property
    def held_last(self) -> bool:
        """Whether the codes held back rank last (``Decision``)."""
        return self.decision.held_last

    @property
    def rules(self) -> RuleSet:
        return self.decision.rules

    @property
    def code_systems(self) -> CodeSystems:
        """The code systems it suggests codes of, by name (``codesets.code_systems``)."""
        return self.extraction.systems

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        calibrated: bool = True,
        catalogs: Mapping[str, Catalog] | None = None,
    ) -> Engine:
        """Load a model directory (default: ``default_model_path()``) after checking checksums;
        ``calibrated=False`` leaves out its calibration (what fitting the calibration reads);
        ``catalogs`` replaces the user catalogs registered in the home (``{}``: none)."""
        target = Path(path) if path is not None else default_model_path()
        try:
            card = read_card(target)
        except ModelNotFoundError as exc:
            raise ModelNotFoundError(f"{exc}: {missing_model_hint(target)}") from None
        log.info("loading model %s %s from %s", card.get("name"), card.get("version"), target)
        return cls(target, card, calibrated=calibrated, catalogs=catalogs)

    @property
    def nlp(self) -> Language:
        """The extraction pipeline (spaCy + medspaCy over the model's lexicon)."""
        return self.extraction.nlp

    @property
    def generators(self) -> tuple[CandidateGenerator, ...]:
        return self.extraction.generators

    # --- public API ---------------------------------------------------------------------------
    def suggest(
        self, note: str | Note, top: int | None = None, *, systems: Collection[str] | None = None
    ) -> NoteResult:
        """Ranked suggestions for one note."""
        return next(self.suggest_many([note], top=top, systems=systems))

    def suggest_many(
        self,
        notes: Iterable[str | Note],
        top: int | None = None,
        batch_size: int = 64,
        *,
        systems: Collection[str] | None = None,
    ) -> Iterator[NoteResult]:
        """Ranked suggestions for many notes, in order; ranks a batch of notes at once. With
        ``systems`` (``codesets.systems.system_filter``), only codes of those systems, ``top``
        of them."""
        it = iter(notes)
        while chunk := [self._check(n) for n in islice(it, batch_size)]:
            yield from self._suggest_chunk(chunk, top or get_settings().default_top, systems)

    def assess_many(
        self,
        items: Iterable[tuple[str | Note, Sequence[tuple[str, str]]]],
        top: int | None = None,
        batch_size: int = 64,
    ) -> Iterator[NoteAssessment]:
        """For each ``(note, codes)``, the note's suggestions (as ``suggest_many`` gives them)
        and how well the note supports each asked ``(system, code)``, whether or not the engine
        ranks it among its suggestions: a code it did not propose is scored as a candidate of
        the note would be, with no effect on the note's suggestions. An ICD-10-CM code must be
        one of the code set (``self.codeset.normalize``): others raise
        :class:`~codesuggest.errors.CodeSetError`."""
        it = iter(items)
        while chunk := list(islice(it, batch_size)):
            notes = [self._check(note) for note, _ in chunk]
            asked = [list(codes) for _, codes in chunk]
            yield from self._assess_chunk(notes, top or get_settings().default_top, asked)

    # --- stages ---------------------------------------------------------------------------------
    def _check(self, note: str | Note) -> Note:
        if isinstance(note, str):
            note = Note(text=note)
        if not isinstance(note, Note) or not isinstance(note.text, str):
            raise InputError("a note must be text or a Note")
        if len(note.text) > self.max_chars:
            raise NoteTooLargeError(len(note.text), self.max_chars)
        return note

    def _suggest_chunk(
        self, notes: list[Note], top: int, systems: Collection[str] | None = None
    ) -> Iterator[NoteResult]:
        for assessment in self._assess_chunk(notes, top, None, systems):
            yield assessment.result

    def _assess_chunk(
        self,
        notes: list[Note],
        top: int,
        asked: list[list[tuple[str, str]]] | None,
        systems: Collection[str] | None = None,
    ) -> Iterator[NoteAssessment]:
        texts = [n.text if n.text.strip() else "" for n in notes]
        procedures = systems is None or PCS in systems
        per_note = list(
            self.extraction.candidates(texts, [n.setting for n in notes], procedures=procedures)
        )
        learned: list[NoteScores | None] = [None] * len(notes)
        if self.learned is not None:
            read = [learned_text(t, c) for t, c in zip(texts, per_note, strict=True)]
            learned = list(score_learned(self.learned, read, per_note, self.code_systems))
        flat = [c for cands in per_note for c in cands]
        probs = self._probabilities(flat)
        codes_of = asked if asked is not None else [[] for _ in notes]
        extras = [
            self._asked_candidates(cands, codes, scores_of)
            for cands, codes, scores_of in zip(per_note, codes_of, learned, strict=True)
        ]
        extra_probs = self._probabilities([c for found in extras for c in found.values()])
        offset = extra_offset = 0
        for i, (note, cands) in enumerate(zip(notes, per_note, strict=True)):
            scores = probs[offset : offset + len(cands)]
            offset += len(cands)
            suggestions = self.decision.suggestions(note, cands, scores, top, systems)
            releases = dict(self.releases)
            if any(s.system == PCS for s in suggestions):
                releases[PCS] = PCS_RELEASE
            result = NoteResult(note.note_id, self.info, suggestions, releases)
            if asked is None:
                yield NoteAssessment(result)
                continue
            n_extra = len(extras[i])
            extra_scores = dict(
                zip(extras[i], extra_probs[extra_offset : extra_offset + n_extra], strict=True)
            )
            extra_offset += n_extra
            support = self._support(note, cands, scores, suggestions, asked[i], extras[i])
            for key, p in extra_scores.items():
                support[key].confidence = float(p)
            yield NoteAssessment(result, support)

    def _probabilities(self, cands: list[Candidate]) -> npt.NDArray[np.float64]:
        probs = self.ranker.predict_proba(cands)[:, 1] if cands else np.zeros(0)
        if self.calibration is not None:
            probs = self.calibration(probs)
        return probs

    def _asked_candidates(
        self,
        cands: list[Candidate],
        codes: Sequence[tuple[str, str]],
        scores_of: NoteScores | None,
    ) -> dict[tuple[str, str], Candidate]:
        """A candidate for each asked code the note's candidates lack, described as if it were
        one of them (the learned scores, its place among the note's candidates), leaving the
        note's own candidates as they were."""
        have = {(c.system, c.code) for c in cands}
        out: dict[tuple[str, str], Candidate] = {}
        n_mentions = cands[0].note_mentions if cands else 0
        for system, code in codes:
            if (system, code) in have or (system, code) in out:
                continue
            if system in SHIPPED and self.code_systems.label(system, code) != code:
                served = self.code_systems[system]
                raise CodeSetError(
                    f"{code!r} is not an {system} {served.labels} ({served.release})"
                )
            cand = described(system, code, self.code_systems)
            assert cand is not None  # (an ICD-10-CM code of the code set)
            cand.note_mentions = n_mentions
            out[(system, code)] = cand
        if out and scores_of is not None:
            added = list(out.values())
            keys = [label(c.system, c.code) for c in added]
            for cand, score in zip(added, scores_of.get_many(keys), strict=True):
                cand.learned = score
            kept = [c.context for c in cands]
            set_context([*cands, *added])  # where each stands among the note's candidates
            for c, context in zip(cands, kept, strict=True):
                c.context = context
        return out

    def _support(
        self,
        note: Note,
        cands: list[Candidate],
        scores: npt.NDArray[np.float64],
        suggestions: list[Suggestion],
        asked: Sequence[tuple[str, str]],
        extras: dict[tuple[str, str], Candidate],
    ) -> dict[tuple[str, str], Support]:
        shown = {(s.system, s.code): s for s in suggestions}
        scored = {(c.system, c.code): (c, float(p)) for c, p in zip(cands, scores, strict=True)}
        out: dict[tuple[str, str], Support] = {}
        for key in asked:
            system, code = key
            threshold = self.decision.threshold_of(system)
            s = shown.get(key)
            if s is not None:
                out[key] = Support(
                    code,
                    system,
                    s.confidence,
                    threshold,
                    s.recommended,
                    list(s.evidence),
                    list(s.rules),
                    list(s.flags),
                    proposed=True,
                )
            elif key in scored:
                cand, p = scored[key]
                found = support_evidence(note.text, cand, cands)
                out[key] = Support(code, system, p, threshold, evidence=found, proposed=True)
            else:
                cand = extras[key]
                found = support_evidence(note.text, cand, cands)
                out[key] = Support(code, system, 0.0, threshold, evidence=found)
        return out
