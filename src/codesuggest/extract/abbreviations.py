"""Ambiguous abbreviations: a lexicon abbreviation that names a diagnosis but that US notes
mostly write for something else ("SpO2 94% on RA": room air; "follow up with PCP": the
primary care physician) keeps its diagnosis only when the words near it say so.

``extract/data/ambiguous_abbreviations.json`` lists, per abbreviation and diagnosis sense,
the codes of that sense and the cue words that select or veto it. The nearest cue within the
window (tokens of the mention's sentence) decides, a veto on a tie; with no cue near, the
sense's default does. :func:`doc_mentions` drops the codes of a vetoed sense from the mention.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from codesuggest.errors import ConfigError
from codesuggest.extract.normalize import content_words, fold

DATA_FILE = "ambiguous_abbreviations.json"
_DEFAULTS = {"diagnosis": True, "other": False}
_SENSE_KEYS = frozenset(
    {
        "abbreviation",
        "codes",
        "diagnosis",
        "other_senses",
        "default",
        "select",
        "veto",
        "select_patterns",
        "veto_patterns",
    }
)
_REQUIRED = frozenset({"abbreviation", "codes", "diagnosis", "other_senses", "default"})


def _cues(words: Iterable[str], patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for whole-word cue phrases (longest first) and raw regular expressions."""
    phrases = sorted({fold(w).strip() for w in words if w.strip()}, key=len, reverse=True)
    parts = [f"(?<![a-z0-9])(?:{'|'.join(map(re.escape, phrases))})(?![a-z0-9])"] if phrases else []
    parts.extend(f"(?:{p})" for p in patterns)
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class Sense:
    """One diagnosis sense of an ambiguous abbreviation."""

    abbreviation: str
    key: tuple[str, ...]  # the lexicon key the abbreviation compiles to
    codes: tuple[str, ...]  # code prefixes of the diagnosis
    default: bool  # whether the diagnosis holds with no cue near
    select: re.Pattern[str] | None
    veto: re.Pattern[str] | None

    def holds(self, window: str, start: int, end: int) -> bool:
        """Whether the diagnosis holds for the abbreviation at ``window[start:end]`` (the
        window lower-cased): the nearest cue decides, a veto on a tie."""
        best: tuple[int, bool] | None = None
        for keeps, pattern in ((True, self.select), (False, self.veto)):
            if pattern is None:
                continue
            for m in pattern.finditer(window):
                found = (max(0, m.start() - end, start - m.end()), keeps)
                if best is None or found < best:
                    best = found
        return self.default if best is None else best[1]

    def names(self, code: str) -> bool:
        return code.startswith(self.codes)


@dataclass(frozen=True)
class AmbiguousAbbreviations:
    """The senses by lexicon key, and the window (tokens each side) their cues are read in."""

    window: int
    by_key: dict[tuple[str, ...], tuple[Sense, ...]]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AmbiguousAbbreviations:
        window = data.get("window")
        if not isinstance(window, int) or window < 1:
            raise ConfigError(f"{DATA_FILE}: 'window' must be a positive number of tokens")
        by_key: dict[tuple[str, ...], list[Sense]] = {}
        for raw in data.get("senses", []):
            unknown = set(raw) - _SENSE_KEYS
            missing = _REQUIRED - set(raw)
            if unknown or missing:
                raise ConfigError(
                    f"{DATA_FILE}: sense {raw.get('abbreviation')!r}: "
                    f"unknown keys {sorted(unknown)}, missing {sorted(missing)}"
                )
            if raw["default"] not in _DEFAULTS:
                raise ConfigError(f"{DATA_FILE}: default must be one of {sorted(_DEFAULTS)}")
            key = tuple(sorted(set(content_words(raw["abbreviation"]))))
            if not key or not raw["codes"]:
                raise ConfigError(f"{DATA_FILE}: {raw['abbreviation']!r} needs words and codes")
            try:
                sense = Sense(
                    abbreviation=raw["abbreviation"],
                    key=key,
                    codes=tuple(raw["codes"]),
                    default=_DEFAULTS[raw["default"]],
                    select=_cues(raw.get("select", ()), raw.get("select_patterns", ())),
                    veto=_cues(raw.get("veto", ()), raw.get("veto_patterns", ())),
                )
            except re.error as e:
                raise ConfigError(f"{DATA_FILE}: {raw['abbreviation']!r}: {e}") from e
            by_key.setdefault(key, []).append(sense)
        return cls(window, {k: tuple(v) for k, v in by_key.items()})

    def dropped(self, key: tuple[str, ...], window: str, start: int, end: int) -> tuple[str, ...]:
        """The code prefixes of the senses of ``key`` that do not hold at ``window[start:end]``
        (``window`` as written: it is lower-cased here, offsets kept)."""
        senses = self.by_key.get(key)
        if not senses:
            return ()
        low = window.lower()
        out: list[str] = []
        for sense in senses:
            if not sense.holds(low, start, end):
                out.extend(sense.codes)
        return tuple(out)


@cache
def ambiguous_abbreviations() -> AmbiguousAbbreviations:
    """The packaged ``ambiguous_abbreviations.json``."""
    text = resources.files("codesuggest.extract").joinpath("data").joinpath(DATA_FILE)
    return AmbiguousAbbreviations.from_dict(json.loads(text.read_text("utf-8")))
