"""Model directories: artefacts plus a ``model_card.json`` that records their sha256 checksums.

A model directory is data, not code. It holds only the artefacts of :data:`ARTEFACTS`, each in
a format that cannot run code when read (:mod:`codesuggest.model_io`: numpy ``.npz`` read
without pickle, JSON, TSV), and ``read_card`` refuses a directory with any file its card does
not list, a listed file that is not one of them, or an artefact that differs from its
checksum. Models of format 1 held pickles and are refused: they are rebuilt or retrained.
``write_model_dir`` builds the directory beside its target and renames it into place, so an
interrupted build never leaves a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codesuggest.errors import (
    ChecksumMismatchError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
)
from codesuggest.model_card import ModelCard

CARD = "model_card.json"
FORMAT = 2  # 2: no pickles; 1 (before 2026-12) held pickles and joblib files
# every file a model directory may hold besides its card, and what it is
ARTEFACTS = {
    "config.json": "operating thresholds and calibration",
    "rules.json": "the coding rules",
    "history_codes.tsv": "personal and family history codes",
    "icd10cm.npz": "the ICD-10-CM table",
    "lexicon.npz": "the lexicon index",
    "ranker.npz": "the ranker's trees and calibration",
    "learned.json": "trained models: the learned scorer's parameters, vocabulary and labels",
    "learned.npz": "trained models: the learned scorer's weights and note memory",
}
REBUILD = "rebuild it (codesuggest models build-default) or retrain it (codesuggest train)"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_model_dir(out: Path, fill: Callable[[Path], dict[str, Any]]) -> Path:
    """Create ``out`` atomically: ``fill(tmp)`` writes the artefacts and returns the card."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        card = fill(tmp)
        card["format"] = FORMAT
        written = sorted(tmp.iterdir())
        refused = [p.name for p in written if p.name not in ARTEFACTS or not p.is_file()]
        if refused:
            raise ModelError(f"not artefacts a model directory may hold: {', '.join(refused)}")
        card["artefacts"] = {p.name: sha256(p) for p in written}
        ModelCard.of(card, out)  # every writer's card is one the engine reads
        (tmp / CARD).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", "utf-8")
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def read_card(path: Path) -> dict[str, Any]:
    """The model card of ``path`` after checking that the directory holds exactly the artefacts
    the card lists, each one a model may hold, each matching its checksum."""
    card_path = path / CARD
    if not path.is_dir() or not card_path.is_file():
        raise ModelNotFoundError(f"no model at {path} (expected a directory with {CARD})")
    try:
        card = json.loads(card_path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({exc})") from exc
    if not isinstance(card, dict):
        raise ModelError(f"{card_path}: a model card is a JSON object")
    if card.get("format") == 1:
        raise ModelError(
            f"{path}: model format 1 keeps pickles, which can run code when loaded, and is no "
            f"longer read; {REBUILD}"
        )
    if card.get("format") != FORMAT:
        raise ModelError(f"{path}: model format {card.get('format')} is not {FORMAT}; {REBUILD}")
    artefacts = card.get("artefacts")
    if not isinstance(artefacts, dict) or not artefacts:
        raise ModelError(f"{card_path}: lists no artefacts")
    foreign = sorted(name for name in artefacts if name not in ARTEFACTS)
    if foreign:
        raise ModelIntegrityError(
            f"{path}: {CARD} lists {', '.join(foreign)}, which no model directory may hold "
            f"(it holds only {', '.join(ARTEFACTS)}); {REBUILD}"
        )
    unlisted = sorted(p.name for p in path.iterdir() if p.name != CARD and p.name not in artefacts)
    if unlisted:
        raise ModelIntegrityError(
            f"{path}: {', '.join(unlisted)} not listed in {CARD}; a model directory holds only "
            "the artefacts its card lists: remove what does not belong there, or rebuild it"
        )
    for name, expected in artefacts.items():
        file = path / name
        if not file.is_file():
            raise ModelError(f"{path}: artefact {name} is missing")
        if sha256(file) != expected:
            raise ChecksumMismatchError(f"{path}: {name} does not match its checksum in {CARD}")
    return card


def artefact(path: Path, card: dict[str, Any], name: str) -> Path:
    """The file of artefact ``name`` of a model ``read_card`` checked; refused when its card
    does not list it."""
    if name not in card["artefacts"]:
        raise ModelError(f"{path}: {CARD} lists no {name}")
    return path / name
