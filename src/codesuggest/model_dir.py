"""Model directories: artefacts plus a ``model_card.json`` that records their sha256 checksums.

Artefacts are pickles (joblib), so a model loads only after every checksum matches its card.
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

from codesuggest.errors import ChecksumMismatchError, ModelError, ModelNotFoundError

CARD = "model_card.json"
FORMAT = 1


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
        card["artefacts"] = {
            p.name: sha256(p) for p in sorted(tmp.iterdir()) if p.is_file() and p.name != CARD
        }
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
    """The model card of ``path`` after checking every artefact against its checksum."""
    card_path = path / CARD
    if not path.is_dir() or not card_path.is_file():
        raise ModelNotFoundError(f"no model at {path} (expected a directory with {CARD})")
    try:
        card: dict[str, Any] = json.loads(card_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({exc})") from exc
    if card.get("format") != FORMAT:
        raise ModelError(f"{path}: model format {card.get('format')} is not {FORMAT}; rebuild it")
    artefacts = card.get("artefacts")
    if not isinstance(artefacts, dict) or not artefacts:
        raise ModelError(f"{card_path}: lists no artefacts")
    for name, expected in artefacts.items():
        file = path / name
        if not file.is_file():
            raise ModelError(f"{path}: artefact {name} is missing")
        if sha256(file) != expected:
            raise ChecksumMismatchError(f"{path}: {name} does not match its checksum in {CARD}")
    return card
