"""A condition the note says has resolved is not current anywhere in the note.

"Seen 6 weeks ago for LLL pneumonia ... A/P: pneumonia resolved": the resolution cue reaches
only its own mention, while the others of the same condition carry no cue and would read as
present. A mention a resolution cue made historical (``Mention.basis`` ``resolved``) makes the
note's other uncued mentions of the same condition (a code of the same ICD-10-CM category,
"class 3 obesity" for "obesity resolved") historical too, with the same basis. Status,
external-cause and factor codes (V-Z) are left alone: "off warfarin, started apixaban" stops
one drug, not long-term anticoagulation. A mention cued or placed otherwise (negated, family,
a section's assertion, a treatment) keeps its assertion.
"""

from __future__ import annotations

from dataclasses import replace

from codesuggest.extract.current import RESOLVED
from codesuggest.types import Assertion, Mention

_NOT_CONDITIONS = ("V", "W", "X", "Y", "Z")  # status, external causes, factors
_UNCUED = (Assertion.PRESENT, Assertion.HISTORICAL)


def _categories(m: Mention) -> set[str]:
    return {c[:3] for c in m.codes if not c.startswith(_NOT_CONDITIONS)}


def carry_resolution(mentions: list[Mention]) -> list[Mention]:
    """``mentions`` with every uncued mention of a condition the note says resolved made
    historical and resolved."""
    resolved: set[str] = set()
    for m in mentions:
        if m.basis == RESOLVED and m.assertion is Assertion.HISTORICAL:
            resolved |= _categories(m)
    if not resolved:
        return mentions
    return [
        replace(m, assertion=Assertion.HISTORICAL, basis=RESOLVED)
        if m.assertion in _UNCUED and not m.basis and _categories(m) & resolved
        else m
        for m in mentions
    ]
