"""Hand-built suggestions for rule tests: a code with its code-set title and its evidence."""

from __future__ import annotations

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.engine import KINDS, RuleSet, Scored
from codesuggest.types import Assertion, Evidence, Mention, Note, Suggestion


def item(
    code: str,
    cs: Icd10Cm,
    confidence: float = 0.9,
    *,
    assertion: str = "present",
    recommended: bool = True,
    span: tuple[int, int] = (0, 4),
) -> Scored:
    """A suggestion of ``code`` titled from ``cs``, with one mention at ``span``."""
    evidence = [Evidence(span[0], span[1], "term", "none", assertion)]
    return Scored(
        Suggestion(
            code=code,
            system="ICD-10-CM",
            description=cs.title(code),
            confidence=confidence,
            recommended=recommended,
            evidence=evidence,
        ),
        Candidate(code),
    )


def mentioned(
    code: str,
    cs: Icd10Cm,
    text: str,
    start: int,
    confidence: float = 0.9,
    recommended: bool = True,
    *,
    n_words: int = 2,
    assertion: Assertion = Assertion.PRESENT,
    source: str = "x",
) -> Scored:
    """``item`` with a lexicon mention of ``text`` at ``start`` naming ``code`` (its key
    naming it as ``source``)."""
    s = item(code, cs, confidence, recommended=recommended)
    end = start + len(text)
    s.candidate.add_support(
        Mention(start, end, text, "none", assertion, (code,), "contiguous", "x", n_words),
        1,
        source,
    )
    return s


def apply(
    rules: RuleSet, name: str, items: list[Scored], cs: Icd10Cm, note: Note | None = None
) -> dict[str, Suggestion]:
    """The suggestions after the packaged rule ``name`` alone, by code."""
    [rule] = [r for r in rules.rules if r.name == name]
    out = KINDS[rule.kind](rule, items, note or Note("text"), cs)
    return {s.suggestion.code: s.suggestion for s in out}
