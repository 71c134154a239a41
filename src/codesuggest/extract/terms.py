"""The ``codesuggest_terms`` spaCy component: lexicon matches as spans in ``doc.spans``.

Within each sentence, a lexicon key matches when all its content words occur. Words next to
each other (stop words aside) make a ``contiguous`` match; words spread over the sentence make
a ``scattered`` one, kept only when it is compact enough. Matches whose words are a strict
subset of a neighbouring, larger match are dropped: "chest pain" wins over "pain" (a key that
only learned phrases name hides only other such keys: a mined phrase must not silence the
dictionary).
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from codesuggest.codesets.lexicon import LexiconIndex
from codesuggest.extract.normalize import token_words

SPAN_KEY = "codesuggest_terms"
LABEL = "TERM"


@dataclass(frozen=True)
class TermMatch:
    """A lexicon key found in the note: which key, where, and how compactly."""

    key_id: int
    start: int  # token index
    end: int  # token index, exclusive
    n_words: int
    compactness: float  # words matched / content words spanned (1.0 = contiguous)
    sentence: int


if not Doc.has_extension("codesuggest_matches"):
    Doc.set_extension("codesuggest_matches", default=None)


class TermMatcher:
    """Finds lexicon keys in sentences; the index is set after construction or loaded."""

    def __init__(self, nlp: Language, name: str, *, min_compactness: float, max_scattered: int):
        self.name = name
        self.min_compactness = min_compactness
        self.max_scattered = max_scattered
        self.subsume = True  # False: keep matches inside larger ones (mining phrases)
        self.index = LexiconIndex()

    @property
    def index(self) -> LexiconIndex:
        return self._index

    @index.setter
    def index(self, index: LexiconIndex) -> None:
        self._index = index
        self._keysets = [frozenset(k) for k in index.keys]
        self._weak = frozenset(getattr(index, "weak", ()))  # indexes pickled before it: none

    def __call__(self, doc: Doc) -> Doc:
        matches: list[TermMatch] = []
        for s_i, sent in enumerate(doc.sents):
            matches.extend(self._match_sentence(sent, s_i))
        doc._.codesuggest_matches = matches
        doc.spans[SPAN_KEY] = [Span(doc, m.start, m.end, label=LABEL) for m in matches]
        return doc

    def _match_sentence(self, sent: Span, s_i: int) -> list[TermMatch]:
        positions: dict[str, list[int]] = {}
        token_of: list[int] = []
        for tok in sent:
            for word in token_words(tok.text):
                positions.setdefault(word, []).append(len(token_of))
                token_of.append(tok.i)
        if not token_of:
            return []
        index = self._index
        keysets = self._keysets
        seen = positions.keys()
        found: list[tuple[frozenset[str], int, int, TermMatch]] = []
        for word, occurrences in positions.items():
            for key_id in index.anchors.get(word, ()):
                if not keysets[key_id] <= seen:
                    continue
                key = index.keys[key_id]
                if key_id in index.upper_only and not any(
                    sent.doc[token_of[a]].text.isupper() for a in occurrences
                ):
                    continue
                if len(key) == 1:
                    lo = hi = occurrences[0]
                else:
                    lo, hi = min(
                        (_window(positions, key, a) for a in occurrences),
                        key=lambda w: w[1] - w[0],
                    )
                width = hi - lo + 1
                compactness = len(key) / width
                if width > len(key) and (
                    compactness < self.min_compactness or len(key) > self.max_scattered
                ):
                    continue
                match = TermMatch(
                    key_id, token_of[lo], token_of[hi] + 1, len(key), compactness, s_i
                )
                found.append((keysets[key_id], lo, hi, match))
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
        return [m for _, lo, hi, m in kept if not _chained(lo, hi, m, kept)]


def _window(positions: dict[str, list[int]], key: tuple[str, ...], anchor: int) -> tuple[int, int]:
    picks = [min(positions[w], key=lambda p: abs(p - anchor)) for w in key]
    return min(picks), max(picks)


def _subsumed(
    words: frozenset[str], lo: int, hi: int, found: list[tuple[frozenset[str], int, int, TermMatch]]
) -> bool:
    return any(
        words < other and o_lo <= lo and hi <= o_hi and m.compactness >= 0.5
        for other, o_lo, o_hi, m in found
    )


def _chained(
    lo: int, hi: int, match: TermMatch, found: list[tuple[frozenset[str], int, int, TermMatch]]
) -> bool:
    """A contiguous phrase that starts on the last word of an earlier contiguous phrase reads
    that word backwards: in "atrial fibrillation with a ventricular rate", "fibrillation" ends
    "atrial fibrillation" and must not also make "ventricular fibrillation"."""
    if match.compactness < 1.0 or match.n_words < 2:
        return False
    return any(
        o_lo < lo == o_hi < hi and m.compactness >= 1.0 and m.n_words >= 2
        for _, o_lo, o_hi, m in found
    )


@Language.factory(
    "codesuggest_terms",
    default_config={"min_compactness": 0.34, "max_scattered": 6},
)
def make_term_matcher(
    nlp: Language, name: str, min_compactness: float, max_scattered: int
) -> TermMatcher:
    return TermMatcher(nlp, name, min_compactness=min_compactness, max_scattered=max_scattered)
