"""Candidates' support in tests: mentions as records of what their keys say of the code."""

from __future__ import annotations

from collections.abc import Iterable

from codesuggest.candidates.assertion import CodeAssertions
from codesuggest.candidates.base import Candidate, MentionSupport
from codesuggest.codesets.history import HistoryMap
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


def read_for_codes(pool: dict[str, Candidate]) -> dict[str, Candidate]:
    """``pool`` with each candidate's mentions read for its code, as the engine reads them
    once its generators have run (``candidates.assertion``, the packaged history map)."""
    CodeAssertions(HistoryMap.load()).read(pool)
    return pool


def derived(
    code: str, origin: str, column: str, mentions: Iterable[Mention], **facts: object
) -> Candidate:
    """The history code ``code`` derived through ``column`` of the history map from the
    mentions of its condition ``origin``, read as the engine reads them."""
    cand = Candidate(
        code,
        supported(mentions),
        derived_from=origin,
        derived_as=column,
        sources={"history"},
        **facts,  # type: ignore[arg-type]
    )
    return read_for_codes({code: cand})[code]
