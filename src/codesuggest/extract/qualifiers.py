"""The words that qualify a diagnosis, read the same way from a code's title and a note's
sentence: "chronic", "right", "nondisplaced" affirmed; "without aura", "not intractable"
denied.

A text is read one token at a time into *marks* (:func:`token_marks`): its normalised content
words (``normalize.token_words``), :data:`NEGATION` for a word that denies what follows
("without", "not", "no"), :data:`BREAK` for punctuation and "with", which end a denial
(:data:`COMMA` for a comma, which also separates the items of a list) and :data:`OR`.
:func:`read` turns a run of marks into :class:`Qualifiers`: the affirmed words with their
positions; the denied phrases (the content words of one denial, at most :data:`MAX_DENIED` of
them in a note; "or" starts another: "without hemorrhage or perforation" denies each); and the
words of "or" lists ("type I or II", "IIIA, IIIB, or IIIC"), of which a title needs one at
most. "non-displaced" reads as "nondisplaced", as titles spell it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, cast, overload

from spacy.strings import StringStore
from spacy.tokens import Doc

from codesuggest.extract.normalize import content_words, fold, token_words

BREAK = "|"
COMMA = ","
NEGATION = "~"
OR = "/"
WITH = "+"  # "with": a break that also links two conditions ("type 2 DM with CKD, stage 4")
_NEGATORS = frozenset({"without", "not", "no"})
# in a title a side ends a denial and is the code's own: "Displaced simple supracondylar
# fracture without intercondylar fracture of right humerus" is of the right humerus
_SIDES = frozenset({"right", "left", "bilateral"})
_BREAKERS = frozenset({"with"})
# words that only restate the side before them: "right side" says no more than "right" in the
# titles ("Unspecified epiphora, right side", "... affecting left nondominant side"), so a
# note's "epiphora of the right eye" supports H04.201
_RESTATING = frozenset({"side"})
PREFIXES = frozenset({"non"})  # "non-displaced", "non intractable": one word with the next
_SPECIAL = PREFIXES | {BREAK, COMMA, NEGATION, OR, WITH}
MAX_DENIED = 3  # content words a denial reaches in a note: "no aura, intractable"
_PUNCT = re.compile(r"[^\sA-Za-z0-9]")
_TITLE_TOKEN = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+|[^\sA-Za-z0-9]")
_CACHE_LIMIT = 500_000
_TITLES_CACHED = 100_000  # more than the code set's titles

Marks = tuple[str, ...]


@lru_cache(maxsize=200_000)
def token_marks(text: str) -> Marks:
    """The marks of one token's text: its content words, or :data:`NEGATION`, or
    :data:`BREAK` (punctuation, "with"; hyphens and slashes join, they do not break)."""
    low = fold(text)
    if low in _NEGATORS:
        return (NEGATION,)
    if low in _BREAKERS:
        return (WITH,)
    if low in PREFIXES:
        return (low,)
    if low == "or":
        return (OR,)
    if text == ",":
        return (COMMA,)
    words = token_words(text)
    if words:
        return _said(words)
    if _PUNCT.search(text) and text not in ("-", "/"):
        return (BREAK,)
    return ()


def _said(words: Sequence[str]) -> tuple[str, ...]:
    """``words`` less those that only restate a side (``_RESTATING``)."""
    if _RESTATING.isdisjoint(words):  # nearly every title and token
        return tuple(words)
    return tuple(w for w in words if w not in _RESTATING)


def text_marks(text: str) -> list[Marks]:
    """The marks of a title or phrase, one tuple a token."""
    return [token_marks(t) for t in _TITLE_TOKEN.findall(text)]


_by_orth: dict[int, Marks] = {}


def orth_marks(orths: list[int], strings: StringStore) -> list[Marks]:
    """The marks of tokens by their ORTH ids (cached by id)."""
    if len(_by_orth) > _CACHE_LIMIT:  # a long-running service sees ever new tokens
        _by_orth.clear()
    out = list(map(_by_orth.get, orths))
    if None in out:  # tokens not seen before
        for i, marks in enumerate(out):
            if marks is None:
                marks = _by_orth.get(orths[i])
                if marks is None:
                    marks = _by_orth[orths[i]] = token_marks(strings[orths[i]])
                out[i] = marks
    return cast(list[Marks], out)


def doc_marks(doc: Doc) -> list[Marks]:
    """The marks of every token of a processed note."""
    return orth_marks(doc.to_array("ORTH").tolist(), doc.vocab.strings)


class SentenceMarks(Sequence[Marks]):
    """The marks of one sentence of a note, one tuple a token, read when first asked: most
    sentences' never are. Holds the sentence's ORTH ids and the vocabulary's strings."""

    __slots__ = ("_marks", "_orths", "_strings")

    def __init__(self, orths: Any, strings: StringStore) -> None:
        self._orths = orths  # a slice of the note's ORTH array
        self._strings = strings
        self._marks: tuple[Marks, ...] | None = None

    @property
    def marks(self) -> tuple[Marks, ...]:
        if self._marks is None:
            self._marks = tuple(orth_marks(self._orths.tolist(), self._strings))
        return self._marks

    def __len__(self) -> int:
        return len(self._orths)

    @overload
    def __getitem__(self, i: int) -> Marks: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Marks]: ...

    def __getitem__(self, i: int | slice) -> Marks | Sequence[Marks]:
        return self.marks[i]

    def __iter__(self) -> Iterator[Marks]:
        return iter(self.marks)


class Qualifiers(NamedTuple):
    """What a text affirms and denies: ``affirmed`` maps each affirmed word to the token
    positions it stands at; ``denied`` holds the words of each denial ("without status
    migrainosus" -> {"status", "migrainosus"}); ``optional``: the affirmed words that stand
    only in "or" lists."""

    affirmed: Mapping[str, Sequence[int]]
    denied: frozenset[frozenset[str]]
    optional: frozenset[str] = frozenset()
    links: tuple[int, ...] = ()  # the positions of "with", which ends one condition's words

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self.affirmed)

    def denies(self, word: str) -> bool:
        return any(word in phrase for phrase in self.denied)


def read(tokens: Sequence[Marks], max_denied: int | None = MAX_DENIED) -> Qualifiers:
    """The qualifiers of a run of token marks; a denial runs to the next break, or over
    ``max_denied`` content words (None: to the break, as in titles)."""
    affirmed: dict[str, list[int]] = {}
    denied: list[frozenset[str]] = []
    phrase: list[str] | None = None  # the denial being read
    prefix = ""
    limit = max_denied or 1 << 30
    listed: list[str] = []  # the words of an "or" list
    items: list[str] = []  # the affirmed words each followed by a comma, in a row
    last = ""  # the last affirmed word, if the last mark
    either = False  # the next affirmed word ends an "or" list
    links: list[int] = []
    for pos, marks in enumerate(tokens):
        for mark in marks:
            if mark in _SPECIAL:
                if mark == WITH:
                    links.append(pos)
                if mark in PREFIXES:
                    prefix = mark
                    continue
                if mark == OR:
                    if phrase is not None:  # "without A or B": each denied
                        if phrase:
                            denied.append(frozenset(phrase))
                        phrase = []
                    elif last or items:  # "A or B", "A, B, or C"
                        listed.extend(items)
                        if last:
                            listed.append(last)
                        either = True
                    items = []
                    last = ""
                    continue
                if mark == COMMA and last:
                    items.append(last)
                elif mark != COMMA:
                    items = []
                last = ""
                either = False
                if phrase:
                    denied.append(frozenset(phrase))
                phrase = [] if mark == NEGATION else None
                prefix = ""
                continue
            if prefix:
                mark = prefix + mark
                prefix = ""
            if phrase is not None and max_denied is None and mark in _SIDES:
                if phrase:
                    denied.append(frozenset(phrase))
                phrase = None
            if phrase is not None:
                phrase.append(mark)
                if len(phrase) >= limit:
                    denied.append(frozenset(phrase))
                    phrase = None
                continue
            if last:
                items = []  # an item of more than one word ends a list
            if either:
                listed.append(mark)
                either = False
            last = mark
            found = affirmed.get(mark)
            if found is None:
                affirmed[mark] = [pos]
            else:
                found.append(pos)
    if phrase:
        denied.append(frozenset(phrase))
    optional = frozenset(listed)
    if optional:  # a word also said outside the lists is needed
        counts = {w: len(affirmed[w]) for w in optional}
        for w in listed:
            counts[w] -= 1
        optional = frozenset(w for w, n in counts.items() if n <= 0)
    return Qualifiers(affirmed, frozenset(denied), optional, tuple(links))


# parentheses and brackets enclose a title's nonessential modifiers and synonyms (OCG I.A.5)
_NONESSENTIAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# the words and signs a title needs read mark by mark: denials, "or" lists, alternatives,
# "non-" (the rest is its content words)
_MARKED = re.compile(r"(?i)\b(?:without|not|no|or|non)\b|/")
# "…, initial encounter for open fracture type I or II/ initial encounter for open fracture
# NOS": another reading of the title's last clause
_ALTERNATIVE = re.compile(r"/\s+")
# a title's closing denial of a list, "without A, B, C, and D" (F02.B0: "without behavioral
# disturbance, psychotic disturbance, mood disturbance, and anxiety"): each item denied, as
# "without A or B or C or D" reads
_DENIED_LIST = re.compile(r"(?i)\bwithout ((?:[^,()]+, )+and [^,()]+)$")
_LIST_SEP = re.compile(r"(?i),\s+(?:and\s+)?")


def title_readings(title: str) -> list[Qualifiers]:
    """The qualifiers of each reading of a code's title, less its nonessential modifiers
    ("Systolic (congestive) heart failure"); its denials run to the next comma or "with"."""
    return list(_title_readings(title))


# read once per title: a category's family reads every descendant's title, and a code's
# title is read again for each category above it (read-only: none of it is changed)
@lru_cache(maxsize=_TITLES_CACHED)
def _title_readings(title: str) -> tuple[Qualifiers, ...]:
    text = _NONESSENTIAL.sub(" ", title) if "(" in title or "[" in title else title
    listed = _DENIED_LIST.search(text)
    if listed:
        items = _LIST_SEP.sub(" or ", listed.group(1))
        text = f"{text[: listed.start()]}without {items}"
    if not _MARKED.search(text):  # most titles: their words alone (positions unused)
        return (Qualifiers(dict.fromkeys(_said(content_words(text)), ()), frozenset()),)
    first, *others = _ALTERNATIVE.split(text)
    readings = [first]
    head = first[: first.rfind(",") + 1]  # the clauses an alternative does not replace
    readings.extend(f"{head} {alternative}" for alternative in others)
    return tuple(read(text_marks(r), max_denied=None) for r in readings)


def title_qualifiers(title: str) -> Qualifiers:
    """The qualifiers of a code's title (its first reading)."""
    return _title_readings(title)[0]
