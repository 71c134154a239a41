"""Chronic conditions made current by their treatment (OCG IV.J), as ``codesuggest_treatments``.

"PMH: hypothyroidism" with levothyroxine in the medication list, or "diabetes, on insulin":
a chronic condition treated today is current, not history. The component finds the drugs of
``data/treated_conditions.tsv`` a note says the patient takes (anywhere in a medication
section, or after a lead word such as "on" or "takes", per ``data/treatment_cues.json``) and
stores the condition code prefixes they treat on the Doc; :func:`affirm_treated` then turns
a historical mention of such a condition present, noting the drug in ``Mention.basis``.
Negated, family, possible and hypothetical mentions are never touched, nor a mention a cue
said resolved.
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

import csv
import io
import json
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from codesuggest.errors import ConfigError
from codesuggest.types import Assertion, Mention

TREATED_ATTR = "codesuggest_treated"  # Doc extension: condition prefix -> the drug that treats it
RESOLVED = "resolved"  # ``Mention.basis`` of a mention a resolution cue made historical
# ``Mention.basis`` of a status code a past cue names, present now ("hx of appendectomy")
PAST = "past"
_COLUMNS = ["drug", "condition_prefixes", "condition"]
_CUE_KEYS = {"description", "medication_sections", "lead_words", "stop_words"}
_LOOK_BEHIND = 2  # words before a drug read for a lead or stop word


@dataclass(frozen=True)
class Treatment:
    """A drug and the chronic conditions (code prefixes) it is given for."""

    drug: str
    prefixes: tuple[str, ...]
    condition: str


@dataclass(frozen=True)
class TreatmentCues:
    """Where a named drug counts as taken now."""

    medication_sections: frozenset[str]
    lead_words: frozenset[str]
    stop_words: frozenset[str]


def parse_treatments(text: str) -> list[Treatment]:
    """Rows of ``treated_conditions.tsv``; a bad header, an empty field or a repeated drug
    fails."""
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header = next(reader, None)
    if header != _COLUMNS:
        raise ConfigError(f"treated_conditions.tsv: header must be {_COLUMNS}, got {header}")
    out: list[Treatment] = []
    seen: set[str] = set()
    for n, row in enumerate(reader, start=2):
        if len(row) != len(_COLUMNS) or not all(field.strip() for field in row):
            raise ConfigError(f"treated_conditions.tsv line {n}: expected 3 non-empty fields")
        drug = row[0].strip().lower()
        prefixes = tuple(row[1].split())
        if drug in seen:
            raise ConfigError(f"treated_conditions.tsv line {n}: drug {drug!r} listed twice")
        if any(p != p.upper() or not p[0].isalpha() for p in prefixes):
            raise ConfigError(f"treated_conditions.tsv line {n}: bad code prefix in {row[1]!r}")
        seen.add(drug)
        out.append(Treatment(drug, prefixes, row[2].strip()))
    return out


def parse_cues(data: Any) -> TreatmentCues:
    """``treatment_cues.json``; unknown or missing keys fail."""
    if not isinstance(data, dict) or set(data) != _CUE_KEYS:
        raise ConfigError(f"treatment_cues.json: keys must be {sorted(_CUE_KEYS)}")
    if "OCG" not in data["description"]:
        raise ConfigError("treatment_cues.json: the description must cite the guideline (OCG)")
    return TreatmentCues(
        frozenset(data["medication_sections"]),
        frozenset(w.lower() for w in data["lead_words"]),
        frozenset(w.lower() for w in data["stop_words"]),
    )


@cache
def packaged_treatments() -> tuple[list[Treatment], TreatmentCues]:
    """The packaged drug map and cues (read once)."""
    data = resources.files("codesuggest.extract").joinpath("data")
    treatments = parse_treatments(data.joinpath("treated_conditions.tsv").read_text("utf-8"))
    cues = parse_cues(json.loads(data.joinpath("treatment_cues.json").read_text("utf-8")))
    return treatments, cues


@Language.factory("codesuggest_treatments")
class TreatmentFinder:
    """Stores on ``doc._.codesuggest_treated`` the condition prefixes of the drugs the note
    says are taken now, each with the first such drug."""

    def __init__(self, nlp: Language, name: str) -> None:
        if not Doc.has_extension(TREATED_ATTR):
            Doc.set_extension(TREATED_ATTR, default=None)
        treatments, self.cues = packaged_treatments()
        self.by_drug = {t.drug: t for t in treatments}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for t in treatments:
            self.matcher.add(t.drug, [nlp.make_doc(t.drug)])

    def __call__(self, doc: Doc) -> Doc:
        treated: dict[str, str] = {}
        matches = self.matcher(doc)
        if matches:
            sections = getattr(doc._, "sections", None) or []
            starts = [s.body_start for s in sections]
            strings = doc.vocab.strings
            for match_id, start, _ in matches:
                if self._taken(doc, start, sections, starts):
                    t = self.by_drug[strings[match_id]]
                    for prefix in t.prefixes:
                        treated.setdefault(prefix, t.drug)
        doc._.set(TREATED_ATTR, treated)
        return doc

    def _taken(self, doc: Doc, start: int, sections: list[Any], starts: list[int]) -> bool:
        """Whether the drug at token ``start`` is one the patient takes: in a medication
        section or after a lead word, and no stop word just before it."""
        sent_start = doc[start].sent.start if doc.has_annotation("SENT_START") else 0
        before = [t.lower_ for t in doc[max(sent_start, start - _LOOK_BEHIND) : start]]
        if any(w in self.cues.stop_words for w in before):
            return False
        if any(w in self.cues.lead_words for w in before):
            return True
        i = bisect_right(starts, start) - 1
        return i >= 0 and sections[i].category in self.cues.medication_sections


def affirm_treated(mentions: list[Mention], treated: dict[str, str] | None) -> list[Mention]:
    """``mentions`` with each historical mention of a treated chronic condition made present
    (its ``basis`` names the drug); a mention a cue said resolved stays historical."""
    if not treated:
        return mentions
    prefixes = tuple(treated)
    out = []
    for m in mentions:
        if m.assertion is Assertion.HISTORICAL and m.basis != RESOLVED:
            code = next((c for c in m.codes if c.startswith(prefixes)), None)
            if code is not None:
                drug = next(treated[p] for p in prefixes if code.startswith(p))
                m = replace(m, assertion=Assertion.PRESENT, basis=f"treated:{drug}")
        out.append(m)
    return out
