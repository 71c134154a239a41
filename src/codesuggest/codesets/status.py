"""Status codes (OCG I.C.21.c.3) and external causes (I.C.20): which kind each code is, the
cue words that make a mention a status, and the BMI ranges of Z68.

Data files: ``status_codes.tsv`` (code prefix -> kind), ``status_cues.json`` (cue words) and
``bmi_ranges.tsv`` (Z68 code -> the BMI value or percentile range it stands for).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass

from codesuggest.codesets.data_files import data_text
from codesuggest.errors import ConfigError

# absence: "s/p appendectomy" (needs a past cue); device: "pacemaker" (present or past);
# long_term: "on apixaban" (a maintenance drug); long_term_cued: aspirin, steroids, opioids
# (only from a medication list or "daily"/"chronic"); allergy: "allergic to sulfa"; bmi: Z68
# by value; external: the mechanism of an injury (V00-Y09); supplementary: the activity and
# status of an injury (Y93, Y99: "playing basketball", "injured at work"), only beside one
KINDS = frozenset(
    {
        "absence",
        "device",
        "long_term",
        "long_term_cued",
        "allergy",
        "bmi",
        "external",
        "supplementary",
    }
)
_CUE_KEYS = frozenset(
    {
        "past",
        "long_term",
        "allergy",
        "placement",
        "procedure_sections",
        "lead",
        "bmi_names",
        "bmi_links",
        "percentile",
        "past_sections",
        "medication_sections",
        "allergy_sections",
    }
)
# kinds whose past mentions state a present fact ("s/p CABG": the graft is there now)
PRESENT_WHEN_PAST = frozenset({"absence", "device", "external", "supplementary", "bmi"})
MEASURES = frozenset({"value", "percentile"})


def _phrases(words: list[str]) -> str:
    """A regex alternation of cue phrases, longest first, whole words only."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])"


@dataclass(frozen=True)
class BmiRange:
    """A Z68 code and the BMI value (adult) or percentile (pediatric) range it stands for."""

    code: str
    measure: str  # "value" or "percentile"
    low: float  # inclusive
    high: float  # exclusive


class StatusCodes:
    """Longest-prefix lookup of a code's status kind, the cue words and the BMI ranges."""

    def __init__(
        self, kinds: dict[str, str], cues: dict[str, list[str]], bmi: list[BmiRange]
    ) -> None:
        bad = {k for k in kinds.values() if k not in KINDS}
        if bad:
            raise ConfigError(f"status_codes: unknown kinds {sorted(bad)}")
        if set(cues) != _CUE_KEYS:
            raise ConfigError(f"status_cues: keys must be {sorted(_CUE_KEYS)}, got {sorted(cues)}")
        self.kinds = kinds
        self._lengths = sorted({len(p) for p in kinds}, reverse=True)
        self.cues = cues
        self.bmi = bmi
        self.past = re.compile(_phrases(cues["past"]))
        self.long_term = re.compile(_phrases(cues["long_term"]))
        self.allergy = re.compile(_phrases(cues["allergy"]))
        self.placement = re.compile(_phrases(cues["placement"]))
        self.lead = re.compile(rf"^(?:{_phrases(cues['lead'])}\W*)+")
        names = _phrases(cues["bmi_names"])
        links = _phrases(cues["bmi_links"])
        percentile = _phrases(cues["percentile"])
        # the number right after "BMI" (only link words between): the value binds to its token
        self.bmi_value = re.compile(
            rf"{names}[\s\-:=]*(?:{links}[\s\-:=]*)*(\d{{1,3}}(?:\.\d+)?)"
            rf"(?:\s*(?:st|nd|rd|th))?(\s*{percentile})?"
        )
        self._cache: dict[str, str | None] = {}

    @classmethod
    def load(cls) -> StatusCodes:
        """The packaged data files."""
        kinds = {}
        for row in csv.DictReader(data_text("status_codes.tsv").splitlines(), delimiter="\t"):
            prefix = row["prefix"].strip().upper()
            if prefix in kinds:
                raise ConfigError(f"status_codes: duplicate prefix {prefix}")
            kinds[prefix] = row["kind"].strip()
        cues = json.loads(data_text("status_cues.json"))
        bmi = []
        for row in csv.DictReader(data_text("bmi_ranges.tsv").splitlines(), delimiter="\t"):
            if row["measure"] not in MEASURES:
                raise ConfigError(f"bmi_ranges: unknown measure {row['measure']!r}")
            bmi.append(BmiRange(row["code"], row["measure"], float(row["low"]), float(row["high"])))
        return cls(kinds, cues, bmi)

    def kind(self, code: str) -> str | None:
        """The status kind of ``code`` (its longest listed prefix), or None."""
        if code in self._cache:
            return self._cache[code]
        found = None
        for n in self._lengths:
            found = self.kinds.get(code[:n])
            if found is not None:
                break
        self._cache[code] = found
        return found

    def bmi_code(self, text: str) -> str | None:
        """The Z68 code of the BMI stated in ``text`` ("BMI 34.2" -> Z68.34), if it states one."""
        found = self.bmi_statement(text)
        return found[0] if found else None

    def bmi_statement(self, text: str) -> tuple[str, int, int] | None:
        """The Z68 code of the BMI stated in ``text`` and where the statement ("BMI 34.2")
        starts and ends in it."""
        match = self.bmi_value.search(text.lower())
        if match is None:
            return None
        value = float(match.group(1))
        measure = "percentile" if match.group(2) else "value"
        for r in self.bmi:
            if r.measure == measure and r.low <= value < r.high:
                return r.code, match.start(), match.end()
        return None
