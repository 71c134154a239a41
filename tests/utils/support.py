"""Candidates' support in tests: mentions as records of what their keys say of the code."""

from __future__ import annotations

from collections.abc import Iterable

from codesuggest.candidates.base import MentionSupport
from codesuggest.types import Mention


def supported(
    mentions: Iterable[Mention], source: str = "synonym", key_size: int | None = None
) -> list[MentionSupport]:
    """Each mention as support whose key names the code as ``source`` (``key_size``: codes
    its key names, by default as many as the mention's)."""
    return [
        MentionSupport(m, key_size if key_size is not None else max(1, len(m.codes)), source)
        for m in mentions
    ]
