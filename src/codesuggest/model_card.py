"""What a model directory says of itself, typed: its card (``model_card.json``) and its operating
configuration (``config.json``).

Every writer's card is checked against :class:`ModelCard` before the directory is written
(``model_dir.write_model_dir``) and every card the engine loads is read through it, so a field
the engine relies on (its name, the normaliser and features it was built with, the generators
it runs) has one type in both places. The card keeps what else its writer recorded (training
data, figures, rule settings) as it is, for people to read (``registry.CardSummary``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from codesuggest.errors import ModelError


class _Record(BaseModel):
    """A part of a card: the fields codesuggest reads are typed, others are kept as written."""

    model_config = ConfigDict(extra="allow", frozen=True)


class LexiconFacts(_Record):
    normalizer: str | None = None  # ``extract.normalize.fingerprint()`` of the build
    keys: int | None = None


class RankerFacts(_Record):
    features: list[str] = []  # ``rank.features.FEATURES`` of the build, in order


class StageNames(_Record):
    # the candidate generators it runs, in order (``candidates.collect.GENERATORS``); a card
    # written before they were named runs the default ones
    generators: list[str] | None = None


class ModelCard(_Record):
    """``model_card.json``: what a model is, what it was built from and with, its figures."""

    format: int
    name: str
    version: str
    created_at: str = "?"
    description: str = ""
    artefacts: dict[str, str] = {}  # file -> sha256 (``model_dir.write_model_dir`` adds them)
    training_data: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    code_sets: dict[str, str] = {}  # code system -> release
    threshold: float | None = None  # the recommendation threshold, as a confidence
    lexicon: LexiconFacts = LexiconFacts()
    ranker: RankerFacts = RankerFacts()
    stages: StageNames = StageNames()
    recipe: str | None = None  # the default model's: a hash of the shipped data it was built of

    @classmethod
    def of(cls, raw: dict[str, Any], where: Path | str) -> ModelCard:
        """The card ``raw`` read from ``where``; a card that is not one raises
        :class:`~codesuggest.errors.ModelError` naming the first field at fault."""
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise ModelError(f"{where}: not a model card ({_first(exc)})") from None


class ModelConfig(BaseModel):
    """``config.json``: how the engine decides (what training chose)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float  # the ranker's recommendation threshold
    thresholds: dict[str, float] = {}  # per code system where training chose one
    seed: int | None = None
    systems: list[str] = []  # the code systems its training data coded
    # a ranker that learned from coded notes ranks the codes held back by confidence
    ranks_held_back: bool = False
    # the default model's: a strictly increasing map to confidences calibrated on real notes
    calibration: dict[str, Any] | None = None

    @classmethod
    def read(cls, path: Path) -> ModelConfig:
        """``config.json`` at ``path``; one that is not a configuration raises
        :class:`~codesuggest.errors.ModelError`."""
        try:
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            raise ModelError(f"config.json: not a model configuration ({_first(exc)})") from None

    def write(self, path: Path) -> None:
        """Write the fields its writer set, in their order."""
        text = json.dumps(self.model_dump(exclude_unset=True), indent=2)
        path.write_text(text + "\n", "utf-8")


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "the whole"
    return f"{where}: {error['msg']}"
