"""Status Z codes and external causes from their usual phrasings (OCG I.C.21.c.3, I.C.20).

The lexicon names a status code for the thing itself ("appendectomy" -> Z90.49, "apixaban" ->
Z79.01, "penicillin" -> Z88.0, "BMI 34" -> Z68.34, "dog bite" -> W54.0XXA); this generator,
run after the others, decides which of those mentions state a status, by the code's kind
(``codesets/data/status_codes.tsv``):

- a status is a present fact however it is phrased: "s/p CABG", "history of appendectomy"
  state Z95.1 and Z90.49 *now*. Their historical mentions are asserted present for the code
  (``candidates.assertion``, so the unaffirmed-evidence rule keeps them); negated,
  family and hypothetical mentions are left as they are, for that rule to withdraw.
- absence: only with a past cue (historical, a past-surgical section, "s/p" in the phrase):
  "appendectomy performed today" is the procedure, not the status.
- long-term drugs: a medication-section entry or a drug taken for maintenance ("on
  apixaban"); aspirin, steroids, opioids only with "daily"/"chronic" in the phrase or from the
  medication list ("given aspirin 325 mg in the ED" is not long-term); past use is not current,
  nor a drug the note says was stopped ("off apixaban", "completed 6 months of warfarin").
- allergy: in an allergy section or with "allergic"/"allergy" in the phrase.
- BMI: the value right after its own "BMI" token picks the Z68 code; nothing else binds.
- external causes: the mechanism of an injury happened before the visit: past is present.
- supplementary (Y93 activity, Y99 status): as external causes, and only in a note that
  affirms an injury (S00-T88) or its mechanism: "playing basketball" alone is no code.
- long-term drugs of cued kinds read their cue in the phrase or in the few words after it, up
  to the end of its list item: "fluticasone-salmeterol BID", "budesonide 2 puffs BID".

Evidence starts at the thing, not at its cue: "S/p CABG" shows "CABG".
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.status import StatusCodes
from codesuggest.extract.current import PAST, RESOLVED
from codesuggest.extract.procedures import NUMBER, PERFORMED, phrase_pattern, status_cues
from codesuggest.extract.qualifiers import BREAK, COMMA, WITH
from codesuggest.types import Assertion, Mention

# the generators that propose a code from its mentions alone (lexicon, hierarchy defaults,
# children the sentence supports): with no mention left, no candidate
_NAMING = frozenset({"lexicon", "hierarchy", "specific", "laterality"})
# mentions a kind keeps only under a condition; the others stay for the assertion rules
_CONDITIONAL = (Assertion.PRESENT, Assertion.HISTORICAL, Assertion.HYPOTHETICAL)
# injuries, poisonings and their mechanisms: what a Y93 activity or Y99 status goes with
_INJURY = ("S", "T")
_AFFIRMING = (Assertion.PRESENT, Assertion.HISTORICAL)
_CUE_WINDOW = 6  # tokens after a drug read for its long-term cue ("2 puffs BID")
_STAY_WINDOW = 4  # tokens beside an operation read for a day of this stay ("HD4", "POD 2")


class StatusCandidates:
    """Keeps, affirms and re-binds the mentions of status and external-cause candidates."""

    name = "status"

    def __init__(self, status: StatusCodes | None = None) -> None:
        self.status = status if status is not None else StatusCodes.load()

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        status = self.status
        injured = self._injured(pool)
        for code, cand in list(pool.items()):
            kind = status.kind(code)
            if kind is None or cand.derived_from is not None:
                continue
            if kind == "bmi":
                self._bind_bmi(code, cand, pool)
            elif kind == "supplementary" and not injured:
                cand.support = [s.set_aside() for s in cand.support]
            else:
                cand.support = [
                    s.with_mention(self._trimmed(s.mention))
                    if s.evidence and self._states(kind, s.mention)
                    else s.set_aside()
                    for s in cand.support
                ]
            if not cand.mentions and cand.sources <= _NAMING | {self.name}:
                del pool[code]

    def _injured(self, pool: dict[str, Candidate]) -> bool:
        """Whether the note affirms an injury or the mechanism of one (a present or past
        mention of an S00-T88 code or of an external cause)."""
        return any(
            (code[:1] in _INJURY or self.status.kind(code) == "external")
            and any(m.assertion in _AFFIRMING for m in cand.mentions)
            for code, cand in pool.items()
        )

    def _states(self, kind: str, m: Mention) -> bool:
        """Whether mention ``m`` of a code of ``kind`` states that status."""
        if m.assertion not in _CONDITIONAL:
            return True  # negated or family: kept for the unaffirmed-evidence rule
        cues = self.status.cues
        text = m.text.lower()
        if kind == "absence":
            if _this_stay(m):
                return False  # "s/p lap cholecystectomy HD4": the operation of this stay
            return (
                m.assertion is not Assertion.PRESENT
                or m.basis == PAST
                or m.section in cues["past_sections"]
                or self.status.past.search(text) is not None
            )
        if kind in ("long_term", "long_term_cued"):
            if m.assertion is Assertion.HISTORICAL or m.basis in (PAST, RESOLVED):
                return False  # "previously on warfarin", "off apixaban": not current
            return (
                kind == "long_term"
                or m.section in cues["medication_sections"]
                or self.status.long_term.search(text) is not None
                or self._cued_after(m)
            )
        if kind == "device":
            # "Procedure: right total knee arthroplasty", "pacemaker implantation": the device
            # is placed at this encounter, not a status it brings (unless "s/p", "history of")
            if _this_stay(m):
                return False  # "s/p CABG POD 3": the graft placed in this stay
            if m.assertion is not Assertion.PRESENT or m.basis == PAST:
                return True
            if self.status.past.search(text) is not None:
                return True
            return m.section not in cues["procedure_sections"] and not self._placed(m)
        if kind == "allergy":
            if m.section in cues["allergy_sections"]:
                return True
            return self.status.allergy.search(text) is not None
        return True

    def _placed(self, m: Mention) -> bool:
        """Whether ``m`` or the words right after it say the device is being placed
        ("pacemaker implantation", "stent placed in the LAD")."""
        if not m.context:
            return self.status.placement.search(m.text.lower()) is not None
        return any(self.status.placement.search(t.lower()) for t in _words_from(m))

    def _cued_after(self, m: Mention) -> bool:
        """Whether the few words after ``m``, up to the end of its list item, say the drug is
        taken long-term ("fluticasone-salmeterol BID", "budesonide 160/4.5 2 puffs BID")."""
        after = " ".join(_words_after(m, _CUE_WINDOW, stop=(BREAK, COMMA, WITH)))
        return bool(after) and self.status.long_term.search(after) is not None

    def _trimmed(self, m: Mention) -> Mention:
        """``m`` without a leading cue ("p CABG" -> "CABG"), when something is left."""
        lead = self.status.lead.match(m.text.lower())
        if lead is None or lead.end() >= len(m.text):
            return m
        cut = lead.end()
        return replace(m, start=m.start + cut, text=m.text[cut:])

    def _bind_bmi(self, code: str, cand: Candidate, pool: dict[str, Candidate]) -> None:
        """Each mention to the Z68 code of the value stated right after its "BMI" token; a
        phrase without one ("BMI under 20") keeps its code only when its words are together
        ("BMI not done, weight 34 kg" states no BMI of 34)."""
        kept = []
        for support in cand.support:
            if not support.evidence:
                kept.append(support)
                continue
            mention = support.mention
            found = self.status.bmi_statement(mention.text)
            if found is None:
                kept.append(support if mention.kind == "contiguous" else support.set_aside())
                continue
            bound, lo, hi = found
            # the evidence is the statement itself: "BMI 22", not "BMI 22, age 34"
            m = replace(
                mention, start=mention.start + lo, end=mention.start + hi, text=mention.text[lo:hi]
            )
            if bound == code:
                kept.append(support.with_mention(m))
            else:
                kept.append(support.set_aside())  # its value is another code's
                target = pool.get(bound)
                if target is None:
                    target = pool[bound] = Candidate(bound)
                if m not in target.mentions:
                    target.support.append(support.with_mention(m))
                    target.sources.add(self.name)
        cand.support = kept


_PLACEMENT_WINDOW = 4  # tokens after a device mention read for "implantation", "placed"


def _words_from(m: Mention) -> list[str]:
    """The words of ``m`` and of the few tokens after it in its sentence, up to a break."""
    out = [w for marks in m.context[m.span[0] : m.span[1]] for w in marks]
    return out + _words_after(m, _PLACEMENT_WINDOW, stop=(BREAK, WITH))


def _this_stay(m: Mention) -> bool:
    """Whether the words around ``m``, in its clause, name a day of this stay: "s/p lap
    cholecystectomy HD4", "POD 2 s/p appendectomy" (``performed`` cues of
    ``extract/data/procedure_status.json``, read as the procedure reader reads them)."""
    if not m.context:
        return False
    after = NUMBER.sub("#", " ".join(_words_after(m, _STAY_WINDOW, stop=(BREAK, COMMA))))
    before = NUMBER.sub("#", " ".join(_words_before(m, _STAY_WINDOW, stop=(BREAK, COMMA))))
    either, later = _stay_patterns()
    return bool(either.search(f"{before} | {after}") or later.search(after))


@cache
def _stay_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The ``performed`` cues that may stand on either side of a procedure, and after it."""
    cues = status_cues()[PERFORMED]
    return phrase_pattern(list(cues.get("either", ()))), phrase_pattern(list(cues.get("after", ())))


def _words_before(m: Mention, window: int, stop: tuple[str, ...]) -> list[str]:
    """The last ``window`` words before ``m`` in its sentence, after a ``stop`` mark ("POD 2
    s/p appendectomy": "s/p" is three tokens, two of them no word)."""
    out: list[str] = []
    for marks in reversed(m.context[: m.span[0]]):
        if any(s in marks for s in stop) or len(out) >= window:
            break
        out[:0] = marks
    return out


def _words_after(m: Mention, window: int, stop: tuple[str, ...]) -> list[str]:
    """The words of the ``window`` tokens after ``m`` in its sentence, up to a ``stop`` mark."""
    out: list[str] = []
    for marks in m.context[m.span[1] : m.span[1] + window]:
        if any(s in marks for s in stop):
            break
        out.extend(marks)
    return out
