"""The US acceptance suite: hand-written notes with the codes a certified coder would assign.

Each case (one JSON object per line of ``benchmarks/data/us_acceptance/<setting>.jsonl``) names
the codes a coder expects, the codes a coder would accept, and the codes that must never be
recommended, each forbidden one defensible from the ICD-10-CM Official Guidelines. ``load_cases``
reads the files strictly; ``score`` measures the engine's results against them:

- expected in top 5: the share of all expected codes ranked within the first five ICD-10-CM
  suggestions of their note;
- forbidden recommended: recommended codes that a case forbids (an entry ending in ``*`` is a
  prefix), with the case's reason;
- precision and recall of recommended codes: a recommended code is correct when it is expected
  or acceptable; recall is over expected codes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.errors import InputError
from codesuggest.types import Note, NoteResult, Suggestion

SETTINGS = ("ed", "clinic", "discharge", "operative", "consult")
ENCOUNTERS = ("outpatient", "inpatient")
CLASSES = (
    "negation",
    "ruled-out",
    "uncertain",
    "family",
    "history",
    "resolved",
    "allergy-status",
    "chronic-treated",
    "clause-boundary",
    "soap",
    "symptom-integral",
    "unspecified-sibling",
    "combination",
    "with-without",
    "number-binding",
    "bmi",
    "acquired-absence",
    "device-status",
    "long-term-drug",
    "personal-history",
    "external-cause",
    "laterality",
    "inpatient-uncertain",
    "plain",
)
KEYS = (
    "id",
    "setting",
    "encounter",
    "age",
    "sex",
    "text",
    "expected",
    "acceptable",
    "forbidden",
    "classes",
    "notes",
)
MAX_EXPECTED = 5
TOP_K = 5
# the targets for the default model
TARGET_EXPECTED_TOP5 = 0.95
TARGET_FORBIDDEN = 0
TARGET_PRECISION = 0.85

_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_PREFIX = re.compile(r"^[A-Z][0-9][0-9A-Z]?(\.[0-9A-Z]{0,3})?\*$")


@dataclass(frozen=True)
class AcceptanceCase:
    """One hand-written note and the coding a certified US coder would accept for it."""

    id: str
    setting: str
    encounter: str
    age: int
    sex: str
    text: str
    expected: tuple[str, ...]
    acceptable: tuple[str, ...]
    forbidden: tuple[str, ...]
    classes: tuple[str, ...]
    notes: Mapping[str, str] = field(default_factory=dict, hash=False)

    def note(self) -> Note:
        """The note as the engine takes it; the encounter (inpatient/outpatient) is its setting."""
        return Note(self.text, note_id=self.id, age=self.age, sex=self.sex, setting=self.encounter)

    def forbidding(self, code: str) -> str | None:
        """The forbidden entry that ``code`` matches (exactly, or by a ``*`` prefix), if any."""
        for entry in self.forbidden:
            if (entry.endswith("*") and code.startswith(entry[:-1])) or code == entry:
                return entry
        return None

    def reason(self, entry: str, code: str) -> str:
        """The case's note on why a forbidden entry (or code) is forbidden."""
        return self.notes.get(entry) or self.notes.get(code) or ""


def load_cases(paths: Iterable[Path | str]) -> list[AcceptanceCase]:
    """Every case in the given JSONL files, in order; raises ``InputError`` naming file and line."""
    cases: list[AcceptanceCase] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"{path}: cannot read acceptance cases ({exc})") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            case = _parse(line, where)
            if case.id in seen:
                raise InputError(f"{where}: duplicate id {case.id!r} (first at {seen[case.id]})")
            seen[case.id] = where
            cases.append(case)
    return cases


def _parse(line: str, where: str) -> AcceptanceCase:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a JSON object")
    unknown = sorted(set(raw) - set(KEYS))
    missing = [k for k in KEYS if k not in raw]
    if unknown:
        raise InputError(f"{where}: unknown keys {unknown}; allowed: {list(KEYS)}")
    if missing:
        raise InputError(f"{where}: missing keys {missing}")
    setting = _choice(raw, "setting", SETTINGS, where)
    case_id = _text(raw, "id", where)
    if not re.fullmatch(rf"{setting}-\d{{3}}", case_id):
        raise InputError(f"{where}: id {case_id!r} is not '{setting}-NNN'")
    age = raw["age"]
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 110:
        raise InputError(f"{where}: age must be an integer from 0 to 110, not {age!r}")
    expected = _codes(raw, "expected", where)
    if not 1 <= len(expected) <= MAX_EXPECTED:
        raise InputError(
            f"{where}: {len(expected)} expected codes; give 1 to {MAX_EXPECTED} "
            f"(the benchmark measures expected codes in the top {TOP_K})"
        )
    acceptable = _codes(raw, "acceptable", where)
    forbidden = _codes(raw, "forbidden", where, prefixes=True)
    if not forbidden:
        raise InputError(f"{where}: every case needs at least one forbidden code")
    classes = tuple(_strings(raw, "classes", where))
    bad = [c for c in classes if c not in CLASSES]
    if not classes or bad:
        raise InputError(f"{where}: classes {bad or '[]'} not in the vocabulary {list(CLASSES)}")
    notes = raw["notes"]
    if not isinstance(notes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in notes.items()
    ):
        raise InputError(f"{where}: 'notes' must map codes to reasons (strings)")
    case = AcceptanceCase(
        id=case_id,
        setting=setting,
        encounter=_choice(raw, "encounter", ENCOUNTERS, where),
        age=age,
        sex=_choice(raw, "sex", ("F", "M"), where),
        text=_text(raw, "text", where),
        expected=expected,
        acceptable=acceptable,
        forbidden=forbidden,
        classes=classes,
        notes=dict(notes),
    )
    for code in (*expected, *acceptable):
        entry = case.forbidding(code)
        if entry is not None:
            raise InputError(f"{where}: {code} is both allowed and forbidden (by {entry!r})")
    for key in ("expected", "acceptable"):
        values = getattr(case, key)
        if len(set(values)) != len(values):
            raise InputError(f"{where}: repeated code in {key!r}")
    return case


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key!r} must be a non-empty string")
    return value


def _choice(raw: Mapping[str, Any], key: str, allowed: Sequence[str], where: str) -> str:
    value = raw[key]
    if value not in allowed:
        raise InputError(f"{where}: {key} {value!r} is not one of {list(allowed)}")
    return str(value)


def _strings(raw: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = raw[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {key!r} must be a list of strings")
    return value


def _codes(
    raw: Mapping[str, Any], key: str, where: str, *, prefixes: bool = False
) -> tuple[str, ...]:
    codes = _strings(raw, key, where)
    for code in codes:
        if not (_CODE.match(code) or (prefixes and _PREFIX.match(code))):
            form = "a dotted ICD-10-CM code or a prefix ending in '*'" if prefixes else "dotted"
            raise InputError(f"{where}: {key} entry {code!r} is not {form}")
    return tuple(codes)


# --- scoring ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """Counts over a set of cases, and the rates the benchmark reports."""

    notes: int = 0
    expected: int = 0
    expected_top5: int = 0
    expected_recommended: int = 0
    recommended: int = 0
    correct: int = 0
    forbidden: int = 0
    failing: int = 0
    unaffirmed: int = 0  # recommended on negated, family-only or hypothetical evidence alone
    unnamed: int = 0  # recommended although no mention names it (learned from the note)

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, k) + getattr(other, k) for k in self.__dataclass_fields__))

    @property
    def top5(self) -> float:
        """Share of expected codes ranked within the first five suggestions of their note."""
        return self.expected_top5 / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        """Share of recommended codes that are expected or acceptable (0 when none)."""
        return self.correct / self.recommended if self.recommended else 0.0

    @property
    def recall(self) -> float:
        """Share of expected codes that are recommended."""
        return self.expected_recommended / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class ForbiddenHit:
    """A recommended code that a case forbids."""

    case_id: str
    code: str
    entry: str
    reason: str


@dataclass(frozen=True)
class CaseOutcome:
    """What went right and wrong on one note."""

    case: AcceptanceCase
    ranks: Mapping[str, int | None]  # expected code -> 1-based rank among ICD-10-CM suggestions
    recommended: tuple[str, ...]
    forbidden: tuple[ForbiddenHit, ...]
    other: tuple[str, ...]  # recommended, neither expected, acceptable nor forbidden
    # recommended although every mention of it is negated, about a relative or hypothetical
    unaffirmed: tuple[str, ...] = ()
    # recommended although no mention names it: learned from the note as a whole
    unnamed: tuple[str, ...] = ()

    @property
    def missed(self) -> tuple[str, ...]:
        """Expected codes not within the first five suggestions."""
        return tuple(c for c, r in self.ranks.items() if r is None or r > TOP_K)

    @property
    def unrecommended(self) -> tuple[str, ...]:
        """Expected codes that were not recommended."""
        return tuple(c for c in self.case.expected if c not in self.recommended)

    @property
    def failed(self) -> bool:
        return bool(self.missed or self.forbidden or self.other)

    def figures(self) -> Figures:
        allowed = set(self.case.expected) | set(self.case.acceptable)
        return Figures(
            notes=1,
            expected=len(self.case.expected),
            expected_top5=len(self.case.expected) - len(self.missed),
            expected_recommended=len(self.case.expected) - len(self.unrecommended),
            recommended=len(self.recommended),
            correct=sum(c in allowed for c in self.recommended),
            forbidden=len(self.forbidden),
            failing=int(self.failed),
            unaffirmed=len(self.unaffirmed),
            unnamed=len(self.unnamed),
        )


@dataclass(frozen=True)
class AcceptanceReport:
    """The suite's figures overall, per setting and per class, and each note's outcome."""

    overall: Figures
    by_setting: Mapping[str, Figures]
    by_class: Mapping[str, Figures]
    outcomes: tuple[CaseOutcome, ...]

    @property
    def forbidden_recommended(self) -> list[ForbiddenHit]:
        return [hit for o in self.outcomes for hit in o.forbidden]

    @property
    def failures(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.failed]

    def meets_targets(self) -> bool:
        return (
            self.overall.top5 >= TARGET_EXPECTED_TOP5
            and self.overall.forbidden <= TARGET_FORBIDDEN
            and self.overall.precision >= TARGET_PRECISION
        )


def outcome(result: NoteResult, case: AcceptanceCase) -> CaseOutcome:
    """One note's outcome: ranks of its expected codes, its forbidden and other recommendations."""
    codes = [s for s in result.suggestions if s.system == SYSTEM]
    rank: dict[str, int] = {}
    for i, s in enumerate(codes, start=1):
        rank.setdefault(s.code, i)
    recommended = tuple(dict.fromkeys(s.code for s in codes if s.recommended))
    allowed = set(case.expected) | set(case.acceptable)
    hits: list[ForbiddenHit] = []
    other: list[str] = []
    for code in recommended:
        entry = case.forbidding(code)
        if entry is not None:
            hits.append(ForbiddenHit(case.id, code, entry, case.reason(entry, code)))
        elif code not in allowed:
            other.append(code)
    return CaseOutcome(
        case=case,
        ranks={c: rank.get(c) for c in case.expected},
        recommended=recommended,
        forbidden=tuple(hits),
        other=tuple(other),
        unaffirmed=tuple(s.code for s in codes if s.recommended and unaffirmed(s)),
        unnamed=tuple(s.code for s in result.suggestions if s.recommended and unnamed(s)),
    )


_UNAFFIRMED = frozenset({"negated", "family", "hypothetical"})


def unaffirmed(s: Suggestion) -> bool:
    """Whether every mention behind a suggestion is negated, about a relative or hypothetical,
    as it bears on the code (``candidates.assertion``: a relative's mention affirms a
    family-history Z code)."""
    mentions = [e for e in s.evidence if e.kind == "mention"]
    return bool(mentions) and all(e.assertion in _UNAFFIRMED for e in mentions)


def unnamed(s: Suggestion) -> bool:
    """Whether no mention behind a suggestion names its code: its evidence is only the words
    or phrases a trained model learned go with it (evidence of kind ``learned``), or none."""
    return not any(e.kind == "mention" for e in s.evidence)


def score(results: Iterable[NoteResult], cases: Sequence[AcceptanceCase]) -> AcceptanceReport:
    """Measure the engine's results (one per case, matched by note id) against the cases."""
    by_id = {r.note_id: r for r in results}
    missing = [c.id for c in cases if c.id not in by_id]
    if missing:
        raise InputError(f"no result for {len(missing)} case(s): {', '.join(missing[:5])}")
    outcomes = tuple(outcome(by_id[c.id], c) for c in cases)
    overall = Figures()
    by_setting: dict[str, Figures] = {}
    by_class: dict[str, Figures] = {}
    for o in outcomes:
        f = o.figures()
        overall += f
        by_setting[o.case.setting] = by_setting.get(o.case.setting, Figures()) + f
        for name in o.case.classes:
            by_class[name] = by_class.get(name, Figures()) + f
    return AcceptanceReport(
        overall=overall,
        by_setting={k: by_setting[k] for k in SETTINGS if k in by_setting},
        by_class={k: by_class[k] for k in CLASSES if k in by_class},
        outcomes=outcomes,
    )
