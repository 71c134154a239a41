"""Sides stated elsewhere in the note: a code whose title leaves the side unspecified
("Retinal hemorrhage, unspecified eye", "Unspecified fracture of shaft of humerus, unspecified
arm") proposes its siblings of the sides the note states ("... right eye" when the note says
"OD" or "right" anywhere), for the ranker to choose among.

The hierarchy generator (``candidates.specific``) binds a side only within reach of its
mention, so "vitreous degeneration" in one sentence and "left eye" in the next propose only the
unspecified eye's code; a coder reads the side from the whole note. A sibling is a billable code
of the same category whose title differs only in its side words (``right``, ``left``,
``bilateral``, ``unspecified``, with the "eye", "ear" or "side" after them); which words of a
note state which side, and for which codes, is data (``codesets/data/side_words.tsv``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from spacy.tokens import Doc

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.data_files import data_text
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.extract.qualifiers import orth_marks
from codesuggest.io.tables import parse_table
from codesuggest.types import Mention

SIDE_FILE = "side_words.tsv"
SIDE_COLUMNS = ("word", "side", "codes", "comment")
SIDES = frozenset({"right", "left", "bilateral"})
_UNSTATED = "unspecified"
_SLOT = "*"  # a side's place in a title's key
_RESTATING = frozenset({"eye", "eyes", "ear", "ears", "side"})  # "right eye", "unspecified ear"
_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
# where a side slot may start (``side_key``): siblings share their titles' text before it
_SLOT_WORD = re.compile(r"right|left|bilateral|unspecified")
_FAMILY_LIMIT = 100_000  # billable codes read per category: all of them
_CACHE_LIMIT = 500_000  # tokens whose side marks are kept
_NONE: frozenset[str] = frozenset()


class SideWord(NamedTuple):
    """A mark of a note that states ``side`` for codes starting with ``prefixes`` (empty:
    every code)."""

    side: str
    prefixes: tuple[str, ...]


@cache
def side_words() -> dict[str, SideWord]:
    """A note's side marks -> the side each states (``side_words.tsv``)."""
    out = {}
    for row in parse_table(data_text(SIDE_FILE), SIDE_FILE, SIDE_COLUMNS):
        if row["side"] not in SIDES:
            raise ConfigError(f"{SIDE_FILE}: side {row['side']!r} is not one of {sorted(SIDES)}")
        codes = () if row["codes"] == "-" else tuple(row["codes"].split())
        out[row["word"]] = SideWord(row["side"], codes)
    return out


def side_key(title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A title's words with each side in one slot (``right eye``, ``bilateral``,
    ``unspecified`` -> ``*``), and the sides it states: titles alike but for their sides share
    the key ("Vitreous degeneration, left eye" and "..., unspecified eye")."""
    key: list[str] = []
    sides: list[str] = []
    for token in _TOKEN.findall(title.lower()):
        if token in _RESTATING and key and key[-1] == _SLOT:
            continue
        if token in SIDES:
            sides.append(token)
            key.append(_SLOT)
        elif token == _UNSTATED:
            key.append(_SLOT)
        else:
            key.append(token)
    return tuple(key), tuple(sides)


def side_marks(mentions: list[Mention]) -> frozenset[str]:
    """The marks of the sentences of ``mentions`` that may state a side (``side_words``)."""
    words = side_words().keys()
    found: set[str] = set()
    seen: set[int] = set()
    for m in mentions:
        context = m.context
        if id(context) in seen:
            continue
        seen.add(id(context))
        for marks in context:
            if not words.isdisjoint(marks):
                found.update(words & set(marks))
    return frozenset(found)


_by_orth: dict[int, frozenset[str]] = {}  # a token's side marks (``doc_side_marks``)


def doc_side_marks(doc: Doc) -> frozenset[str]:
    """The marks of a whole note that may state a side, each distinct token read once (a
    token's side marks cached by its ORTH id: nearly every token has none)."""
    if len(_by_orth) > _CACHE_LIMIT:  # a long-running service sees ever new tokens
        _by_orth.clear()
    found: set[str] = set()
    unseen = []
    for orth in set(doc.to_array("ORTH").tolist()):
        said = _by_orth.get(orth)
        if said is None:
            unseen.append(orth)
        elif said:
            found.update(said)
    if unseen:
        words = side_words().keys()
        for orth, marks in zip(unseen, orth_marks(unseen, doc.vocab.strings), strict=True):
            said = _by_orth[orth] = (
                frozenset(words & set(marks)) if not words.isdisjoint(marks) else _NONE
            )
            found.update(said)
    return frozenset(found)


def sides_for(marks: frozenset[str], code: str) -> frozenset[str]:
    """The sides ``marks`` state for ``code`` (its prefix decides whether "OD" is an eye)."""
    words = side_words()
    return frozenset(
        words[m].side for m in marks if not words[m].prefixes or code.startswith(words[m].prefixes)
    )


class LateralityCandidates:
    """A candidate whose title leaves the side unspecified proposes its siblings of the sides
    the note states, with its mentions (source ``laterality``: a child the note's words choose
    but its sentence does not, as the hierarchy's guessed defaults are)."""

    name = "laterality"

    def __init__(self, codeset: Icd10Cm) -> None:
        self.codeset = codeset
        self._siblings: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
        self._families: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # by code

    def add(
        self, mentions: list[Mention], pool: dict[str, Candidate], doc: Doc | None = None
    ) -> None:
        """Add to ``pool`` the siblings of the sides the note states: in any of its words
        when ``doc`` is given, else in the sentences of its ``mentions``."""
        marks: frozenset[str] | None = None  # the note's, read once it matters
        for code, cand in list(pool.items()):
            if not cand.mentions:
                continue
            siblings = self.siblings(code)
            if not siblings:
                continue
            if marks is None:
                marks = side_marks(mentions) if doc is None else doc_side_marks(doc)
            stated = sides_for(marks, code)
            if not stated:
                continue
            for sibling, sides in siblings:
                if sides <= stated and sibling not in pool:
                    target = pool[sibling] = Candidate(sibling)
                    target.support = list(cand.support)
                    target.index_path = cand.index_path
                    target.sources.add(self.name)

    def siblings(self, code: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """The billable siblings of ``code`` that state a side its title leaves unspecified,
        each with its sides (none unless ``code`` is billable with an unspecified side)."""
        found = self._siblings.get(code)
        if found is None:
            found = self._siblings[code] = self._find_siblings(code)
        return found

    def _find_siblings(self, code: str) -> tuple[tuple[str, frozenset[str]], ...]:
        if code not in self.codeset or not self.codeset.is_billable(code):
            return ()
        title = self.codeset.title(code)
        low = title.lower()
        if "unspecified" not in low:  # no side stated: its slot is "unspecified"
            return ()
        key, sides = side_key(low)
        if sides or _SLOT not in key:
            return ()
        out = []
        for c, c_title in self._family(code[:3]).get(_head(low), ()):
            if c != code:
                c_key, c_sides = self._side_key(c, c_title)
                if c_sides and c_key == key:
                    out.append((c, frozenset(c_sides)))
        return tuple(out)

    def _side_key(self, code: str, title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = self._keys.get(code)
        if found is None:
            found = self._keys[code] = side_key(title)
        return found

    def _family(self, category: str) -> dict[str, list[tuple[str, str]]]:
        """The billable codes of ``category`` with their titles, by their titles' text before
        a side may be stated (``_head``): the codes of one side key share one entry."""
        found = self._families.get(category)
        if found is None:
            found = self._families[category] = {}
            if category in self.codeset:
                for c in self.codeset.billable_descendants(category, limit=_FAMILY_LIMIT):
                    title = self.codeset.title(c)
                    found.setdefault(_head(title.lower()), []).append((c, title))
        return found


def _head(title: str) -> str:
    """A lower-case title's text before the first place a side may be stated (``_SLOT_WORD``;
    all of it when none): titles alike but for their sides (``side_key``) share their head."""
    found = _SLOT_WORD.search(title)
    return title[: found.start()] if found else title
