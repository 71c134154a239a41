"""The one exception tree of codesuggest.

``CodeSuggestError`` is the root. Each subclass also inherits the matching built-in
exception, so callers that already catch ``ValueError`` or ``FileNotFoundError`` keep working.
The API maps these to HTTP responses; the CLI prints their message on one line and exits non-zero.

    CodeSuggestError
    ├── ConfigError (ValueError)            bad settings or model configuration
    ├── InputError (ValueError)             a note or input file that cannot be used
    │   ├── NoteTooLargeError               a note over the configured size limit
    │   └── CatalogError                    a user code catalog (CPT, HCPCS) that cannot be used
    ├── ModelError                          a model directory that cannot be used
    │   ├── ModelNotFoundError (FileNotFoundError)
    │   └── ModelIntegrityError             a file its card does not list, or lists as another
    │       └── ChecksumMismatchError       an artefact differs from its model card
    ├── CodeSetError (LookupError)          unknown code system or code
    ├── RegistryError (KeyError)            unknown registered implementation name
    ├── OverloadedError                     more work queued than the server can do in time
    └── StoreError                          the feedback/audit/keys database failed
        ├── StoreNotFoundError (FileNotFoundError) no database file yet (read-only commands)
        ├── StoreUnavailableError           cannot reach the database (retry later)
        └── IdempotencyConflictError        an Idempotency-Key reused for a different request
"""

from __future__ import annotations


class CodeSuggestError(Exception):
    """Root of every error codesuggest raises on purpose."""


class ConfigError(CodeSuggestError, ValueError):
    """A setting or a model configuration is invalid."""


class InputError(CodeSuggestError, ValueError):
    """A note or an input file cannot be used as given."""


class NoteTooLargeError(InputError):
    """A note exceeds the configured size limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"note has {size:,} characters; the limit is {limit:,}")
        self.size = size
        self.limit = limit

    @classmethod
    def batch(cls, notes: int, limit: int) -> NoteTooLargeError:
        """A batch with more notes than allowed."""
        error = cls(notes, limit)
        error.args = (f"batch has {notes:,} notes; the limit is {limit:,}",)
        return error


class CatalogError(InputError):
    """A user code catalog (CPT, HCPCS Level II) that cannot be registered or read: an unknown
    system, a malformed, duplicate or wrongly encoded line (named), or a stored catalog that no
    longer matches its checksum."""


class ModelError(CodeSuggestError):
    """A model directory cannot be loaded."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """No model directory (or model card) where one was expected."""


class ModelIntegrityError(ModelError):
    """A model directory holds what its card does not vouch for: a file the card does not
    list, an artefact no model may hold, or an artefact that differs from its checksum."""


class ChecksumMismatchError(ModelIntegrityError):
    """A model artefact does not match the checksum recorded in its model card."""


class CodeSetError(CodeSuggestError, LookupError):
    """An unknown code system, or a code that is not in it."""


class RegistryError(CodeSuggestError, KeyError):
    """An implementation name that is not registered."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class OverloadedError(CodeSuggestError):
    """The server has more work queued than it can finish in time; retry after a while."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StoreError(CodeSuggestError):
    """The store (feedback, audit trail, API keys) could not do what was asked."""


class StoreNotFoundError(StoreError, FileNotFoundError):
    """No SQLite database file where one was expected; a read-only command does not create it."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached or failed mid-transaction; nothing was written."""


class IdempotencyConflictError(StoreError):
    """An ``Idempotency-Key`` already used by the same key holder for a different request."""
