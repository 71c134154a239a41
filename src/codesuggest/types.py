"""The plain data objects that flow between stages: notes in, mentions, suggestions out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from codesuggest.errors import InputError
from codesuggest.text_policy import clean_text, identifier_problem


class Assertion(str, Enum):
    """How a mention is asserted in the note (ConText categories)."""

    PRESENT = "present"
    NEGATED = "negated"
    POSSIBLE = "possible"
    HISTORICAL = "historical"
    FAMILY = "family"
    HYPOTHETICAL = "hypothetical"


SEXES = frozenset({"F", "M"})
# every spelling of a sex that codesuggest reads (compared lower-case) -> its canonical value
SEX_SPELLINGS = {"f": "F", "female": "F", "m": "M", "male": "M"}


def parse_sex(value: object) -> str:
    """The canonical sex, ``F`` or ``M``, of ``F``/``M``/``female``/``male`` in any case and
    with surrounding spaces; anything else raises :class:`~codesuggest.errors.InputError`."""
    sex = SEX_SPELLINGS.get(value.strip().lower()) if isinstance(value, str) else None
    if sex is None:
        raise InputError(f"bad sex {value!r}: expected F or M (female or male, any case)")
    return sex


@dataclass(frozen=True)
class Note:
    """One clinical note and the patient facts that coding edits need (``sex`` is read as
    :func:`parse_sex` reads it: ``"m"`` and ``"male"`` become ``"M"``). The text's lone
    surrogates and NULs become U+FFFD and an id or setting with a control character is an
    :class:`~codesuggest.errors.InputError` (codesuggest.text_policy)."""

    text: str
    note_id: str = "note"
    age: int | None = None
    sex: str | None = None
    setting: str | None = None
    date_of_service: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean_text(self.text))
        for name, value in (("id", self.note_id), ("setting", self.setting)):
            problem = None if value is None else identifier_problem(value)
            if problem is not None:
                raise InputError(f"the note's {name} {problem}")
        if self.sex is not None and self.sex not in SEXES:
            object.__setattr__(self, "sex", parse_sex(self.sex))


INNER = "inner"  # ``Mention.kind`` of an index match a longer term hid ("pain" in "chest pain")
LOOSE = "loose"  # ``Mention.kind`` of a match spread wider than a finding is read
# the kinds of mention that never get a code recommended on their own
SET_APART = frozenset({INNER, LOOSE})


@dataclass(frozen=True)
class Mention:
    """A span of the note that a lexicon entry matched, with its assertion and codes.

    ``kind`` says how it matched: ``contiguous`` (the entry's words side by side, in any
    order, stop words aside), ``scattered`` (spread over one sentence, compactly enough to be
    read as a finding), ``inner`` (:data:`INNER`: an Alphabetic Index entry inside a longer
    term that hid it) or ``loose`` (:data:`LOOSE`: spread wider over the sentence than a finding
    is read); codes that only ``inner`` and ``loose`` mentions name are never recommended on
    that alone (:data:`SET_APART`). ``n_words`` is the number of the entry's words matched.
    """

    start: int
    end: int
    text: str
    section: str
    assertion: Assertion
    codes: tuple[str, ...]
    kind: str
    source: str
    n_words: int
    sentence: int = 0
    sources: tuple[str, ...] = ()  # how the key names each of ``codes`` (empty: ``source``)
    key: int = -1  # the lexicon key matched (-1: unknown)
    # what set the assertion besides a ConText cue: "section:<rule>", "resolved",
    # "treated:<drug>" (empty: a cue, or nothing)
    basis: str = ""
    # the literals of the ConText cues that made a mention possible ("probable", "pending")
    cues: tuple[str, ...] = ()
    # the marks of the mention's sentence, one tuple a token (``extract.qualifiers``; shared by
    # the mentions of a sentence, read when first asked), and the mention's tokens among them:
    # the words that may qualify it ("nondisplaced", "right", "chronic") (empty: unknown)
    context: Sequence[tuple[str, ...]] = field(default=(), compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True)
class Evidence:
    """A piece of text that supports a suggestion."""

    start: int
    end: int
    text: str
    section: str
    assertion: str
    # "mention": a term naming the code; "learned": a word that drove a code learned from the
    # note as a whole (the words the trained classifier weighs most for it in this note)
    kind: str = "mention"
    # what the note says of the span where the code reads it otherwise (``assertion`` present
    # for a chronic condition given as history, a relative's mention of a family-history code;
    # ``candidates.assertion``); "": as ``assertion``
    note_assertion: str = ""

    def to_dict(self) -> dict[str, Any]:
        # explicit, not dataclasses.asdict: its deep copy was 2% of a batch run
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "section": self.section,
            "assertion": self.assertion,
            "kind": self.kind,
            "note_assertion": self.note_assertion or self.assertion,
        }


@dataclass
class Suggestion:
    """One ranked code for a note, with the evidence and the rules that shaped it."""

    code: str
    system: str
    description: str
    confidence: float
    recommended: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    # the ICD-10-CM Alphabetic Index path that found the code ("": another source did)
    index_path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "system": self.system,
            "description": self.description,
            "confidence": round(float(self.confidence), 4),
            "recommended": self.recommended,
            "evidence": [e.to_dict() for e in self.evidence],
            "flags": list(self.flags),
            "rules": list(self.rules),
            "index_path": self.index_path,
        }


@dataclass(frozen=True)
class ModelInfo:
    """Name and version of the model that produced a result."""

    name: str
    version: str


@dataclass
class NoteResult:
    """The engine's answer for one note."""

    note_id: str
    model: ModelInfo
    suggestions: list[Suggestion]
    code_set_releases: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "note_id": self.note_id,
            "model": {"name": self.model.name, "version": self.model.version},
            "code_sets": dict(self.code_set_releases),
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


@dataclass
class Support:
    """How well a note supports one code it was asked about (``Engine.assess_many``), whether
    or not the engine would suggest it: the ranker's confidence, the spans that support it,
    whether it would be recommended and the rules that acted on it. ``proposed`` says whether
    the engine proposed the code itself (a candidate of the note) or scored it only because
    it was asked."""

    code: str
    system: str
    confidence: float
    threshold: float
    recommended: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    proposed: bool = False


@dataclass
class NoteAssessment:
    """The engine's suggestions for a note and its support for each code asked about, keyed
    by ``(system, code)`` as asked."""

    result: NoteResult
    support: dict[tuple[str, str], Support] = field(default_factory=dict)
