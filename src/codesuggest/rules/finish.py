"""From a note's scored candidates to its suggestions: the operating thresholds, then the rules.

Shared by the Engine and by the trainer, which measures on held-out notes what the rules do to
the recommendations it is choosing thresholds and rule settings for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.engine import RuleSet, Scored
from codesuggest.types import Evidence, Note, Suggestion

MAX_EVIDENCE = 5


def finish(
    note: Note,
    cands: Sequence[Candidate],
    scores: Sequence[float] | npt.NDArray[np.float64],
    *,
    threshold: float,
    thresholds: Mapping[str, float],
    rules: RuleSet,
    codeset: Icd10Cm,
    top: int,
) -> list[Suggestion]:
    """The ``top`` suggestions of a note, best first: each candidate recommended when its
    probability reaches its system's threshold (``threshold`` for systems without one of their
    own), then the rules applied to the ``3 * top`` most probable."""
    # the rules see the 3 * top most probable (ties by code); only those need evidence
    ranked = sorted(zip(cands, scores, strict=True), key=lambda cp: (-float(cp[1]), cp[0].code))
    kept = ranked[: top * 3]
    items = [
        Scored(
            Suggestion(
                code=c.code,
                system=c.system,
                description=c.title,
                confidence=float(p),
                recommended=bool(p >= thresholds.get(c.system, threshold)),
                evidence=evidence(c),
            ),
            c,
        )
        for c, p in kept
    ]
    items = rules.apply(items, note, codeset)
    out = [s.suggestion for s in items]
    out.sort(key=lambda s: (-s.confidence, s.code))
    return out[:top]


def evidence(c: Candidate) -> list[Evidence]:
    """Up to ``MAX_EVIDENCE`` distinct mentions of a candidate, in the order of the note."""
    seen = set()
    out = []
    for m in sorted(c.mentions, key=lambda m: m.start):
        if (m.start, m.end) in seen:
            continue
        seen.add((m.start, m.end))
        out.append(Evidence(m.start, m.end, m.text, m.section, m.assertion.value))
        if len(out) == MAX_EVIDENCE:
            break
    return out
