"""The candidate stage contract and the registry of implementations by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

from codesuggest.codesets.systems import CM
from codesuggest.errors import RegistryError
from codesuggest.types import SET_APART, Assertion, Mention

if TYPE_CHECKING:
    from codesuggest.codesets.catalogs import Catalog
    from codesuggest.codesets.history import HistoryMap
    from codesuggest.codesets.icd10cm import Icd10Cm
    from codesuggest.extract.lexicon_index import LexiconIndex


@dataclass(slots=True)
class NoteContext:
    """A candidate among the note's other candidates."""

    candidates: int = 0  # in the note
    classifier_rank: int = 0  # by the learned classifier's score among them (1 = best)
    sibling_classifier: float = -1.0  # best classifier score of a code of the same category
    siblings: int = 0  # other candidates of the same category
    sibling_mentions: int = 0  # most mentions of one of them
    above_fifth: float = 0.0  # classifier score minus the note's fifth best


@dataclass(slots=True)  # not frozen: a frozen dataclass is slower to build, and we build many
class LearnedScore:
    """The learned evidence for one label in one note."""

    classifier: float
    neighbours: float
    prior: float
    rank: int  # 1 = the classifier's best label for this note
    gap: float  # classifier score minus the note's best classifier score (<= 0)
    centroid: float = 0.0  # cosine of the note with the label's centroid
    category: float = 0.0  # classifier score of the label's category
    category_neighbours: float = 0.0  # neighbours' vote for the label's category
    top_word: float = 0.0  # the largest contribution of one word to the classifier score
    words: int = 0  # words contributing more than ``candidates.learned.WORD_EVIDENCE`` to it
    # the note's own words contributing most to the classifier score (more than
    # ``candidates.learned.WORD_EVIDENCE``), most first, as the vectoriser reads them (lower
    # case, accents stripped)
    terms: tuple[str, ...] = ()


class MentionSupport(NamedTuple):
    """One mention supporting a candidate, with what the lexicon key it matched says of the
    code: one record, so that a mention and its key's facts cannot fall out of step (a named
    tuple: a note builds thousands, quicker than a frozen dataclass)."""

    mention: Mention
    # codes the mention's key names (1: this code alone); None: the mention names the code
    # through no key of it (the drug a drug-class code is folded into)
    key_size: int | None
    # how the key names the code: title, variant, index, learned...; None as ``key_size``
    lexicon_source: str | None
    # False: the key named the code here, but the mention is not evidence of it: a status it
    # does not state, a BMI value bound to another code, the same mention again through
    # another condition (a history code derived from two conditions one mention names). The
    # key's facts still describe the code (``rank.features``); the mention is not one of its
    # ``Candidate.mentions``.
    evidence: bool = True
    # what the note said of the mention, when the code reads it otherwise (None: as the note
    # says): a chronic condition's past, a relative's mention of a family-history code, a
    # status that holds now (``candidates.assertion``)
    read_from: Assertion | None = None

    def with_mention(self, mention: Mention) -> MentionSupport:
        """The same support by ``mention`` (the mention re-read: trimmed)."""
        return MentionSupport(
            mention, self.key_size, self.lexicon_source, self.evidence, self.read_from
        )

    def set_aside(self) -> MentionSupport:
        """The same support, no longer evidence of the code (see ``evidence``)."""
        return MentionSupport(
            self.mention, self.key_size, self.lexicon_source, False, self.read_from
        )


@dataclass
class Candidate:
    """A code proposed for a note, with every mention supporting it and where it came from."""

    code: str
    # grows (``add_support``, ``append``, ``extend``) or is replaced by a new list, never edited
    # in place: ``mentions`` is read from it once per change
    support: list[MentionSupport] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)  # generator names
    phrase_strength: float = 0.0  # the best strength of a learned phrase naming it
    title: str = ""
    billable: bool = False
    title_words: int = 1
    note_mentions: int = 0  # mentions in the whole note, for normalising counts
    derived_from: str | None = None  # the condition a history code stands for
    # the column of codesets/data/history_codes.tsv it was derived through ("family_history",
    # "personal_history"; "" for a code the note names)
    derived_as: str = ""
    # the Alphabetic Index path that found it ("Hypertension > with > heart failure"; "": none)
    index_path: str = ""
    system: str = CM
    learned: LearnedScore | None = None  # what the model learned from coded notes, if any
    context: NoteContext = field(default_factory=NoteContext)
    # (support list, its length, its mentions): ``mentions`` as last read
    _read: tuple[list[MentionSupport], int, tuple[Mention, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def mentions(self) -> tuple[Mention, ...]:
        """The mentions supporting it, in the order they were found (read-only: a generator
        changes ``support``). Read again only once ``support`` has grown or been replaced:
        the features and the rules ask for them many times."""
        support = self.support
        read = self._read
        if read is not None and read[0] is support and read[1] == len(support):
            return read[2]
        mentions = tuple([s.mention for s in support if s.evidence])
        self._read = (support, len(support), mentions)
        return mentions

    def add_support(
        self, mention: Mention, key_size: int | None, lexicon_source: str | None
    ) -> None:
        self.support.append(MentionSupport(mention, key_size, lexicon_source))


_SIDE_ONLY = frozenset({"laterality"})
LEARNED_PHRASE = "learned"  # the lexicon source of phrases mined from a site's coded notes


def naming_support(c: Candidate) -> list[MentionSupport]:
    """The support of ``c`` by mentions that name its code: not the phrases its site's coding
    only pairs with it (lexicon source ``learned``: "diabetes" with I10 where diabetics are
    hypertensive). A history code's mentions are its condition's: all of them."""
    if c.derived_from is not None:
        return [s for s in c.support if s.evidence]
    return [s for s in c.support if s.evidence and s.lexicon_source != LEARNED_PHRASE]


def naming_mentions(c: Candidate) -> tuple[Mention, ...]:
    """The mentions of :func:`naming_support`."""
    if c.derived_from is not None:
        return c.mentions
    return tuple([s.mention for s in naming_support(c)])


def inner_only(c: Candidate) -> bool:
    """Whether every mention of ``c`` is set apart: an index match inside a longer term
    ("pain" in "chest pain") or a loose one (words spread wide over a sentence): such a code
    ranks, for the coder to see, but is not recommended on that alone."""
    mentions = c.mentions  # the first mention settles nearly every candidate
    return (
        bool(mentions)
        and mentions[0].kind in SET_APART
        and all(m.kind in SET_APART for m in mentions)
    )


def side_elsewhere(c: Candidate) -> bool:
    """Whether only the side the note states elsewhere proposed ``c`` (source ``laterality``):
    "vitreous degeneration" in one sentence, "left eye" in another."""
    return c.sources == _SIDE_ONLY


def held_back(c: Candidate) -> bool:
    """Whether ``c`` may not be recommended, only ranked for the coder to see: its only
    mentions are index entries inside longer terms, or its side is one the note states
    elsewhere (:func:`side_elsewhere`: a note may state several), and the trained model did
    not propose it itself (source ``learned``)."""
    return (inner_only(c) or side_elsewhere(c)) and "learned" not in c.sources


class CandidateGenerator(Protocol):
    """Adds candidates for one note to ``pool`` (code -> Candidate)."""

    name: str

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None: ...


@dataclass(frozen=True)
class Sources:
    """What candidate generators are built from: the lexicon mentions are matched against, the
    ICD-10-CM code set, the history map and the user catalogs registered (CPT, HCPCS)."""

    index: LexiconIndex
    codeset: Icd10Cm
    history: HistoryMap
    catalogs: Mapping[str, Catalog] = field(default_factory=dict)


Builder = Callable[[Sources], CandidateGenerator]
_REGISTRY: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    """Register the builder of a generator under ``name`` (``codesuggest.lexicon_candidates.v1``):
    the name a model's card gives it (``stages.generators``)."""

    def wrap(builder: Builder) -> Builder:
        _REGISTRY[name] = builder
        return builder

    return wrap


def create(name: str, sources: Sources) -> CandidateGenerator:
    """Build the generator registered as ``name`` from ``sources``; an unknown name lists the
    known ones."""
    if name not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise RegistryError(f"unknown candidate generator {name!r}; known: {known}")
    return _REGISTRY[name](sources)
