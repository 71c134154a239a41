"""What each mention asserts of the code it supports: decided here, for every candidate of a
note, once the generators have proposed them (``candidates.collect``).

A mention's own assertion is what the note says of the condition it names: ConText's cues,
the section it sits in, a resolution, a treatment, an inpatient stay's uncertain diagnosis
(``extract``). Some codes read such a mention as affirming them, and this module alone says
which:

- *chronic*: a condition with no personal-history code is current when the note gives it as
  history ("history of hypertension": I10), unless the note says it has resolved;
- *states a history*: a code that states a history itself is affirmed by a mention in that
  history's sense ("breast cancer in mother": Z80.3; ``codesets/data/history_prefixes.tsv``);
- *a status holds now*: a status whose past states a present fact ("s/p CABG": Z95.1; the
  kinds of ``codesets/data/status_codes.tsv``), and an allergy section's entry;
- *derived history*: a history code derived from its condition (``Candidate.derived_from``,
  ``HistoryCandidates``) is affirmed by exactly the relatives' or past mentions it was derived
  from ("mother had breast cancer": Z80.3).

Such a mention is asserted present for the code (its evidence says so), and its support
record keeps what the note said (``MentionSupport.read_from``): the features, the rules, the
audit and the evidence read one assertion, and none of them decides it again.
"""

from __future__ import annotations

from dataclasses import replace

from codesuggest.candidates.base import Candidate, MentionSupport
from codesuggest.codesets.history import HistoryMap, self_asserting
from codesuggest.codesets.status import PRESENT_WHEN_PAST, StatusCodes
from codesuggest.extract.current import RESOLVED
from codesuggest.types import Assertion, Mention

CHRONIC = "chronic"  # the ``Mention.basis`` of a chronic condition's past mention, read present
STATES_A_HISTORY = "states a history"  # ... of a mention affirming a code that states a history
# the mentions a history code is derived from (``HistoryCandidates``)
DERIVED_FROM = (Assertion.FAMILY, Assertion.HISTORICAL)
# status kinds whose past mentions state a present fact; an allergy too, once the status
# generator has kept only the mentions an allergy section or an "allergic" cue makes allergies
_PRESENT_WHEN_PAST = PRESENT_WHEN_PAST | {"allergy"}


class CodeAssertions:
    """Reads each candidate's mentions as they bear on its code (see the module)."""

    def __init__(self, history: HistoryMap, status: StatusCodes | None = None) -> None:
        self.history = history
        self._status = status  # loaded when first read (the history generator needs none)
        self._self_asserting = [(Assertion(a), p) for a, p in self_asserting().items()]
        # code -> the note's assertions the condition's code reads as present, and why
        self._condition: dict[str, dict[Assertion, str]] = {}

    def condition_reads(self, code: str) -> dict[Assertion, str]:
        """The assertions a mention of ``code`` may have in the note and still affirm it (past:
        a chronic condition; a history's own sense: a code that states it), with the basis
        each is read on: the first reason given wins."""
        reads = self._condition.get(code)
        if reads is None:
            reads = {}
            if self.history.is_chronic(code):  # "history of hypertension": still hypertensive
                reads[Assertion.HISTORICAL] = CHRONIC
            for assertion, prefixes in self._self_asserting:
                if code.startswith(prefixes):
                    reads.setdefault(assertion, STATES_A_HISTORY)
            self._condition[code] = reads
        return reads

    def of_condition(self, code: str, m: Mention) -> Assertion:
        """What ``m`` asserts of ``code`` as a condition (before any status or derivation)."""
        if m.assertion in self.condition_reads(code) and m.basis != RESOLVED:
            return Assertion.PRESENT
        return m.assertion

    @property
    def status(self) -> StatusCodes:
        if self._status is None:
            self._status = StatusCodes.load()
        return self._status

    def read(self, pool: dict[str, Candidate]) -> None:
        """Re-read the support of every candidate of ``pool`` for its code."""
        status = self.status
        for code, cand in pool.items():
            if cand.derived_from is not None:
                cand.support = [_derived(s) for s in cand.support]
                continue
            reads = self.condition_reads(code)
            if reads:
                cand.support = [_condition(s, reads) for s in cand.support]
            kind = status.kind(code)
            if kind in _PRESENT_WHEN_PAST:
                cand.support = [self._status_now(kind, s) for s in cand.support]

    def _status_now(self, kind: str, s: MentionSupport) -> MentionSupport:
        """``s`` asserted present when its status holds now: a past mention, or an entry of an
        allergy section (which reads its mentions as hypothetical)."""
        m = s.mention
        if s.evidence and (
            m.assertion is Assertion.HISTORICAL
            or (
                kind == "allergy"
                and m.assertion is Assertion.HYPOTHETICAL
                and m.section in self.status.cues["allergy_sections"]
            )
        ):
            return _present(s, m.basis)
        return s


def _condition(s: MentionSupport, reads: dict[Assertion, str]) -> MentionSupport:
    m = s.mention
    basis = reads.get(m.assertion)
    if basis is None or m.basis == RESOLVED:
        return s
    return _present(s, m.basis or basis)


def _derived(s: MentionSupport) -> MentionSupport:
    return _present(s, s.mention.basis) if s.mention.assertion in DERIVED_FROM else s


def _present(s: MentionSupport, basis: str) -> MentionSupport:
    """``s`` with its mention asserted present on ``basis``, keeping what the note said."""
    m = s.mention
    return MentionSupport(
        replace(m, assertion=Assertion.PRESENT, basis=basis),
        s.key_size,
        s.lexicon_source,
        s.evidence,
        s.read_from or m.assertion,
    )
