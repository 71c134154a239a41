"""codesuggest: ranked, evidenced ICD-10-CM suggestions for clinical notes.

from codesuggest import Engine
engine = Engine.load()
result = engine.suggest("Assessment: type 2 diabetes mellitus. Essential hypertension.")

The names below are imported when first used, so that ``import codesuggest`` (and the
command line's help) does not pay for spaCy and scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codesuggest.engine import Engine
    from codesuggest.errors import (
        ChecksumMismatchError,
        CodeSuggestError,
        InputError,
        ModelError,
        ModelIntegrityError,
        ModelNotFoundError,
        NoteTooLargeError,
    )
    from codesuggest.types import Assertion, Evidence, ModelInfo, Note, NoteResult, Suggestion

__version__ = "0.1.0"

_HOMES = {
    "Engine": "codesuggest.engine",
    "ChecksumMismatchError": "codesuggest.errors",
    "CodeSuggestError": "codesuggest.errors",
    "InputError": "codesuggest.errors",
    "ModelError": "codesuggest.errors",
    "ModelIntegrityError": "codesuggest.errors",
    "ModelNotFoundError": "codesuggest.errors",
    "NoteTooLargeError": "codesuggest.errors",
    "Assertion": "codesuggest.types",
    "Evidence": "codesuggest.types",
    "ModelInfo": "codesuggest.types",
    "Note": "codesuggest.types",
    "NoteResult": "codesuggest.types",
    "Suggestion": "codesuggest.types",
}

__all__ = [
    "Assertion",
    "ChecksumMismatchError",
    "CodeSuggestError",
    "Engine",
    "Evidence",
    "InputError",
    "ModelError",
    "ModelInfo",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "Note",
    "NoteResult",
    "NoteTooLargeError",
    "Suggestion",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _HOMES.get(name)
    if module is None:
        raise AttributeError(f"module 'codesuggest' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
