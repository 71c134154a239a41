"""The ``codesuggest_terms`` spaCy component: lexicon matches as spans in ``doc.spans``.

Within each sentence, a lexicon key matches when all its content words occur. Words next to
each other (stop words aside) make a ``contiguous`` match; words spread over the sentence make
a ``scattered`` one, kept only when it is compact enough and its specifiers (numbers, stages,
grades, types, sides, trimesters) stand next to the rest of the match: "CKD stage 3b. Symptoms
for 5 days" must not lend "5" to stage 5, and no assertion cue that is not one of its words
may stand inside it: "ankle: no fracture" and "Chest X-ray without infiltrates" are no findings.
Matches whose words are a strict subset of a neighbouring, larger match are dropped: "chest
pain" wins over "pain" (a key that only learned phrases name hides only other such keys: a
mined phrase must not silence the dictionary). A dropped match whose key an Alphabetic Index
entry names is kept aside as an *inner* match of the kept match around it
(``doc._.codesuggest_inner``): "chest pain" still says "pain" (the Index's "Pain"), as a coder
looking the term up would see. Inner matches give candidates to rank, never spans of their
own: the assertion of the match around them is theirs. A match spread wider than a finding
is read, within looser limits, is kept as a *loose* match (``TermMatch.loose``): a span, for
ConText to assert, whose codes rank for the coder to see but are never recommended on that
alone ("mass ... lymph nodes ... neck" far apart), and which hides no other match.
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from spacy.language import Language
from spacy.tokens import Doc, Span

from codesuggest.extract.cues import BREAKING, cue_words
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.normalize import stem, token_words

SPAN_KEY = "codesuggest_terms"
LABEL = "TERM"

# words that only qualify the phrase they stand in (numbers, stages, sides, trimesters): in a
# scattered match they must stand in runs of adjacent words, each run next to (within
# SPECIFIER_WINDOW content words of, stop words aside) a word of the match that is not one:
# "right knee pain ... left wrist" lends neither side to the other joint
_SPECIFIERS = """
stage grade type class left right bilateral unilateral side sided first second third fourth
one two three four five six seven eight nine ten ii iii iv 1st 2nd 3rd 4th
"""
_SPECIFIER_WORDS = frozenset(_SPECIFIERS.split())
_NUMBER = re.compile(r"\d+[a-z]?")
SPECIFIER_WINDOW = 1


def is_specifier(word: str) -> bool:
    """Whether ``word`` (a normalised content word) only qualifies the phrase it stands in."""
    return word in _SPECIFIER_WORDS or _NUMBER.fullmatch(word) is not None


def specifiers_bound(
    picks: dict[str, int], bridges: frozenset[int] = frozenset(), window: int = SPECIFIER_WINDOW
) -> bool:
    """Whether the specifiers among a match's word positions ``picks`` stand in runs of
    adjacent positions, each run within ``window`` positions of a word that is not one; other
    specifier words of the sentence (``bridges``: "left side knee pain") do not part them."""
    core = [p for w, p in picks.items() if not is_specifier(w)]
    loose = sorted(p for w, p in picks.items() if is_specifier(w))
    if not core or not loose:
        return True

    def gap(a: int, b: int) -> int:
        lo, hi = min(a, b), max(a, b)
        return hi - lo - sum(1 for x in bridges if lo < x < hi)

    runs: list[list[int]] = [[loose[0]]]
    for p in loose[1:]:
        if gap(runs[-1][-1], p) <= 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return all(any(gap(p, c) <= window for p in run for c in core) for run in runs)


@dataclass(frozen=True)
class TermMatch:
    """A lexicon key found in the note: which key, where, and how compactly."""

    key_id: int
    start: int  # token index
    end: int  # token index, exclusive
    n_words: int
    compactness: float  # words matched / content words spanned (1.0 = contiguous)
    sentence: int
    # spread wider than a finding is read (``TermMatcher.min_compactness``, ``max_scattered``)
    # but within the loose limits: its codes rank for the coder to see, never recommended on
    # that alone, and it hides no other match
    loose: bool = False


if not Doc.has_extension("codesuggest_matches"):
    Doc.set_extension("codesuggest_matches", default=None)
# (start, end) token bounds of each sentence, by ``TermMatch.sentence``
if not Doc.has_extension("codesuggest_sentences"):
    Doc.set_extension("codesuggest_sentences", default=None)
# (inner match, the kept match it stands in) pairs: index matches a larger match hid
if not Doc.has_extension("codesuggest_inner"):
    Doc.set_extension("codesuggest_inner", default=None)


# a key an anchor word files: (its rank in the anchor's list, its id, its words)
_Filed = tuple[int, int, tuple[str, ...]]
# an anchor word's keys: its one-word keys; longer keys filed by another of their words, and
# those words as a set (a sentence's words meet it walking the smaller of the two)
_Anchored = tuple[list[_Filed], dict[str, list[_Filed]], frozenset[str]]


class TermMatcher:
    """Finds lexicon keys in sentences; the index is set after construction or loaded."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        min_compactness: float,
        max_scattered: int,
        loose_compactness: float = 1.0,
        loose_scattered: int = 0,
    ):
        self.name = name
        self.min_compactness = min_compactness
        self.max_scattered = max_scattered
        # looser limits for matches kept apart as ``TermMatch.loose`` (1.0 and 0: none)
        self.loose_compactness = min(loose_compactness, min_compactness)
        self.loose_scattered = max(loose_scattered, max_scattered)
        self.subsume = True  # False: keep matches inside larger ones (mining phrases)
        self.loose = True  # False: no loose matches (mining phrases)
        self.index = LexiconIndex()

    @property
    def index(self) -> LexiconIndex:
        return self._index

    @index.setter
    def index(self, index: LexiconIndex) -> None:
        self._index = index
        self._keysets: dict[int, frozenset[str]] = {}  # key id -> its words, per key matched
        self._weak = frozenset(getattr(index, "weak", ()))  # indexes pickled before it: none
        self._cues = cue_forms()  # read once per index, not per match
        self._anchored: dict[str, _Anchored] = {}  # built per anchor word on first sight
        self._words: dict[int, tuple[str, ...]] = {}  # token orth id -> its content words
        self._specified: dict[int, bool] = {}  # key id -> whether it has a specifier word
        # key id -> whether an Alphabetic Index entry names one of its codes (read once a key)
        self._indexed: dict[int, bool] = {}
        self._paths = getattr(index, "paths", None) or {}  # indexes pickled before it: none

    def __call__(self, doc: Doc) -> Doc:
        words_of = self._words
        if len(words_of) > 500_000:  # a long-running service sees ever new tokens
            words_of.clear()
        orths = doc.to_array("ORTH").tolist()
        looked_up: list[tuple[str, ...] | None] = list(map(words_of.get, orths))
        if None in looked_up:  # tokens not seen before
            strings = doc.vocab.strings
            for i, w in enumerate(looked_up):
                if w is None:
                    orth = orths[i]
                    w = words_of.get(orth)
                    if w is None:
                        w = words_of[orth] = token_words(strings[orth])
                    looked_up[i] = w
        words = cast(list[tuple[str, ...]], looked_up)
        _drop_nonterm_words(doc, orths, words)
        matches: list[TermMatch] = []
        bounds: list[tuple[int, int]] = []
        inner: list[tuple[TermMatch, TermMatch]] = []
        for s_i, sent in enumerate(doc.sents):
            start, end = sent.start, sent.end
            bounds.append((start, end))
            matches.extend(self._match_sentence(doc, words, start, end, s_i, inner))
        doc._.codesuggest_matches = matches
        doc._.codesuggest_sentences = bounds
        doc._.codesuggest_inner = inner
        doc.spans[SPAN_KEY] = [Span(doc, m.start, m.end, label=LABEL) for m in matches]
        return doc

    def _anchored_by(self, word: str) -> _Anchored:
        """The keys ``word`` anchors, grouped for quick rejection: one-word keys always match,
        longer ones are filed under another of their words that the sentence must also hold.
        Built on a word's first sight, for each of the many keys it may anchor: kept lean."""
        singles: list[_Filed] = []
        by_other: dict[str, list[_Filed]] = {}
        keys = self._index.keys
        for rank, key_id in enumerate(self._index.anchors.get(word, ())):
            key = keys[key_id]
            if len(key) == 1:
                singles.append((rank, key_id, key))
                continue
            # the longest word but ``word`` (the first of them; a key's words are distinct)
            other = ""
            for w in key:
                if len(w) > len(other) and w != word:
                    other = w
            filed = by_other.get(other)
            if filed is None:
                by_other[other] = [(rank, key_id, key)]
            else:
                filed.append((rank, key_id, key))
        entry = self._anchored[word] = (singles, by_other, frozenset(by_other))
        return entry

    def _match_sentence(
        self,
        doc: Doc,
        words: list[tuple[str, ...]],
        start: int,
        end: int,
        s_i: int,
        inner: list[tuple[TermMatch, TermMatch]] | None = None,
    ) -> list[TermMatch]:
        """The kept matches of one sentence; with ``inner``, the index matches they hide
        are added to it with the kept match around each."""
        positions: dict[str, list[int]] = {}
        token_of: list[int] = []
        word_at: list[str] = []
        for i in range(start, end):
            for word in words[i]:
                word_at.append(word)
                occ = positions.get(word)
                if occ is None:
                    positions[word] = [len(token_of)]
                else:
                    occ.append(len(token_of))
                token_of.append(i)
        if not token_of:
            return []
        index = self._index
        anchors = index.anchors
        keysets = self._keysets
        specified = self._specified
        anchored = self._anchored
        upper_only = index.upper_only
        cues = self._cues
        min_compactness = self.min_compactness
        max_scattered = self.max_scattered
        if self.loose:
            loose_compactness, loose_scattered = self.loose_compactness, self.loose_scattered
        else:
            loose_compactness, loose_scattered = min_compactness, max_scattered
        seen = set(positions)
        two_sides = len(_SIDES & seen) > 1  # a side may be borrowed from the next list item
        bridges: frozenset[int] | None = None  # the sentence's specifier positions, if asked
        found: list[tuple[frozenset[str], int, int, TermMatch]] = []
        for word, occurrences in positions.items():
            if word not in anchors:
                continue
            entry = anchored.get(word)
            if entry is None:
                entry = self._anchored_by(word)
            singles, by_other, others = entry
            # the words filing this anchor's longer keys that the sentence holds (the set
            # operation walks the smaller side); ranks are sorted below, so order is moot
            held = others & seen if others else None
            if held:
                hits = [f for other in held for f in by_other[other] if seen.issuperset(f[2])]
                if not hits:
                    if not singles:
                        continue
                    hits = singles
                else:
                    hits.extend(singles)
                    hits.sort()
            elif singles:
                hits = singles
            else:
                continue
            for _, key_id, key in hits:
                if key_id in upper_only and not any(
                    doc[token_of[a]].text.isupper() for a in occurrences
                ):
                    continue
                n = len(key)
                picks: dict[str, int] = {}
                windows: list[tuple[int, int, dict[str, int]]] = []
                if n == 1:
                    lo = hi = occurrences[0]
                elif all(len(positions[w]) == 1 for w in key):
                    picks = {w: positions[w][0] for w in key}
                    lo, hi = min(picks.values()), max(picks.values())
                else:
                    windows = [_window(positions, key, a) for a in occurrences]
                    lo, hi, picks = min(windows, key=lambda w: w[1] - w[0])
                if hi - lo + 1 > n:
                    has = specified.get(key_id)
                    if has is None:
                        has = specified[key_id] = any(map(is_specifier, key))
                    if has:
                        if bridges is None:
                            bridges = _bridges(positions)
                        if not specifiers_bound(picks, bridges):
                            # the narrowest other window whose specifiers stand by their phrase
                            bound = [w for w in windows if specifiers_bound(w[2], bridges)]
                            if not bound:
                                continue
                            lo, hi, picks = min(bound, key=lambda w: w[1] - w[0])
                width = hi - lo + 1
                keyset = keysets.get(key_id)
                if keyset is None:
                    keyset = keysets[key_id] = frozenset(key)
                if two_sides and keyset & _SIDES:
                    if not picks:
                        picks = {w: next(p for p in positions[w] if lo <= p <= hi) for w in key}
                    if _borrowed_side(picks, positions, doc, token_of):
                        continue
                if width > n:  # a word of the key said twice is no gap: "without ... without"
                    width = n + sum(1 for w in word_at[lo : hi + 1] if w not in keyset)
                compactness = n / width
                loose = False
                if width > n and (compactness < min_compactness or n > max_scattered):
                    if compactness < loose_compactness or n > loose_scattered:
                        continue
                    loose = True
                if width > n and _spans_cue(word_at, lo, hi, keyset, cues, doc, token_of):
                    continue
                match = TermMatch(
                    key_id, token_of[lo], token_of[hi] + 1, n, compactness, s_i, loose
                )
                found.append((keyset, lo, hi, match))
        if len(found) < 2 or not self.subsume:
            return [m for *_, m in found]
        if not self._weak:
            kept = [f for f in found if not _subsumed(f[0], f[1], f[2], found)]
        else:
            strong = [f for f in found if f[3].key_id not in self._weak]
            kept = [
                f
                for f in found
                if not _subsumed(f[0], f[1], f[2], found if f[3].key_id in self._weak else strong)
            ]
        out = [(lo, hi, m) for _, lo, hi, m in kept if not _chained(lo, hi, m, kept)]
        if inner is not None and len(out) < len(found):
            self._add_inner(found, kept, out, inner, word_at)
        return [m for *_, m in out]

    def _add_inner(
        self,
        found: list[tuple[frozenset[str], int, int, TermMatch]],
        kept: list[tuple[frozenset[str], int, int, TermMatch]],
        out: list[tuple[int, int, TermMatch]],
        inner: list[tuple[TermMatch, TermMatch]],
        word_at: list[str],
    ) -> None:
        """Add to ``inner`` each match of ``found`` that a larger one hid and whose key an
        index entry names, with the narrowest kept match (``out``) around it, unless a cue
        of that match stands before it ("hematuria" in "cystitis without hematuria")."""
        indexed = self._indexed
        paths = self._paths
        codes = self._index.codes
        cues = self._cues
        shown = {id(f[3]) for f in kept}  # (by its match: a compiled tuple has no identity)
        for f in found:
            match = f[3]
            if id(match) in shown:
                continue
            key_id = match.key_id
            named = indexed.get(key_id)
            if named is None:
                named = indexed[key_id] = any((key_id, c) in paths for c, _ in codes[key_id])
            if not named:
                continue
            lo, hi = f[1], f[2]
            around = [o for o in out if o[0] <= lo and hi <= o[1]]
            if not around:
                continue
            o_lo, _, outer = min(around, key=lambda o: o[1] - o[0])
            if not any(word_at[p] in cues for p in range(o_lo, lo)):
                inner.append((match, outer))


_CAUSAL = token_words("secondary")  # "secondary to": caused by, not a secondary neoplasm


def _drop_nonterm_words(doc: Doc, orths: list[int], words: list[tuple[str, ...]]) -> None:
    """List numbers are no words of a term: "(2) Pressure ulcer of sacrum, stage 3" must not
    read stage 2. A number in parentheses, or followed by ")" or "." at the start of a line.
    Nor is "secondary" in "secondary to" ("SIADH secondary to lung cancer" is no secondary
    malignant neoplasm of lung): it says what caused a condition, as "due to" does."""
    strings = doc.vocab.strings
    last = len(words) - 1
    for i, w in enumerate(words):
        if len(w) != 1 or i == last:
            continue
        if w == _CAUSAL:
            if strings[orths[i + 1]].lower() == "to":
                words[i] = ()
            continue
        if not w[0].isdigit() or len(w[0]) > 2:
            continue
        after = strings[orths[i + 1]]
        if after not in (")", "."):
            continue
        before = strings[orths[i - 1]] if i else "\n"
        if (before == "(" and after == ")") or "\n" in before or doc[i].is_sent_start:
            words[i] = ()


def _spans_cue(
    word_at: list[str],
    lo: int,
    hi: int,
    key: frozenset[str],
    cues: frozenset[str],
    doc: Doc,
    token_of: list[int],
) -> bool:
    """Whether a scattered match's window holds a word of ``cues`` (negation, family and
    clause-ending cues: "without", "no", "mother", "but") that is not one of its own and
    reaches the match's next word: "Chest X-ray without infiltrates" is no finding, while in
    "hypoglycemia without coma, level 3" the comma ends the cue before "level 3"."""
    for at in range(lo, hi + 1):
        w = word_at[at]
        if w not in cues or w in key:
            continue
        nxt = next((p for p in range(at + 1, hi + 1) if word_at[p] in key), None)
        if nxt is None or not _clause_break(doc, token_of[at], token_of[nxt]):
            return True
    return False


_CLAUSE_ENDS = frozenset({",", ";"})
_SIDES = frozenset({"left", "right", "bilateral"})


def _borrowed_side(
    picks: dict[str, int], positions: dict[str, list[int]], doc: Doc, token_of: list[int]
) -> bool:
    """Whether a scattered match takes its side from across a comma or semicolon while the
    clause of its other words states another side: in "L ICA 70% stenosis, R ICA <20%" the R
    belongs to the second artery, not to the stenosis ("gout flare, left ankle" keeps its side)."""
    for word, at in picks.items():
        if word not in _SIDES:
            continue
        others = [q for side in _SIDES if side != word for q in positions.get(side, ())]
        if not others:
            continue
        for core, c in picks.items():
            if is_specifier(core) or not _clause_break(
                doc, token_of[min(at, c)], token_of[max(at, c)]
            ):
                continue
            if any(
                not _clause_break(doc, token_of[min(q, c)], token_of[max(q, c)]) for q in others
            ):
                return True
    return False


def _clause_break(doc: Doc, start: int, end: int) -> bool:
    """Whether a comma or semicolon stands between tokens ``start`` and ``end``."""
    return any(doc[i].text in _CLAUSE_ENDS for i in range(start + 1, end))


@lru_cache(maxsize=1)
def cue_forms() -> frozenset[str]:
    """The words of the cues that negate a finding, give it to a relative or end a clause, as
    the matcher sees words (lower case, and stemmed: "denies"); history and uncertainty cues
    ("prior history of MI") may stand inside a term."""
    words = cue_words(BREAKING)
    return frozenset({*words, *(stem(w) for w in words)})


def _bridges(positions: dict[str, list[int]]) -> frozenset[int]:
    """The positions of a sentence's specifier words."""
    return frozenset(p for w, occ in positions.items() if is_specifier(w) for p in occ)


def _window(
    positions: dict[str, list[int]], key: tuple[str, ...], anchor: int
) -> tuple[int, int, dict[str, int]]:
    picks = {w: min(positions[w], key=lambda p: abs(p - anchor)) for w in key}
    return min(picks.values()), max(picks.values()), picks


def _subsumed(
    words: frozenset[str], lo: int, hi: int, found: list[tuple[frozenset[str], int, int, TermMatch]]
) -> bool:
    """Whether a match of ``words`` at positions ``lo..hi`` stands inside one of ``found``
    whose words are more (its positions compared first: the cheaper test); a loose match
    hides nothing."""
    for other, o_lo, o_hi, m in found:
        if o_lo <= lo and hi <= o_hi and words < other and m.compactness >= 0.5 and not m.loose:
            return True
    return False


def _chained(
    lo: int, hi: int, match: TermMatch, found: list[tuple[frozenset[str], int, int, TermMatch]]
) -> bool:
    """A contiguous phrase that starts on the last word of an earlier contiguous phrase reads
    that word backwards: in "atrial fibrillation with a ventricular rate", "fibrillation" ends
    "atrial fibrillation" and must not also make "ventricular fibrillation". A phrase of more
    words than the earlier one reads on from it: "iron deficiency anemia complicating
    pregnancy, third trimester" says both its phrases."""
    if match.compactness < 1.0 or match.n_words < 2:
        return False
    return any(
        o_lo < lo == o_hi < hi
        and m.compactness >= 1.0
        and m.n_words >= 2
        and match.n_words <= m.n_words
        for _, o_lo, o_hi, m in found
    )


@Language.factory(
    "codesuggest_terms",
    default_config={
        "min_compactness": 0.34,
        "max_scattered": 6,
        "loose_compactness": 0.2,
        "loose_scattered": 9,
    },
)
def make_term_matcher(
    nlp: Language,
    name: str,
    min_compactness: float,
    max_scattered: int,
    loose_compactness: float,
    loose_scattered: int,
) -> TermMatcher:
    return TermMatcher(
        nlp,
        name,
        min_compactness=min_compactness,
        max_scattered=max_scattered,
        loose_compactness=loose_compactness,
        loose_scattered=loose_scattered,
    )
