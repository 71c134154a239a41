"""The local model registry: the model directories under ``<home>/models`` and the active one.

A model is a folder of ``models_dir`` holding a ``model_card.json``; its name is the folder name
(folders starting with ``.`` are builds in progress and are ignored). ``models_dir/ACTIVE`` is a
text file naming the promoted model. ``promotion.promote`` writes it atomically (through
:func:`set_active`), and only after the model loads with every checksum matching its card.

Which model loads when none is named (:func:`resolve_model_path`): the ``CODESUGGEST_MODEL``
setting, else the active model, else ``models_dir/default``.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from codesuggest.errors import ConfigError, ModelError, ModelNotFoundError
from codesuggest.model_card import ModelCard
from codesuggest.model_dir import CARD, read_card
from codesuggest.settings import Settings, get_settings

ACTIVE = "ACTIVE"
DEFAULT = "default"
ADAPTED_HEADING = "rules adapted to the site's coding (trained with --adapt-rules): this model"


@dataclass(frozen=True)
class CardSummary:
    """What a model card says, in a form the command line can print."""

    name: str
    version: str
    created: str
    description: str
    training: dict[str, Any]
    metrics: dict[str, Any]
    code_sets: dict[str, str]
    threshold: float | None = None
    artefacts: dict[str, str] = field(default_factory=dict)
    # what each rule adapted to the site's coding makes the model do (card "rule_adaptations")
    rule_adaptations: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_card(cls, card: ModelCard | dict[str, Any]) -> CardSummary:
        """What ``card`` says: a card as written is read as a :class:`ModelCard`; one that is
        not (a broken directory listed among the models) as far as it can be."""
        if isinstance(card, dict):
            raw = card
            try:
                card = ModelCard.model_validate(raw)
            except ValidationError:
                return cls._lenient(raw)
        return cls(
            name=card.name,
            version=card.version,
            created=card.created_at,
            description=card.description,
            training=card.training_data,
            metrics=card.metrics,
            code_sets=card.code_sets,
            threshold=card.threshold,
            artefacts=card.artefacts,
            rule_adaptations=_adaptations(card.model_extra or {}),
        )

    @classmethod
    def _lenient(cls, card: dict[str, Any]) -> CardSummary:
        training = card.get("training_data")
        metrics = card.get("metrics")
        code_sets = card.get("code_sets")
        artefacts = card.get("artefacts")
        threshold = card.get("threshold")
        return cls(
            name=str(card.get("name", "?")),
            version=str(card.get("version", "?")),
            created=str(card.get("created_at", "?")),
            description=str(card.get("description", "")),
            training=training if isinstance(training, dict) else {},
            metrics=metrics if isinstance(metrics, dict) else {},
            code_sets={str(k): str(v) for k, v in code_sets.items()}
            if isinstance(code_sets, dict)
            else {},
            threshold=float(threshold) if isinstance(threshold, int | float) else None,
            artefacts=artefacts if isinstance(artefacts, dict) else {},
            rule_adaptations=_adaptations(card),
        )

    def lines(self) -> list[str]:
        """The card as ``key: value`` lines, nested values flattened with dots."""
        out = [
            f"name: {self.name}",
            f"version: {self.version}",
            f"created: {self.created}",
        ]
        if self.description:
            out.append(f"description: {self.description}")
        out.append("training data:")
        out += _flatten(self.training, indent="  ")
        out.append("metrics:")
        out += _flatten(self.metrics, indent="  ")
        if self.threshold is not None:
            out.append(f"threshold: {self.threshold:.4f}")
        if self.rule_adaptations:
            out.append(ADAPTED_HEADING)
            out += [f"  - {adaptation_sentence(a)}" for a in self.rule_adaptations]
        out.append("code sets:")
        out += [f"  {system}: {release}" for system, release in sorted(self.code_sets.items())]
        return out

    def one_line(self) -> str:
        notes = self.training.get("notes")
        data = f"{notes:,} notes" if isinstance(notes, int) else "?"
        kind = self.training.get("kind") or ", ".join(map(str, self.training.get("sources", [])))
        return f"{self.version:<8} {self.created:<26} {data} {kind}".rstrip()


@dataclass(frozen=True)
class ModelEntry:
    """One model directory of the registry. ``active``: it is the model that loads when none is
    named (:func:`resolve_model_path`), so the one a server started now serves; ``promoted``:
    ``models_dir/ACTIVE`` names it."""

    name: str
    path: Path
    summary: CardSummary | None  # None when the card cannot be read (see ``problem``)
    active: bool
    problem: str | None = None
    promoted: bool = False

    def is_at(self, path: Path) -> bool:
        """Whether ``path`` is this model's directory (through symbolic links too)."""
        return same_directory(self.path, path)


def same_directory(a: Path, b: Path) -> bool:
    """Whether two paths name one directory (symbolic links and ``..`` resolved)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def list_models(settings: Settings | None = None) -> list[ModelEntry]:
    """The model directories of ``models_dir`` (with a model card), sorted by name."""
    settings = settings or get_settings()
    root = settings.models_dir
    if not root.is_dir():
        return []
    promoted = _active_name(settings)
    loads = resolve_model_path(settings)
    entries = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or not (path / CARD).is_file():
            continue
        summary: CardSummary | None = None
        problem: str | None = None
        try:
            card = json.loads((path / CARD).read_text("utf-8"))
            if not isinstance(card, dict):
                raise ValueError("not a JSON object")
            summary = CardSummary.from_card(card)
        except (OSError, ValueError) as exc:
            problem = f"unreadable model card ({exc})"
        active = same_directory(path, loads)
        entries.append(ModelEntry(path.name, path, summary, active, problem, path.name == promoted))
    return entries


def model_path(name: str, settings: Settings | None = None) -> Path:
    """The directory of the model called ``name``; raises when there is no such model."""
    settings = settings or get_settings()
    path = settings.models_dir / _check_name(name)
    if not (path / CARD).is_file():
        known = ", ".join(e.name for e in list_models(settings)) or "none"
        raise ModelNotFoundError(
            f"no model {name!r} in {settings.models_dir} (models: {known}); "
            "`codesuggest train --name NAME` trains one there"
        )
    return path


def show_model(name: str, settings: Settings | None = None) -> tuple[CardSummary, str | None]:
    """The card summary of a model and ``None`` when every checksum matches, else the problem."""
    path = model_path(name, settings)
    try:
        card = read_card(path)
    except ModelError as exc:
        try:
            raw = json.loads((path / CARD).read_text("utf-8"))
        except (OSError, ValueError):
            raise exc from None
        return CardSummary.from_card(raw if isinstance(raw, dict) else {}), str(exc)
    return CardSummary.from_card(card), None


def set_active(path: Path, settings: Settings | None = None) -> None:
    """Make the model at ``path`` (a directory of the models folder) the active one, as
    ``promotion.promote`` does once it has loaded it."""
    settings = settings or get_settings()
    _write_atomically(settings.models_dir / ACTIVE, f"{path.name}\n")


def active_model_path(settings: Settings | None = None) -> Path | None:
    """The promoted model's directory, or ``None`` when no model was promoted.

    A promoted model that was deleted since still gives its path, so that loading it fails
    with a clear :class:`~codesuggest.errors.ModelNotFoundError` rather than silently falling
    back to another model.
    """
    settings = settings or get_settings()
    name = _active_name(settings)
    return settings.models_dir / name if name is not None else None


def resolve_model_path(settings: Settings | None = None) -> Path:
    """The model to load when none is named: the ``model`` setting, else the active model,
    else ``models_dir/default``."""
    settings = settings or get_settings()
    if settings.model is not None:
        return settings.model
    active = active_model_path(settings)
    return active if active is not None else settings.models_dir / DEFAULT


def model_origin(settings: Settings | None = None) -> str:
    """Why :func:`resolve_model_path` chose its model, in words."""
    settings = settings or get_settings()
    if settings.model is not None:
        return "CODESUGGEST_MODEL"
    if _active_name(settings) is not None:
        return f"promoted: {settings.models_dir / ACTIVE}"
    return "the default model"


def missing_model_hint(path: Path, settings: Settings | None = None) -> str:
    """What to do when no model is at ``path``: the command that makes one, or names them."""
    settings = settings or get_settings()
    if settings.model is not None and path == settings.model:
        return "point CODESUGGEST_MODEL at a model directory, or unset it"
    if path == active_model_path(settings):
        return (
            f"the promoted model is gone: `codesuggest models promote NAME` promotes another "
            f"(`codesuggest models list` names them), or delete {settings.models_dir / ACTIVE}"
        )
    if path == settings.models_dir / DEFAULT:
        return (
            "run `make install` in the checkout or `codesuggest models build-default` "
            f"(home: {settings.home}, from {settings.home_origin})"
        )
    return f"`codesuggest models list` names the models in {settings.models_dir}"


def _active_name(settings: Settings) -> str | None:
    marker = settings.models_dir / ACTIVE
    try:
        text = marker.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{marker}: unreadable ({exc})") from exc
    if not text:
        return None
    try:
        return _check_name(text)
    except ConfigError as exc:
        raise ConfigError(f"{marker}: {exc}") from None


def _check_name(name: str) -> str:
    if not name or name in (".", "..") or name.startswith(".") or "/" in name or "\\" in name:
        raise ConfigError(f"{name!r} is not a model name (a folder name in the models folder)")
    return name


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        tmp.replace(path)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise


def adaptation_sentence(adaptation: dict[str, Any]) -> str:
    """One rule adaptation of a card in plain words, with the held-out F1 that chose it."""
    held, packaged = adaptation.get("held_out_f1"), adaptation.get("packaged_f1")
    figures = (
        f": held-out F1 {held:.3f} vs {packaged:.3f} with the packaged rule"
        if isinstance(held, int | float) and isinstance(packaged, int | float)
        else ""
    )
    return f"{adaptation.get('effect', '?')} (rule {adaptation.get('rule', '?')} relaxed{figures})"


def _adaptations(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's rule adaptations; a card written before they were recorded in plain words
    states its relaxed settings (``rule_settings``) as they are."""
    recorded = card.get("rule_adaptations")
    if isinstance(recorded, list):
        return [a for a in recorded if isinstance(a, dict)]
    tried = card.get("rule_settings")
    chosen = next(
        (
            t.get("settings")
            for t in (tried if isinstance(tried, list) else [])
            if isinstance(t, dict) and t.get("chosen")
        ),
        None,
    )
    if not isinstance(chosen, dict):
        return []
    return [
        {"rule": rule, "setting": setting, "effect": _declared_effect(rule, setting)}
        for rule, setting in sorted(chosen.items())
    ]


def _declared_effect(rule_name: str, setting: Any) -> str:
    """What ``setting`` of a packaged rule does, in the words the rule declares for it
    (rules/adaptable.py); a setting no rule declares, as plain ``name = value`` words."""
    from codesuggest.rules.adaptable import adaptations
    from codesuggest.rules.engine import RuleSet

    for rule in RuleSet.from_json().rules:
        if rule.name == rule_name:
            for adaptation in adaptations(rule):
                if adaptation.setting == setting:
                    return adaptation.effect
    if not isinstance(setting, dict):
        return f"uses the setting {json.dumps(setting)}"
    words = ", ".join(f"{key} = {json.dumps(value)}" for key, value in sorted(setting.items()))
    return f"uses the setting {words}"


def _flatten(value: Any, indent: str, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        out: list[str] = []
        for key in sorted(value):
            out += _flatten(value[key], indent, f"{prefix}{key}.")
        return out
    key = prefix.rstrip(".")
    if isinstance(value, list):
        if any(isinstance(v, str) and ("\n" in v or len(v) > 40) for v in value):  # summaries
            return [f"{indent}{key}:"] + [
                f"{indent}  {line}" for v in value for line in v.splitlines()
            ]
        value = ", ".join(map(str, value))
    elif isinstance(value, float):
        value = f"{value:.4f}"
    return [f"{indent}{key}: {value}"]
