"""The store: API keys, the suggestions the API served, coders' feedback and the audit trail.

``Store.open(url)`` connects (SQLite or PostgreSQL) and migrates; everything it returns is a
plain record from :mod:`codesuggest.store.records`.
"""

from codesuggest.store.feedback import FeedbackNotes
from codesuggest.store.records import (
    DECISIONS,
    ROLES,
    ApiKey,
    AuditEvent,
    Decision,
    FeedbackInput,
    FeedbackNote,
    FeedbackRecord,
    Role,
    RunInput,
)
from codesuggest.store.store import Store

__all__ = [
    "DECISIONS",
    "ROLES",
    "ApiKey",
    "AuditEvent",
    "Decision",
    "FeedbackInput",
    "FeedbackNote",
    "FeedbackNotes",
    "FeedbackRecord",
    "Role",
    "RunInput",
    "Store",
]
