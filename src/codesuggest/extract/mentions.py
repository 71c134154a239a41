"""Turns a processed Doc into ``Mention`` objects: offsets, section, assertion, codes."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from spacy.tokens import Doc, Span

from codesuggest.extract.abbreviations import AmbiguousAbbreviations, ambiguous_abbreviations
from codesuggest.extract.current import PAST, RESOLVED, TREATED_ATTR, affirm_treated
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.qualifiers import SentenceMarks
from codesuggest.extract.resolution import carry_resolution
from codesuggest.extract.section_assertions import section_assertions
from codesuggest.extract.terms import SPAN_KEY, TermMatch
from codesuggest.types import INNER, LOOSE, Assertion, Mention

# When ConText finds more than one modifier, the first that applies wins: a negation first
# ("no family history of colon cancer" is no history at all).
_PRIORITY = (
    ("is_negated", Assertion.NEGATED),
    ("is_family", Assertion.FAMILY),
    ("is_hypothetical", Assertion.HYPOTHETICAL),
    ("is_uncertain", Assertion.POSSIBLE),
    ("is_historical", Assertion.HISTORICAL),
)
RESOLVED_ATTR = "is_resolved"  # set with ``is_historical`` by the RESOLVED ConText category
_SECTION = "section"  # ``_decide``: the section decided the assertion


def assertion_of(span: Span, section: str, codes: tuple[str, ...] = ()) -> Assertion:
    """The assertion of one term span (naming ``codes``), from ConText modifiers then from its
    section (``section_assertions.json``).

    In a family-history section a "history" or "possible" cue still describes a relative
    ("Father had colon cancer"): only a negation overrides the section there.
    """
    return _decide(_span_cue(span), section, codes)[0]


def _span_cue(span: Span) -> Assertion | None:
    """The assertion of the first ConText flag set on ``span`` (None: none is)."""
    ext = span._  # a new accessor object at each ``span._``
    return next((value for attr, value in _PRIORITY if getattr(ext, attr, False)), None)


def _decide(cue: Assertion | None, section: str, codes: tuple[str, ...]) -> tuple[Assertion, str]:
    """The assertion from a ConText cue (None: none) and the section, and what decided it
    besides the cue: ``_SECTION``, ``PAST`` (a past cue on a status code, present now) or ""."""
    rules = section_assertions()
    by_section = rules.assertion(section, codes)
    if cue is None:
        return by_section, _SECTION
    if by_section is Assertion.FAMILY and cue is not Assertion.NEGATED:
        return Assertion.FAMILY, _SECTION
    found = rules.unless_status(cue, codes)
    return found, (PAST if found is not cue else "")


def _stored_flags() -> list[tuple[str, Any, Assertion]] | None:
    """The ConText flags with their defaults when every one is a plain stored Span extension
    (no getter, no method, an immutable default), else None. ``span._.is_negated`` then reads
    ``doc.user_data[("._.", "is_negated", start_char, end_char)]``, falling back to the
    default: ``assertion_from`` reads that dict itself, sparing an accessor object and five
    ``__getattr__`` calls for each term (half the time of turning a Doc into mentions)."""
    out = []
    for attr, value in _PRIORITY:
        ext = Span.get_extension(attr)
        if ext is None:
            continue  # unregistered: ``getattr(span._, attr, False)`` is False
        default, method, getter, _ = ext
        if method is not None or getter is not None or isinstance(default, (dict, list, set)):
            return None
        out.append((attr, default, value))
    return out


def assertion_from(
    user_data: dict[Any, Any],
    start_char: int,
    end_char: int,
    section: str,
    flags: list[tuple[str, Any, Assertion]],
    codes: tuple[str, ...] = (),
) -> tuple[Assertion, str]:
    """``assertion_of`` for the span at these offsets, from the flags ``_stored_flags`` gave,
    and what decided it besides the cue (``_decide``)."""
    cue = None
    for attr, default, value in flags:  # a plain loop: no generator for each term
        if user_data.get(("._.", attr, start_char, end_char), default):
            cue = value
            break
    return _decide(cue, section, codes)


def _basis(user_data: dict[Any, Any], start: int, end: int, section: str, decided: str) -> str:
    """What besides a plain ConText cue set a mention's assertion (``Mention.basis``)."""
    if decided == _SECTION:
        rule = section_assertions().by_category.get(section)
        return "" if rule is None else f"section:{rule.name}"
    return RESOLVED if user_data.get(("._.", RESOLVED_ATTR, start, end)) else decided


def _kind(match: TermMatch) -> str:
    if match.loose:
        return LOOSE
    return "contiguous" if match.compactness >= 1.0 else "scattered"


def located_matches(doc: Doc) -> Iterator[tuple[TermMatch, Span, str]]:
    """Every lexicon match of a processed Doc with its span and section, in text order;
    matches inside a section header are left out."""
    matches: list[TermMatch] = doc._.codesuggest_matches or []
    spans = doc.spans.get(SPAN_KEY, [])
    sections = getattr(doc._, "sections", None) or []
    # a section starts at its header: a term that begins in "FAMILY HISTORY: ..." belongs to it
    starts = [min(s.title_start, s.body_start) for s in sections]
    headers = [(s.title_start, s.title_end) for s in sections if s.title_end > s.title_start]
    for match, span in zip(matches, spans, strict=True):
        if headers and any(lo <= span.start and span.end <= hi for lo, hi in headers):
            continue  # "History of present illness:" names a section, not a finding
        i = bisect_right(starts, span.start) - 1
        yield match, span, (sections[i].category if i >= 0 else None) or "none"


def _possible_cues(doc: Doc) -> dict[tuple[int, int], tuple[str, ...]]:
    """The literals of the uncertainty cues (ConText POSSIBLE_EXISTENCE) on each term span."""
    graph = getattr(doc._, "context_graph", None)
    out: dict[tuple[int, int], tuple[str, ...]] = {}
    for target, modifier in getattr(graph, "edges", None) or ():
        if modifier.category == "POSSIBLE_EXISTENCE":
            key = (target.start, target.end)
            out[key] = (*out.get(key, ()), str(modifier.rule.literal).lower())
    return out


def _senses_held(
    ambiguous: AmbiguousAbbreviations,
    key: tuple[str, ...],
    named: tuple[tuple[str, str], ...],
    doc: Doc,
    match: TermMatch,
    bounds: list[tuple[int, int]] | None,
) -> tuple[tuple[str, str], ...]:
    """The (code, source) pairs of an ambiguous abbreviation's match whose sense the words
    near it, in its sentence, hold."""
    lo, hi = (0, len(doc))
    if bounds is not None and match.sentence < len(bounds):
        lo, hi = bounds[match.sentence]
    window = doc[max(lo, match.start - ambiguous.window) : min(hi, match.end + ambiguous.window)]
    offset = window.start_char
    start = doc[match.start].idx - offset
    end = doc[match.end - 1].idx + len(doc[match.end - 1]) - offset
    dropped = ambiguous.dropped(key, window.text, start, end)
    if not dropped:
        return named
    return tuple((c, s) for c, s in named if not c.startswith(dropped))


def _section_parts(
    section: str, named: tuple[tuple[str, str], ...]
) -> tuple[tuple[tuple[str, str], ...], ...]:
    """A match's (code, source) pairs, split where its section keeps some of its codes present
    and not the others ("Bee stings - anaphylaxis" under allergies: the allergy status Z91.030
    present, the sting's toxic effect T63.441A hypothetical): each part becomes a mention."""
    rule = section_assertions().by_category.get(section)
    if rule is None or rule.present_for is None or len(named) < 2:
        return (named,)
    held = tuple(p for p in named if rule.present_for.holds((p[0],)))
    if not held or len(held) == len(named):
        return (named,)
    return held, tuple(p for p in named if p not in held)


class _Reading:
    """What the mentions of one processed note read of it, each read once: the stored ConText
    flags, the uncertainty cues on each term, the sentence bounds and each sentence's marks."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.user_data = doc.user_data
        self.flags = _stored_flags()
        self.bounds: list[tuple[int, int]] | None = getattr(doc._, "codesuggest_sentences", None)
        self.orths = doc.to_array("ORTH") if self.bounds else None
        self.contexts: dict[int, SentenceMarks] = {}  # by sentence: one for its mentions
        self.possible: dict[tuple[int, int], tuple[str, ...]] | None = None  # when needed

    def assertion(
        self, cued: Span, start: int, end: int, section: str, codes: tuple[str, ...]
    ) -> tuple[Assertion, str, tuple[str, ...]]:
        """The assertion of codes found at ``start:end`` under the ConText cues of the term
        span ``cued``, how it was decided, and the literals of its uncertainty cues."""
        if self.flags is None:
            assertion, decided = _decide(_span_cue(cued), section, codes)
        else:
            assertion, decided = assertion_from(
                self.user_data, start, end, section, self.flags, codes
            )
        cues: tuple[str, ...] = ()
        if assertion is Assertion.POSSIBLE:
            if self.possible is None:
                self.possible = _possible_cues(self.doc)
            cues = self.possible.get((cued.start, cued.end), ())
        return assertion, decided, cues

    def sentence_of(self, match: TermMatch) -> tuple[SentenceMarks | tuple[()], tuple[int, int]]:
        """The marks of a match's sentence and the match's tokens within it."""
        bounds = self.bounds
        if self.orths is None or bounds is None or match.sentence >= len(bounds):
            return (), (0, 0)
        s_start, s_end = bounds[match.sentence]
        context = self.contexts.get(match.sentence)
        if context is None:
            context = self.contexts[match.sentence] = SentenceMarks(
                self.orths[s_start:s_end], self.doc.vocab.strings
            )
        return context, (match.start - s_start, match.end - s_start)


def doc_mentions(
    doc: Doc, index: LexiconIndex, inner: list[Mention] | None = None
) -> list[Mention]:
    """Every lexicon match of a processed Doc as a Mention, in text order; with ``inner``,
    the index matches larger ones hid are added to it as mentions of kind ``INNER``."""
    out = []
    # the kept matches that hold inner ones (by id: the very objects of the Doc's matches),
    # and (section, start, end, span) of those located
    holding: set[int] | None = None
    holders: dict[int, tuple[str, int, int, Span]] = {}
    if inner is not None and doc._.codesuggest_inner:
        holding = {id(outer) for _, outer in doc._.codesuggest_inner}
    # ``span.text`` is ``doc.text[span.start_char:span.end_char]``; ``doc.text`` joins every
    # token of the note (~0.13 ms), a span's text only its own few
    reading = _Reading(doc)
    user_data, bounds = reading.user_data, reading.bounds
    ambiguous = ambiguous_abbreviations()
    for match, span, section in located_matches(doc):
        named = index.codes[match.key_id]
        if not named:  # a non-finding phrase ("stress test"): it only hides what it holds
            continue
        start, end = span.start_char, span.end_char
        if holding is not None and id(match) in holding:
            holders[id(match)] = (section, start, end, span)
        key = index.keys[match.key_id]
        if key in ambiguous.by_key:  # "on RA": room air, not rheumatoid arthritis
            named = _senses_held(ambiguous, key, named, doc, match, bounds)
            if not named:
                continue
        text = span.text
        for part in _section_parts(section, named):
            named = part
            codes = tuple(c for c, _ in named)
            assertion, decided, cues = reading.assertion(span, start, end, section, codes)
            context, where = reading.sentence_of(match)
            out.append(
                Mention(
                    start=start,
                    end=end,
                    text=text,
                    section=section,
                    assertion=assertion,
                    codes=codes,
                    kind=_kind(match),
                    source=named[0][1],
                    n_words=match.n_words,
                    sentence=match.sentence,
                    sources=tuple(s for _, s in named),
                    key=match.key_id,
                    basis=_basis(user_data, start, end, section, decided),
                    cues=cues,
                    context=context,
                    span=where,
                )
            )
    if holders and inner is not None:
        inner.extend(_inner_mentions(doc, index, holders, reading))
    return affirm_treated(carry_resolution(out), getattr(doc._, TREATED_ATTR, None))


def _inner_mentions(
    doc: Doc,
    index: LexiconIndex,
    holders: dict[int, tuple[str, int, int, Span]],
    reading: _Reading,
) -> Iterator[Mention]:
    """The inner matches of a Doc as mentions of the codes an index entry names with their
    words, in the section and under the ConText cues of the match that holds them: "no chest
    pain" denies the pain too. A match inside a non-finding phrase, a section header or an
    abbreviation's unheld sense gives none."""
    user_data, bounds = reading.user_data, reading.bounds
    paths = getattr(index, "paths", None) or {}
    ambiguous = ambiguous_abbreviations()
    for match, outer in doc._.codesuggest_inner:
        held = holders.get(id(outer))
        if held is None:
            continue
        section, start, end, outer_span = held
        key_id = match.key_id
        named = tuple((c, s) for c, s in index.codes[key_id] if (key_id, c) in paths)
        key = index.keys[key_id]
        if named and key in ambiguous.by_key:
            named = _senses_held(ambiguous, key, named, doc, match, bounds)
        if not named:
            continue
        codes = tuple(c for c, _ in named)
        # the assertion of the match that holds it: its cues, its section
        assertion, decided, cues = reading.assertion(outer_span, start, end, section, codes)
        context, where = reading.sentence_of(match)
        span = doc[match.start : match.end]
        yield Mention(
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            section=section,
            assertion=assertion,
            codes=codes,
            kind=INNER,
            source=named[0][1],
            n_words=match.n_words,
            sentence=match.sentence,
            sources=tuple(s for _, s in named),
            key=key_id,
            basis=_basis(user_data, start, end, section, decided),
            cues=cues,
            context=context,
            span=where,
        )
