"""Gold codes of :mod:`codesuggest.training.corpus` written as labels of the current release.

ICD-10-CM codes take the official dotted form. A 2018 code that a later release split becomes its
"unspecified" child when that is unambiguous (R51 -> R51.9, via
:func:`~codesuggest.training.codiesp.expanded_default`); a code left without its 7th character
(CodiEsp writes W19.XXX, S02.5XX, S71.101) gets the default one: "initial encounter" (closed,
for fractures) or "not applicable or unspecified" (fetus, O codes). ICD-10-PCS, CPT and HCPCS
ship no table: they are upper-cased without dots and checked for shape only. Codes that fit
nothing are kept as labels and counted in the report, never dropped.
"""

from __future__ import annotations

import re
from collections import Counter

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import CM, CODE_SHAPES, PCS
from codesuggest.training.codiesp import expanded_default
from codesuggest.training.corpus_report import CorpusReport

__all__ = ["CODE_SHAPES", "normalize_code", "seventh_default"]


_PLAIN = re.compile(r"[^0-9A-Z]")
_PCS_PART = re.compile(r"[0-9A-HJ-NP-Z]{1,6}")


def normalize_code(codeset: Icd10Cm, system: str, raw: str, report: CorpusReport) -> str:
    """The label for ``raw`` in ``system`` (one of :data:`SYSTEMS`), noting oddities in report."""
    if system == CM:
        return _icd10cm(codeset, raw, report)
    plain = _PLAIN.sub("", raw.upper())
    if CODE_SHAPES[system].fullmatch(plain):
        return plain
    if system == PCS and _PCS_PART.fullmatch(plain):
        report.truncated[plain] += 1  # CodiEsp cuts some PCS codes after the 4th character
    else:
        report.unknown.setdefault(system, Counter())[plain] += 1
    return plain


def _icd10cm(cs: Icd10Cm, raw: str, report: CorpusReport) -> str:
    official = cs.normalize(raw)
    if official is not None and cs.is_billable(official):
        return official
    plain = _PLAIN.sub("", raw.upper())
    given = "".join(raw.upper().split())  # an unknown code keeps the dot where it was given
    label = official or (given if "." in given or len(plain) <= 3 else f"{plain[:3]}.{plain[3:]}")
    base = official or (cs.normalize(plain.rstrip("X")) if plain.endswith("X") else None)
    if base is not None:
        current = expanded_default(cs, base)
        if official is not None and current is not None:
            report.crosswalked[official] = current
            return current
        current = current or seventh_default(cs, base)
        if current is not None:
            report.seventh_filled[label] = current
            return current
    if official is not None:
        report.non_billable[official] += 1
        return official
    report.unknown.setdefault(CM, Counter())[label] += 1
    return label


def seventh_default(cs: Icd10Cm, code: str) -> str | None:
    """``code`` completed with its default 7th character, when it takes one and that exists."""
    defaults = [
        char
        for char, meaning in cs.seventh_characters(code).items()
        if (meaning.startswith("initial encounter") and "open" not in meaning)
        or meaning == "not applicable or unspecified"
    ]
    if len(defaults) != 1:
        return None
    full = cs.normalize(_PLAIN.sub("", code).ljust(6, "X") + defaults[0])
    return full if full is not None and cs.is_billable(full) else None
