"""Checks and normal forms of what callers hand the store; a bad value is an InputError.

Code systems are stored as suggestions name them (``ICD-10-CM``, ``ICD-10-PCS``, ``CPT``,
``HCPCS``; codesets/systems.py); other spellings (``icd10cm``) are read as those.
"""

from __future__ import annotations

import re
from typing import Any

from codesuggest.codesets.systems import CM, SYSTEMS, known_system, system_name
from codesuggest.errors import InputError
from codesuggest.store.records import DECISIONS, ROLES, Decision, Role
from codesuggest.text_policy import clean_text, identifier_problem

_NAME = re.compile(r"[A-Za-z0-9._@-]{1,100}")
_RATE = re.compile(r"[1-9][0-9]{0,8}/(second|minute|hour)")


def key_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InputError(f"bad key name {name!r}: use 1-100 letters, digits or . _ @ - (no spaces)")
    return name


def role(value: str) -> Role:
    for known in ROLES:
        if value == known:
            return known
    raise InputError(f"unknown role {value!r}; use one of {', '.join(ROLES)}")


def rate_limit(value: str | None) -> str | None:
    if value is None:
        return None
    if not _RATE.fullmatch(value):
        raise InputError(f"bad rate limit {value!r}: use COUNT/second, COUNT/minute or COUNT/hour")
    return value


def decision(value: str) -> Decision:
    for known in DECISIONS:
        if value == known:
            return known
    raise InputError(f"unknown decision {value!r}; use one of {', '.join(DECISIONS)}")


def system(value: str) -> str:
    """The stored form of a code system name (``ICD-10-CM`` and ``icd10cm`` alike)."""
    name = known_system(value)
    if name is None:
        raise InputError(f"unknown code system {value!r}; use one of {', '.join(SYSTEMS)}")
    return name


def code(value: str) -> str:
    plain = value.strip().upper()
    if not plain or len(plain) > 20 or any(c.isspace() for c in plain) or identifier_problem(plain):
        raise InputError(f"bad code {value!r}: 1-20 characters without spaces")
    return plain


def note_id(value: str) -> str:
    """A note id as given (not stripped: it must match the id the engine served); no control
    character or lone surrogate (codesuggest.text_policy), which no database stores alike."""
    if not value.strip() or len(value) > 200:
        raise InputError(f"bad note id {value[:50]!r}: 1-200 characters, not blank")
    problem = identifier_problem(value)
    if problem is not None:
        raise InputError(f"bad note id {value[:50]!r}: it {problem}")
    return value


def required_text(value: str, what: str, most: int) -> str:
    """``value`` stripped; InputError when blank or longer than ``most``."""
    stripped = optional_text(value, what, most)
    if stripped is None:
        raise InputError(f"{what} is required")
    return stripped


def optional_text(value: str | None, what: str, most: int) -> str | None:
    """``value`` stripped, None when blank; InputError when longer than ``most``. Its lone
    surrogates and NULs become U+FFFD (codesuggest.text_policy)."""
    stripped = clean_text(value.strip()) if value is not None else ""
    if len(stripped) > most:
        raise InputError(f"{what} is longer than {most:,} characters")
    return stripped or None


def limit(value: int, most: int) -> int:
    if not 1 <= value <= most:
        raise InputError(f"limit must be between 1 and {most:,}, not {value}")
    return value


def compact_suggestions(suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a run keeps of each served suggestion: code, system, 1-based rank, confidence, mark."""
    out: list[dict[str, Any]] = []
    for rank, item in enumerate(suggestions, start=1):
        try:
            out.append(
                {
                    "code": str(item["code"]).strip().upper(),
                    "system": system_name(str(item.get("system", CM))),
                    "rank": rank,
                    "confidence": round(float(item["confidence"]), 6),
                    "recommended": bool(item.get("recommended", False)),
                }
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"suggestion {rank} lacks a code or a numeric confidence") from err
    return out
