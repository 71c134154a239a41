"""From a note's scored candidates to its suggestions: the operating thresholds, the evidence,
then the rules.

What a note's result holds: every recommended code, most confident first (ICD-10-CM codes never
listed first, external causes and status or history Z codes, after the others; an ICD-10-PCS
table row that would be recommended were it complete ranks among them, by its confidence,
flagged for the coder to complete), then the most
confident of the codes below their threshold, then those a rule withdrew (they keep their
confidence but rank after every code no rule struck) until the result holds ``top`` codes. So a
result has ``max(top, recommended)`` codes (fewer when the note has fewer candidates), and
``top`` only bounds the codes that are not recommended.

A recommended code always shows its support in the note: the mentions that name it, or, for a
code the trained model learned from the note as a whole, the note's words that drove it
(evidence of kind ``learned``). A code with neither is not recommended, nor one whose only
mentions are Alphabetic Index entries inside longer terms ("pain" in "chest pain"; unless the
trained model proposed it itself): the rules do not see it, and it ranks last, after the codes
a rule withdrew (or by its confidence, for a model trained on coded notes: its ranker learned
how often coders code such codes), with those mentions as evidence, for the coder to see.

Shared by the Engine and by the trainer, which measures on held-out notes what the rules do to
the recommendations it is choosing thresholds and rule settings for.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.base import (
    Candidate,
    held_back,
    inner_only,
    naming_mentions,
    naming_support,
)
from codesuggest.candidates.learned import first_words
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import CM
from codesuggest.rules.engine import RuleSet, Scored
from codesuggest.rules.tables import prefixes, read_table
from codesuggest.types import LOOSE, Assertion, Evidence, Mention, Note, Suggestion

MAX_EVIDENCE = 5
NO_EVIDENCE = "no evidence in the note"
# the flags of ``held_back`` codes
INNER_ONLY = "only inside a longer term: not recommended"
LOOSE_ONLY = "words far apart in their sentence: not recommended"
SIDE_ELSEWHERE = "side stated elsewhere in the note: not recommended"


def _held_flag(c: Candidate) -> str:
    """Why the held-back candidate ``c`` is not recommended."""
    if not inner_only(c):
        return SIDE_ELSEWHERE
    return LOOSE_ONLY if all(m.kind == LOOSE for m in c.mentions) else INNER_ONLY


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
    systems: Collection[str] | None = None,
    held_last: bool = True,
) -> list[Suggestion]:
    """The suggestions of a note (see the module): each candidate recommended when its
    probability reaches its system's threshold (``threshold`` for systems without one of their
    own) and it has evidence, then the rules applied to every recommended candidate and the
    ``3 * top`` most probable; with ``systems``, only the codes of those systems (the rules
    still see every code, so that a rule between two systems acts the same). The codes
    :func:`held_back` rank last unless ``held_last`` is False (a ranker that learned from
    coded notes how often such codes are coded: they rank by their confidence)."""
    ranked = sorted(zip(cands, scores, strict=True), key=lambda cp: (-float(cp[1]), cp[0].code))
    if systems is not None:  # the kept systems' codes first, so that ``top`` counts them
        ranked.sort(key=lambda cp: cp[0].system not in systems)
    words = _LearnedWords(note.text, cands)
    items = []
    for i, (c, p) in enumerate(ranked):
        recommended = bool(p >= thresholds.get(c.system, threshold))
        if not recommended and i >= top * 3:
            continue  # only these need evidence
        held = held_back(c)
        if held:
            recommended = False
        found = evidence(c)
        if not found and recommended:  # learned words: what a recommendation needs
            found = words.evidence(c)
        suggestion = Suggestion(
            code=c.code,
            system=c.system,
            description=c.title,
            confidence=float(p),
            recommended=recommended,
            evidence=found,
            index_path=c.index_path,
        )
        if held:
            suggestion.flags.append(_held_flag(c))
        items.append(Scored(suggestion, c))
    _require_evidence(items)
    # the rules neither see nor recommend the codes held back (they would take the place of
    # codes the note states: "iron deficiency" inside "iron deficiency anemia")
    aside = [s for s in items if held_back(s.candidate)]
    if aside:
        items = [s for s in items if not held_back(s.candidate)]
    items = rules.apply(items, note, codeset)
    _require_evidence(items)
    last: set[int] = set()  # codes held back that rank after all others, withdrawn ones too
    if aside:
        named = {(s.suggestion.system, s.suggestion.code) for s in items}
        aside = [s for s in aside if (s.suggestion.system, s.suggestion.code) not in named]
        if held_last:
            last = {id(s) for s in aside}
        items.extend(aside)
    secondary = secondary_prefixes()
    items.sort(
        key=lambda s: (
            not (s.suggestion.recommended or (s.to_complete and not s.withdrawn)),
            id(s) in last,
            s.withdrawn and not s.suggestion.recommended,
            s.suggestion.recommended
            and s.suggestion.system == CM
            and s.suggestion.code.startswith(secondary),
            -s.suggestion.confidence,
            s.suggestion.code,
        )
    )
    out = [s.suggestion for s in items]
    if systems is not None:
        out = [s for s in out if s.system in systems]
    return out[: max(top, sum(s.recommended for s in out))]


SECONDARY_COLUMNS = ("prefixes", "cite", "comment")


@cache
def secondary_prefixes() -> tuple[str, ...]:
    """The codes never listed first (``rules/data/secondary_codes.tsv``: external causes,
    status and history codes): among a note's recommended codes they rank last."""
    rows = read_table("secondary_codes.tsv", SECONDARY_COLUMNS)
    return tuple(p for row in rows for p in prefixes(row["prefixes"]))


def evidence(c: Candidate) -> list[Evidence]:
    """Up to ``MAX_EVIDENCE`` distinct mentions of a candidate, in the order of the note: those
    whose lexicon key names the code; if none does, the phrases the model learned go with the
    code in its site's coding (lexicon source ``learned``), as evidence of kind ``learned``.
    A phrase that only goes with a code ("diabetes" with I10 where diabetics are hypertensive)
    is never shown as if it named the code."""
    support, kind = naming_support(c), "mention"
    if not support:
        support, kind = [s for s in c.support if s.evidence], "learned"
    seen = set()
    out = []
    for s in sorted(support, key=lambda s: s.mention.start):
        m = s.mention
        if (m.start, m.end) in seen:
            continue
        seen.add((m.start, m.end))
        said = s.read_from.value if s.read_from is not None else ""
        out.append(Evidence(m.start, m.end, m.text, m.section, m.assertion.value, kind, said))
        if len(out) == MAX_EVIDENCE:
            break
    return out


def names_code(c: Candidate) -> bool:
    """Whether a mention of ``c`` names its code (:func:`evidence` of kind ``mention``), not
    only phrases its site's coding pairs with it or the note's words as a whole."""
    return bool(naming_mentions(c))


def support_evidence(text: str, c: Candidate, cands: Sequence[Candidate]) -> list[Evidence]:
    """What a recommendation of ``c`` would show as its support in the note ``text`` among
    its candidates ``cands``: its mentions (:func:`evidence`), else the note's words that drove
    a learned code. An audit reads it for codes the engine did not recommend."""
    return evidence(c) or _LearnedWords(text, [*cands, c]).evidence(c)


def _require_evidence(items: list[Scored]) -> None:
    for s in items:
        if s.suggestion.recommended and not s.suggestion.evidence:
            s.suggestion.recommended = False
            s.suggestion.flags.append(NO_EVIDENCE)


class _LearnedWords:
    """Where the words that drove a learned code stand in the note (read once, when needed)."""

    def __init__(self, text: str, cands: Sequence[Candidate]) -> None:
        self._text = text
        self._cands = cands
        self._first: dict[str, tuple[int, int]] | None = None  # word -> its first offsets
        self._mentions: list[Mention] = []

    def evidence(self, c: Candidate) -> list[Evidence]:
        """The first occurrence of each of ``c``'s learned words (``LearnedScore.terms``), in
        the order of the note; each takes the assertion and section of a mention covering it,
        else it is present."""
        terms = c.learned.terms if c.learned is not None else ()
        if not terms:
            return []
        if self._first is None:
            wanted = {t for cand in self._cands if cand.learned for t in cand.learned.terms}
            self._first = first_words(self._text, wanted)
            self._mentions = [m for cand in self._cands for m in cand.mentions]
        found = sorted(self._first[t] for t in terms if t in self._first)
        out = []
        for start, end in found:
            cover = next((m for m in self._mentions if m.start <= start and end <= m.end), None)
            out.append(
                Evidence(
                    start,
                    end,
                    self._text[start:end],
                    cover.section if cover is not None else "",
                    (cover.assertion if cover is not None else Assertion.PRESENT).value,
                    kind="learned",
                )
            )
        return out
