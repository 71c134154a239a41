"""codesuggest: ranked, evidenced ICD-10-CM suggestions for clinical notes.

from codesuggest import Engine
engine = Engine.load()
result = engine.suggest("Assessment: type 2 diabetes mellitus. Essential hypertension.")
"""

from codesuggest.engine import Engine
from codesuggest.errors import (
    ChecksumMismatchError,
    CodeSuggestError,
    InputError,
    ModelError,
    ModelNotFoundError,
    NoteTooLargeError,
)
from codesuggest.types import Assertion, Evidence, ModelInfo, Note, NoteResult, Suggestion

__version__ = "0.1.0"

__all__ = [
    "Assertion",
    "ChecksumMismatchError",
    "CodeSuggestError",
    "Engine",
    "Evidence",
    "InputError",
    "ModelError",
    "ModelInfo",
    "ModelNotFoundError",
    "Note",
    "NoteResult",
    "NoteTooLargeError",
    "Suggestion",
    "__version__",
]
