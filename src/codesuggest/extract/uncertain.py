"""Uncertain diagnoses of an inpatient stay are coded as if established (OCG II.H, III.C).

"Probable Guillain-Barre syndrome" at the end of an inpatient stay is coded G61.0; the same
words in a clinic note are not (OCG IV.H). Which note settings are inpatient stays is data
(``data/uncertain_diagnoses.json``); :func:`establish_uncertain` turns the possible mentions
of such a note present, noting it in ``Mention.basis`` so the coder is told why, unless every
cue that made them possible says a test is under way ("H. pylori serology pending").
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib import resources

from codesuggest.errors import ConfigError
from codesuggest.types import Assertion, Mention

INPATIENT_UNCERTAIN = "inpatient-uncertain"  # ``Mention.basis`` of such a mention
FILE = "uncertain_diagnoses.json"


def _strings(key: str) -> frozenset[str]:
    path = resources.files("codesuggest.extract").joinpath("data").joinpath(FILE)
    values = json.loads(path.read_text("utf-8")).get(key)
    if not isinstance(values, list) or not all(isinstance(s, str) for s in values):
        raise ConfigError(f"{FILE}: {key!r} must be a list of strings")
    return frozenset(" ".join(s.lower().split()) for s in values)


@cache
def inpatient_settings() -> frozenset[str]:
    """The note settings (lower case) that name an inpatient stay."""
    return _strings("inpatient_settings")


@cache
def not_establishing_cues() -> frozenset[str]:
    """Uncertainty cues that qualify no diagnosis ("pending", "being tested for")."""
    return _strings("not_establishing_cues")


def establishes(mention: Mention) -> bool:
    """Whether a possible mention is an uncertain diagnosis (not a pending test or work-up):
    at least one of its cues, or none known, qualifies a diagnosis."""
    skip = not_establishing_cues()
    return not mention.cues or any(c not in skip for c in mention.cues)


def is_inpatient(setting: str | None) -> bool:
    """Whether a note's setting names an inpatient stay."""
    return setting is not None and " ".join(setting.lower().split()) in inpatient_settings()


def establish_uncertain(mentions: list[Mention], setting: str | None) -> list[Mention]:
    """The mentions of a note, its possible ones present when the note is an inpatient stay."""
    if not is_inpatient(setting):
        return mentions
    return [
        replace(m, assertion=Assertion.PRESENT, basis=m.basis or INPATIENT_UNCERTAIN)
        if m.assertion is Assertion.POSSIBLE and establishes(m)
        else m
        for m in mentions
    ]
