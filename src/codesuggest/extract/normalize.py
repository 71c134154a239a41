"""Word normalisation shared by the lexicon compiler and the term matcher.

Both sides must agree exactly: lower case, accents folded, a light plural stemmer (with the
forms it does not read in ``data/word_forms.tsv``), the words that never decide a code
(``data/stopwords.tsv``: "of", "unspecified", ...) and our word equivalents
(``data/word_equivalents.tsv``, ``data/neoplasm_morphology.tsv``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from codesuggest.io.tables import package_rows

_WORD = re.compile(r"[a-z0-9]+")


def _data_rows(name: str) -> list[dict[str, str]]:
    return package_rows("codesuggest.extract", name)


# Words that never decide a code on their own: dropped from lexicon keys and note tokens.
STOPWORDS = frozenset(r["word"].strip() for r in _data_rows("stopwords.tsv"))
# Word forms the plural stemmer does not read: irregular plurals, and words that end in "s"
# but are no plural ("diabetes", "pelvis"), kept as they are.
_IRREGULAR = {r["word"].strip(): r["stem"].strip() for r in _data_rows("word_forms.tsv")}
_KEEP_S = ("ss", "us", "is", "as", "os")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stemmer: plural forms to singular, nothing more aggressive."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """Lower case with accents removed (Sjögren -> sjogren)."""
    text = text.lower()
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _load_equivalents() -> dict[str, tuple[str, ...]]:
    """Our word-equivalence data: "renal" -> "kidney", "cancer" -> "malignant neoplasm"; then
    each morphology word of the Alphabetic Index also says the Neoplasm Table behaviour its
    reference names ("sarcoma" -> "sarcoma malignant neoplasm",
    ``codesuggest.codesets.neoplasm_morphology``), where our data does not say otherwise."""
    rows = _data_rows("word_equivalents.tsv")
    out = {stem(r["word"].strip()): tuple(stem(w) for w in r["canonical"].split()) for r in rows}
    for r in _data_rows("neoplasm_morphology.tsv"):
        word = stem(r["word"].strip())
        if word in out or word in STOPWORDS:
            continue
        said = [
            c for w in r["says"].split() if w not in STOPWORDS for c in out.get(stem(w), (stem(w),))
        ]
        out[word] = (word, *dict.fromkeys(w for w in said if w != word))
    return out


EQUIVALENTS = _load_equivalents()
_VERSION = 4  # bump when the normalising code changes
# body sides written as capitals or "b/l" ("Cellulitis R lower leg", "L femur", "b/l LE edema");
# lower-case "l" and "r" stay as they are (litres, "r/o")
_SIDES = re.compile(r"(?<![\w/])(?:(L|LT|Lt)|(R|RT|Rt)|([Bb]/[Ll]))(?![\w/])")
_SIDE_WORDS = ("left", "right", "bilateral")
# receptor status written with a sign, as pathology reports do ("ER+/PR+/HER2-"): one word
# each ("erpositive"), the lexicon's "er+" (Z17.0), so that "ER+/PR+/HER2-" lends no
# "negative" to the estrogen receptor
_RECEPTORS = re.compile(r"(?<![A-Za-z0-9])(ER|PR|HR|HER-?2)([+-])(?![A-Za-z0-9+])", re.IGNORECASE)
_SIGNS = {"+": "positive", "-": "negative"}


def fingerprint() -> str:
    """A hash of everything that decides how text becomes words: a lexicon compiled under
    another fingerprint would silently stop matching, so models record and check it."""
    parts = [
        str(_VERSION),
        " ".join(sorted(STOPWORDS)),
        repr(sorted(_IRREGULAR.items())),
        repr(_KEEP_S),
        repr(sorted(EQUIVALENTS.items())),
        _SIDES.pattern,
        _RECEPTORS.pattern,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _side(match: re.Match[str]) -> str:
    return next(w for w, g in zip(_SIDE_WORDS, match.groups(), strict=True) if g)


def _receptor(match: re.Match[str]) -> str:
    return f" {match.group(1).replace('-', '')}{_SIGNS[match.group(2)]} "


def _words(text: str) -> list[str]:
    out: list[str] = []
    if "+" in text or "-" in text:
        text = _RECEPTORS.sub(_receptor, text)
    if "L" in text or "R" in text or "/" in text:
        text = _SIDES.sub(_side, text)
    said = _said
    for w in _WORD.findall(fold(text)):
        found = said.get(w)
        if found is None:
            found = _word_said(w)
        if found:
            out.extend(found)
    return out


# a folded word -> the content words it says (none: a stopword), each found once
_said: dict[str, tuple[str, ...]] = {}
_SAID_LIMIT = 500_000  # words kept (a long-running service sees ever new ones)


def _word_said(word: str) -> tuple[str, ...]:
    if len(_said) > _SAID_LIMIT:
        _said.clear()
    if word in STOPWORDS:
        found: tuple[str, ...] = ()
    else:
        s = stem(word)
        found = EQUIVALENTS.get(s, (s,))
    _said[word] = found
    return found


@lru_cache(maxsize=200_000)
def token_words(token_text: str) -> tuple[str, ...]:
    """The normalised content words of one token's text (often one, sometimes none)."""
    return tuple(_words(token_text))


def content_words(text: str) -> list[str]:
    """The normalised content words of a phrase, in order."""
    return _words(text)
