"""The Engine: the one object the API, the CLI and audit jobs call.

It composes the stages loaded from a model directory: extraction (spaCy + medspaCy), candidate
generators, the calibrated ranker and the rules. ``Engine.load`` never trains anything.
"""

from __future__ import annotations

import gc
import json
import logging
import pickle
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.collect import add_learned, collect_candidates, default_generators
from codesuggest.candidates.learned import LearnedScorer, learned_text
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.lexicon import LexiconIndex
from codesuggest.errors import InputError, ModelError, ModelNotFoundError, NoteTooLargeError
from codesuggest.extract.normalize import fingerprint
from codesuggest.extract.pipeline import build_pipeline
from codesuggest.model_dir import read_card
from codesuggest.rank import compiled
from codesuggest.rank.calibration import Calibration, calibration_from_dict, map_thresholds
from codesuggest.rank.features import FEATURES
from codesuggest.registry import missing_model_hint, resolve_model_path
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.finish import finish
from codesuggest.settings import get_settings
from codesuggest.types import ModelInfo, Note, NoteResult

log = logging.getLogger(__name__)


class Ranker(Protocol):
    """What the engine asks of a ranker: scikit-learn's pipeline, or its compiled arrays."""

    def predict_proba(self, X: list[Candidate]) -> npt.NDArray[np.float64]: ...


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while unpickling: the model's hundreds of thousands of
    tuples and lists (none of them garbage) made it scan them again and again, a third of the
    load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_ranker(path: Path) -> Ranker:
    """The ranker of model directory ``path``: its compiled arrays (``ranker.npz``, numpy
    alone), else, in models built before them, the scikit-learn pipeline (``ranker.joblib``,
    which imports scikit-learn: about a second more to start)."""
    if (path / compiled.FILE).is_file():
        return compiled.CompiledRanker.load(path / compiled.FILE)
    import joblib

    ranker: Ranker = joblib.load(path / "ranker.joblib")  # checksum verified
    return ranker


def default_model_path() -> Path:
    """Where ``Engine.load()`` looks without an argument: the ``CODESUGGEST_MODEL`` setting,
    else the promoted model (``codesuggest models promote``), else the default model."""
    return resolve_model_path(get_settings())


class Engine:
    """Suggests ranked, evidenced codes for clinical notes."""

    def __init__(self, path: Path, card: dict[str, Any], *, calibrated: bool = True) -> None:
        self.path = path
        self.card = card
        self.info = ModelInfo(card["name"], card["version"])
        built_with = card.get("lexicon", {}).get("normalizer")
        if card.get("ranker", {}).get("features") != list(FEATURES):
            raise ModelError(
                f"{path}: its ranker reads other features than this codesuggest computes; "
                "rebuild it (codesuggest models build-default) or retrain it"
            )
        if built_with != fingerprint():
            raise ModelError(
                f"{path}: built with another text normaliser ({built_with}); "
                "rebuild it (codesuggest models build-default)"
            )
        config = json.loads((path / "config.json").read_text("utf-8"))
        self.threshold = float(config["threshold"])
        # per code system where training chose one (models before it: one for all)
        self.thresholds = {k: float(v) for k, v in config.get("thresholds", {}).items()}
        # a strictly increasing map to confidences calibrated on real notes (default model)
        self.calibration: Calibration | None = None
        if calibrated and "calibration" in config:
            self.calibration = calibration_from_dict(config["calibration"])
            self.threshold, self.thresholds = map_thresholds(
                self.calibration, self.threshold, self.thresholds
            )
        with _no_gc():
            self.codeset = Icd10Cm.load(path / "icd10cm.pkl")  # checksum verified by read_card
            with (path / "lexicon.pkl").open("rb") as f:
                self.index: LexiconIndex = pickle.load(f)  # checksum verified
            self.ranker = load_ranker(path)
            self.learned: LearnedScorer | None = None
            if (path / "learned.joblib").is_file():
                import joblib

                self.learned = joblib.load(path / "learned.joblib")
        # Ranking a few dozen candidates is far quicker on one thread: OpenMP's pool of
        # spinning threads costs more than the trees (0.3 s a note on a busy 2-core machine).
        threadpool_limits(limits=1, user_api="openmp")
        self.rules = RuleSet.from_json(path / "rules.json")
        history = HistoryMap.load_path(path / "history_codes.tsv")
        self.generators = default_generators(self.index, self.codeset, history)
        self.nlp = build_pipeline(self.index)
        self.max_chars = get_settings().max_note_chars
        self.releases = {SYSTEM: self.codeset.release}

    @classmethod
    def load(cls, path: str | Path | None = None, *, calibrated: bool = True) -> Engine:
        """Load a model directory (default: ``default_model_path()``) after checking checksums;
        ``calibrated=False`` leaves out its calibration (what fitting the calibration reads)."""
        target = Path(path) if path is not None else default_model_path()
        try:
            card = read_card(target)
        except ModelNotFoundError as exc:
            raise ModelNotFoundError(f"{exc}: {missing_model_hint(target)}") from None
        log.info("loading model %s %s from %s", card.get("name"), card.get("version"), target)
        return cls(target, card, calibrated=calibrated)

    # --- public API ---------------------------------------------------------------------------
    def suggest(self, note: str | Note, top: int | None = None) -> NoteResult:
        """Ranked suggestions for one note."""
        return next(self.suggest_many([note], top=top))

    def suggest_many(
        self, notes: Iterable[str | Note], top: int | None = None, batch_size: int = 64
    ) -> Iterator[NoteResult]:
        """Ranked suggestions for many notes, in order; ranks a batch of notes at once."""
        it = iter(notes)
        while chunk := [self._check(n) for n in islice(it, batch_size)]:
            yield from self._suggest_chunk(chunk, top or get_settings().default_top)

    # --- stages ---------------------------------------------------------------------------------
    def _check(self, note: str | Note) -> Note:
        if isinstance(note, str):
            note = Note(text=note)
        if not isinstance(note, Note) or not isinstance(note.text, str):
            raise InputError("a note must be text or a Note")
        if len(note.text) > self.max_chars:
            raise NoteTooLargeError(len(note.text), self.max_chars)
        return note

    def _suggest_chunk(self, notes: list[Note], top: int) -> Iterator[NoteResult]:
        texts = [n.text if n.text.strip() else "" for n in notes]
        per_note = [
            collect_candidates(doc, self.index, self.codeset, self.generators, note.setting)
            for note, doc in zip(notes, self.nlp.pipe(texts), strict=True)
        ]
        if self.learned is not None:
            read = [learned_text(t, c) for t, c in zip(texts, per_note, strict=True)]
            for cands, learned in zip(per_note, self.learned.score(read), strict=True):
                add_learned(cands, learned, self.codeset)
        flat = [c for cands in per_note for c in cands]
        probs = self.ranker.predict_proba(flat)[:, 1] if flat else np.zeros(0)
        if self.calibration is not None:
            probs = self.calibration(probs)
        offset = 0
        for note, cands in zip(notes, per_note, strict=True):
            scores = probs[offset : offset + len(cands)]
            offset += len(cands)
            suggestions = finish(
                note,
                cands,
                scores,
                threshold=self.threshold,
                thresholds=self.thresholds,
                rules=self.rules,
                codeset=self.codeset,
                top=top,
            )
            yield NoteResult(note.note_id, self.info, suggestions, dict(self.releases))
