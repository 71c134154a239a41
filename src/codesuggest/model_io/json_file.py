"""JSON artefacts: written strictly (no NaN or infinity, which JSON lacks) and read as UTF-8,
any failure a :class:`~codesuggest.errors.ModelError` naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codesuggest.errors import ModelError


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, allow_nan=False, ensure_ascii=False) + "\n", "utf-8")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError too
        raise ModelError(f"{path.name}: not a JSON file ({exc})") from None
