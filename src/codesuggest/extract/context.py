"""medspaCy's ConText with a quicker modifier-to-target pass, as ``codesuggest_context``: a
fork of medspaCy 1.3.1 (:data:`TRACKS`), tested against it in tests/extract/test_pipeline.py.
It reads medspaCy's objects through their public API but for what ``medspacy_private`` reads.

medspaCy's graph tries every (target, modifier) pair through ``ConTextModifier.modifies``, and
rebuilds every target Span from the span group for each modifier when pruning; with a few dozen
terms and cues a note that was a tenth of the pipeline's time. Here the targets' token bounds
are read once and a pair is handed to ``modifies`` only when the target lies in the modifier's
scope and the modifier can modify at all: exactly the pairs for which ``modifies`` may return
True, tried in the same order, so the edges and attributes are medspaCy's.

Two steps differ from medspaCy on purpose. One: a cue whose last words are a term's first words
("no history of" before the term "history of stroke") is cut back to its leading words, which
then modify the term; medspaCy drops such a cue, leaving the term unnegated. And a cue among
the words of a term the lexicon matched scattered ("no" in "no valvular disease, no heart
failure" read as "valvular heart disease") is not dropped: it leaves that term alone but still
modifies the others in its scope ("heart failure").

Three more of medspaCy's steps are done here with the same results:

* its token-pattern Matcher (four rules: "no relevant history", "in <year>") tests every
  token of every note through Python predicates; it is run only when the note holds, for
  some pattern, a token for each of the pattern's required words, and only over the token
  ranges from where a pattern's leading tokens (those before its first optional one) match
  to where that match may reach at most (a spaCy Matcher never looks behind a match, and
  reads a Span as the Doc it is part of);
* its ``prune_overlapping_matches`` is followed step for step, without ``list.pop(0)``;
* each modifier's scope comes from the note's sentence-start array rather than from
  ``doc[start].sent`` (two Span objects per modifier);
* ``update_scopes`` tries ``limit_scope`` on every ordered pair of a note's modifiers (a
  note with 200 cues makes 40,000 calls); a call whose opening tests fail changes nothing,
  so those tests (overlapping scopes, categories that may limit each other) are made first,
  inline, and the call made only when they pass, in the same order; and, as scopes end at
  their sentence, only pairs of one sentence are tried, as are only a sentence's modifiers
  for the targets in it (``QuickGraph``).
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, NamedTuple

import numpy as np
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from codesuggest.errors import ConfigError
from codesuggest.extract.medspacy_private import (
    CONTEXT_RULE_KEYS,
    context_matcher,
    matcher_parts,
    modifier_targets,
)

# the upstream release this fork follows line for line where it does not say otherwise
# (tests/extract/test_pipeline.py: an upgrade of it fails until the fork is reviewed)
TRACKS = ("medspacy", "1.3.1")

_INERT = ("TERMINATE", "PSEUDO")  # directions that never modify a target


# keys a rule of data/context_rules.json may have: medspaCy's, and ``terminated_by`` (the
# categories of the cues that end its scope besides TERMINATE ones: "without" ends at the
# PSEUDO cue "on" in "diabetes without complications on metformin"), which medspaCy's JSON
# reader refuses though its rules take it
_RULE_KEYS = CONTEXT_RULE_KEYS | {"terminated_by"}


def load_context_rules(path: str) -> list[ConTextRule]:
    """The ConText rules of a rule file (``{"context_rules": [...]}``); an unknown key fails."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rules = []
    for raw in data["context_rules"]:
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            literal = raw.get("literal")
            raise ConfigError(f"ConText rule {literal!r}: unknown keys {sorted(unknown)}")
        args = dict(raw)
        if "terminated_by" in args:
            args["terminated_by"] = {c.upper() for c in args["terminated_by"]}
        rules.append(ConTextRule(**args))
    return rules


class QuickGraph(ConTextGraph):  # type: ignore[misc]
    """A ConTextGraph whose ``update_scopes`` and ``apply_modifiers`` skip pairs that cannot
    change anything.

    When every modifier lies with its scope in its sentence (``sentence_starts`` given), only
    pairs within a sentence are tried: ``limit_scope`` moves a scope's end to a later cue's
    start or its start to an earlier cue's end, which for a cue of another sentence lies beyond
    a scope confined to its own; and a target overlaps only scopes of the sentences holding
    its first or its last token.
    """

    loose: tuple[bool, ...] = ()  # per target: its words are scattered over the sentence
    # the token index of each sentence start, in order (None: scopes read otherwise)
    sentence_starts: list[int] | None = None
    length = 0  # the note's tokens, the end of its last sentence

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the token bounds of cues left out of ``modifiers`` as they could change nothing
        # (``QuickConText``): cue words still, for what reads the cues
        self.idle: list[tuple[int, int]] = []
        # the targets as Spans and their token bounds, when read already
        self.listed: tuple[list[Span], list[tuple[int, int]]] | None = None

    def update_scopes(self) -> None:
        modifiers: list[ConTextModifier] = self.modifiers
        if len(modifiers) < 2:
            return
        limits: dict[tuple[int, int], bool] = {}  # (rule, other rule) -> may other limit rule
        groups = self._sentence_groups(modifiers)
        if groups is None:
            _limit_scopes(modifiers, limits)
            return
        # pairs of different sentences change nothing; within one, in the same order
        for group in groups.values():
            if len(group) > 1:
                _limit_scopes([modifiers[i] for i in group], limits)

    def _sentence_groups(self, modifiers: list[ConTextModifier]) -> dict[int, list[int]] | None:
        """The positions in ``modifiers`` of each sentence's modifiers, in order, by sentence;
        None unless each modifier and its scope lie in its sentence."""
        starts = self.sentence_starts
        if starts is None:
            return None
        last = len(starts)
        groups: dict[int, list[int]] = {}
        for i, m in enumerate(modifiers):
            m_start, m_end = m.modifier_span
            scope_start, scope_end = m.scope_span
            k = bisect_right(starts, m_start)
            s_start = starts[k - 1] if k else 0
            s_end = starts[k] if k < last else self.length
            if not (
                s_start <= scope_start
                and scope_end <= s_end
                and s_start <= m_start
                and m_end <= s_end
            ):
                return None
            group = groups.get(k)
            if group is None:
                groups[k] = [i]
            else:
                group.append(i)
        return groups

    def apply_modifiers(self) -> None:
        if self.listed is None:
            targets: list[Span] = list(self.targets)
            bounds = [(t.start, t.end) for t in targets]
        else:
            targets, bounds = self.listed
        loose = self.loose if len(self.loose) == len(targets) else (False,) * len(targets)
        modifiers: list[ConTextModifier] = self.modifiers
        if self.prune_on_modifier_overlap:  # a cue inside a term is part of the term
            # a cue overlaps a term when its first or its last token is one of the term's
            covered = {
                i
                for (s, e), scattered in zip(bounds, loose, strict=True)
                if not scattered
                for i in range(s, e)
            }
            if covered:
                modifiers[:] = [
                    m
                    for m in modifiers
                    if m.modifier_span[0] not in covered and m.modifier_span[1] - 1 not in covered
                ]
                self.idle = [
                    c for c in self.idle if c[0] not in covered and c[1] - 1 not in covered
                ]
        active = [(m, *m.modifier_span, *m.scope_span) for m in modifiers]
        active = [a for a in active if a[0].direction not in _INERT]
        if active:
            groups = self._sentence_groups([a[0] for a in active])
            starts = self.sentence_starts
            for target, (start, end) in zip(targets, bounds, strict=True):
                candidates = active
                if groups is not None and starts is not None and start < end:
                    first = bisect_right(starts, start)
                    last = bisect_right(starts, end - 1)
                    held = groups.get(first, [])
                    if last != first:  # a target over two sentences: both, in order
                        held = sorted(held + groups.get(last, []))
                    candidates = [active[i] for i in held]
                for modifier, m_start, m_end, lo, hi in candidates:
                    if start <= m_start < end or start < m_end <= end:
                        continue  # a cue among a scattered term's words is not about that term
                    # ``modifies`` requires the target to overlap the scope: test that first
                    if (lo <= start < hi or lo < end <= hi) and modifier.modifies(target):
                        modifier.modify(target)
        edges = []
        for modifier in modifiers:
            modifier.reduce_targets()
            for target in modifier_targets(modifier):
                edges.append((target, modifier))
        self.edges = edges


def _limit_scopes(modifiers: list[ConTextModifier], limits: dict[tuple[int, int], bool]) -> None:
    """``limit_scope`` on every ordered pair of ``modifiers``, as medspaCy's ``update_scopes``
    tries them, each only when its opening tests pass."""
    rules = [m.rule for m in modifiers]
    # only a forward, backward or bidirectional scope can be narrowed: a pair of pseudo or
    # terminating cues (a comma that ends "without", ")") changes nothing, so it is skipped
    steered = [j for j, r in enumerate(rules) if r.direction.upper() in _STEERED]
    steered_set = frozenset(steered)
    everyone = range(len(modifiers))
    for i in range(len(modifiers) - 1):
        m1 = modifiers[i]
        r1 = rules[i]
        later = everyone[i + 1 :] if i in steered_set else steered[bisect_right(steered, i) :]
        for j in later:
            m2 = modifiers[j]
            r2 = rules[j]
            # ``m1.limit_scope(m2)``, then ``m2.limit_scope(m1)``, each only when its
            # opening tests pass: ``tuple_overlaps(self.scope_span, other.scope_span)``
            # (read afresh, as the first call may narrow m1) and the categories' test
            a0, a1 = m1.scope_span
            b0, b1 = m2.scope_span
            if (a0 <= b0 < a1 or a0 < b1 <= a1) and _cached_may_limit(limits, r1, r2):
                m1.limit_scope(m2)
                b0, b1 = m1.scope_span
                a0, a1 = m2.scope_span
            else:
                a0, a1, b0, b1 = b0, b1, a0, a1
            if (a0 <= b0 < a1 or a0 < b1 <= a1) and _cached_may_limit(limits, r2, r1):
                m2.limit_scope(m1)


_STEERED = frozenset({"FORWARD", "BACKWARD", "BIDIRECTIONAL"})


def _cached_may_limit(
    limits: dict[tuple[int, int], bool], rule: ConTextRule, other: ConTextRule
) -> bool:
    """``_may_limit``, remembered per pair of rules for the note."""
    pair = (id(rule), id(other))
    may = limits.get(pair)
    if may is None:
        may = limits[pair] = _may_limit(rule, other)
    return may


def _may_limit(rule: ConTextRule, other: ConTextRule) -> bool:
    """The tests of ``ConTextModifier.limit_scope`` after the overlap one: whether a modifier
    of ``other`` may narrow the scope of a modifier of ``rule`` (they read only the rules)."""
    if rule.direction.upper() not in _STEERED:  # limit_scope moves only these scopes
        return False
    if (
        (other.direction.upper() != "TERMINATE")
        and (other.category.upper() not in rule.terminated_by)
        and (other.category.upper() != rule.category.upper())
    ):
        return False
    # same category, other target types: no limiting
    same_types = (
        rule.allowed_types == other.allowed_types and rule.excluded_types == other.excluded_types
    )
    return bool(rule.category != other.category or same_types)


class _TokenPatterns:
    """What a token-pattern Matcher's patterns need from a note to match, and how far a match
    may reach.

    For each pattern: the LOWER values one of which each of its required tokens (no ``OP``)
    must have, and its *lead*, the tokens before its first ``OP`` as tests of one token each
    (the LOWER values it must have, a regular expression its text or LOWER form must hold).
    Tokens constrained otherwise require nothing here: the test only ever says "may match"
    too often, never too seldom. Its *reach* bounds where a match that starts at a token may
    end (``_reach``); None when nothing does.
    """

    def __init__(self, patterns: list[list[dict[str, Any]]]) -> None:
        self.required: list[list[frozenset[int]]] = []
        self.leads: list[list[_TokenTest]] = []
        self.reaches: list[list[frozenset[int] | None] | None] = []
        for pattern in patterns:
            needs = [_lower_values(tok) if "OP" not in tok else None for tok in pattern]
            self.required.append([n for n in needs if n is not None])
            lead = []
            for tok in pattern:
                if "OP" in tok:
                    break
                lead.append(_TokenTest.of(tok))
            self.leads.append(lead)
            self.reaches.append(_steps(pattern))

    def windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges, in order and apart, that hold every match of the patterns: each
        from a token at which a pattern's lead matches to where that match may reach at most
        (to the note's end when unbounded). Empty when no pattern can match."""
        lowers: list[int] = doc.to_array("LOWER").tolist()
        present = set(lowers)
        length = len(lowers)
        found: list[tuple[int, int]] = []
        for required, lead, steps in zip(self.required, self.leads, self.reaches, strict=True):
            if not all(not values.isdisjoint(present) for values in required):
                continue
            if not lead or lead[0].lowers is None:
                return [(0, length)]  # any token may start it
            stop = length - len(lead) + 1
            for i in _positions(lowers, lead[0].lowers & present, stop):
                if all(test.holds(doc, lowers, i + k) for k, test in enumerate(lead[1:], start=1)):
                    found.append((i, length if steps is None else _reach(steps, lowers, i)))
                    if steps is None:
                        break  # the rest of the note from here holds its later starts too
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            # a few tokens between two ranges cost the Matcher less than another call
            if merged and start <= merged[-1][1] + _WINDOW_GAP:
                if end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        return merged


_WINDOW_GAP = 8  # tokens


def _steps(pattern: list[dict[str, Any]]) -> list[frozenset[int] | None] | None:
    """How far a pattern's tokens may reach, one step each: None for a token it matches at
    most once, the LOWER values of a repeated one (``*``, ``+``), which reaches as far as the
    note's tokens hold them; a negated token (``!``) takes none. None when a repeated token
    allows any value or another quantifier is used, and when the last token is optional or
    repeated (spaCy settles such matches at the end of what it reads)."""
    if not pattern or "OP" in pattern[-1]:
        return None
    steps: list[frozenset[int] | None] = []
    for tok in pattern:
        op = tok.get("OP")
        if op is None or op == "?":
            steps.append(None)
        elif op in ("*", "+"):
            values = _lower_values(tok)
            if values is None:
                return None
            steps.append(values)
        elif op != "!":
            return None
    return steps


def _reach(steps: list[frozenset[int] | None], lowers: list[int], start: int) -> int:
    """The furthest end of a match of a pattern's ``steps`` that starts at token ``start``: a
    repeated token's run, read from the furthest place it may begin, ends no sooner than from
    a nearer one."""
    at = start
    length = len(lowers)
    for values in steps:
        if values is None:
            at += 1
        else:
            while at < length and lowers[at] in values:
                at += 1
    return min(at, length)


def _positions(values: list[int], wanted: Iterable[int], stop: int) -> list[int]:
    """Where ``values`` holds one of ``wanted`` before ``stop``, in order."""
    out = []
    for v in wanted:
        i = -1
        with suppress(ValueError):  # none left
            while True:
                i = values.index(v, i + 1, stop)
                out.append(i)
    out.sort()
    return out


def _prune_overlapping(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """medspaCy's ``prune_overlapping_matches`` (strategy "longest"), step for step: sorted by
    start and end, of two neighbours that overlap the longer (the first when as long) is kept
    and the next one read afresh, until a pass drops nothing. Read by index rather than by
    ``list.pop(0)``, with the overlap test inline."""
    while matches:
        ordered = sorted(matches, key=_bounds)
        pruned = []
        count = len(ordered)
        current = ordered[0]
        k = 1
        while True:
            if k == count:
                pruned.append(current)
                break
            following = ordered[k]
            k += 1
            _, c_start, c_end = current
            _, f_start, f_end = following
            if c_start <= f_start < c_end or c_start < f_end <= c_end:
                longer = following if f_end - f_start > c_end - c_start else current
                pruned.append(longer)
                if k == count:
                    break
                current = ordered[k]
                k += 1
            else:
                pruned.append(current)
                current = following
        if len(pruned) == len(matches):
            return pruned
        matches = pruned
    return matches


def _bounds(match: tuple[int, int, int]) -> tuple[int, int]:
    return match[1], match[2]


class _TokenTest(NamedTuple):
    """What one pattern token asks of a token, as far as told here: one of ``lowers`` (None:
    any) and a match of each regular expression on its text or its LOWER form."""

    lowers: frozenset[int] | None
    text: tuple[re.Pattern[str], ...] = ()
    lower: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, token: dict[str, Any]) -> "_TokenTest":
        text = _regex(token, "TEXT") + _regex(token, "ORTH")
        return cls(_lower_values(token), text, _regex(token, "LOWER"))

    def holds(self, doc: Doc, lowers: list[int], i: int) -> bool:
        if self.lowers is not None and lowers[i] not in self.lowers:
            return False
        if self.text and not all(r.search(doc[i].text) for r in self.text):
            return False
        return not self.lower or all(r.search(doc[i].lower_) for r in self.lower)


def _regex(token: dict[str, Any], attr: str) -> tuple[re.Pattern[str], ...]:
    """The regular expression a pattern token asks of ``attr`` (``{attr: {"REGEX": r}}``)."""
    value = token.get(attr)
    if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
        return (re.compile(value["REGEX"]),)  # as spaCy's Matcher compiles it
    return ()


def _lower_values(token: dict[str, Any]) -> frozenset[int] | None:
    """The LOWER ids a pattern token accepts (``{"LOWER": x}`` or ``{"LOWER": {"IN": xs}}``),
    or None when it does not say."""
    value = token.get("LOWER")
    if isinstance(value, str):
        return frozenset([get_string_id(value)])
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        return frozenset(get_string_id(v) for v in value["IN"])
    return None


@Language.factory("codesuggest_context")
class QuickConText(ConText):  # type: ignore[misc]
    """medspaCy's ConText component with ``QuickGraph``; same configuration, same results."""

    _token_patterns: "_TokenPatterns | None" = None  # read from the token Matcher's rules
    _patterns_for = -1  # how many rules that Matcher had then

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        if targets:
            spans = getattr(doc._, targets)
        elif self.input_span_type == "ents":
            spans = doc.ents
        else:
            spans = doc.spans[self.span_group_name]
        graph = QuickGraph(prune_on_modifier_overlap=self.prune_on_target_overlap)
        graph.targets = spans
        graph.loose = _scattered(doc, len(spans))
        graph.modifiers = []
        matcher = context_matcher(self)
        # a match's id is its rule's literal in the string store (``vocab[id].text`` made a
        # Lexeme of the literal for each match, and kept it in the vocabulary)
        strings = self.nlp.vocab.strings
        matches = self._matches(doc, matcher)
        sentences = self._sentence_starts(doc) if matches and not self.max_scope else None
        targets_read = list(spans)  # a SpanGroup makes a new Span at each reading
        bounds = [(t.start, t.end) for t in targets_read]
        graph.listed = (targets_read, bounds)
        starts = [b[0] for b in bounds]
        ends = [b[1] for b in bounds]
        cues = []
        for match_id, start, end in matches:
            rule = matcher.rule_map[strings[match_id]]
            cues.append((rule, start, _lead_end(starts, ends, start, end)))
        if sentences is None:
            for rule, start, end in cues:
                modifier = ConTextModifier(rule, start, end, doc, max_scope=self.max_scope)
                graph.modifiers.append(modifier)
        else:
            length = len(doc)
            graph.sentence_starts, graph.length = sentences, length
            # a pseudo or terminating cue only ever narrows a steered cue's scope, which ends
            # at its sentence: in a sentence without one it changes nothing (most commas)
            steered = {
                _sentence(sentences, length, start)[0]
                for rule, start, _ in cues
                if rule.direction.upper() in _STEERED
            }
            for rule, start, end in cues:
                s_start, s_end = _sentence(sentences, length, start)
                if s_start not in steered:
                    graph.idle.append((start, end))
                    continue
                scope_start, scope_end = _scope(rule, start, end, s_start, s_end)
                modifier = ConTextModifier(
                    rule, start, end, None, scope_start, scope_end, max_scope=self.max_scope
                )
                graph.modifiers.append(modifier)
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(graph.edges)
        doc._.context_graph = graph
        return doc

    def _matches(self, doc: Doc, matcher: Any) -> list[tuple[int, int, int]]:
        """``matcher(doc)`` (medspaCy's MedspacyMatcher), its token Matcher run only over the
        token ranges that may hold a match."""
        parts = matcher_parts(matcher)
        tokens = parts.tokens
        matches: list[tuple[int, int, int]]
        windows = self._token_windows(doc, matcher, tokens)
        if windows is None:
            matches = tokens(doc)
        else:  # the Matcher gives a Span's matches in the Span's token indices
            matches = []
            for start, end in windows:
                matches += [(k, s + start, e + start) for k, s, e in tokens(doc[start:end])]
        matches += parts.phrases(doc)
        matches += parts.regexes(doc)
        if parts.prune:
            matches = _prune_overlapping(matches)
        return matches

    def _token_windows(
        self, doc: Doc, matcher: Any, tokens: Matcher
    ) -> list[tuple[int, int]] | None:
        """The token ranges of ``doc`` that hold every match of the token Matcher (its
        matches, as a whole note's, come in the order of the ranges: each ends where its last
        token is read); None: run it over the whole note, as medspaCy does."""
        patterns = self._token_patterns
        if patterns is None or self._patterns_for != len(tokens):
            rules = [r for r in matcher.rule_map.values() if isinstance(r.pattern, list)]
            if len(tokens) == 0 or len(rules) != len(tokens) or any(r.on_match for r in rules):
                return None  # no patterns (spaCy warns) or callbacks reading the Doc: as is
            patterns = self._token_patterns = _TokenPatterns([r.pattern for r in rules])
            self._patterns_for = len(tokens)
        return patterns.windows(doc)

    def _sentence_starts(self, doc: Doc) -> list[int] | None:
        """The token index of each sentence start, in order, for ``_sentence`` to give the
        bounds of a token's sentence as ``doc[i].sent`` would; None where hooks could change
        them."""
        if doc.user_hooks or doc.user_span_hooks or doc.user_token_hooks:
            return None
        if not doc.has_annotation("SENT_START"):
            return None  # ``sent`` raises: let medspaCy's own path say so
        starts: list[int] = np.flatnonzero(doc.to_array("SENT_START") == 1).tolist()
        return starts


def _sentence(starts: list[int], length: int, i: int) -> tuple[int, int]:
    """The bounds of the sentence of token ``i`` (that Span's start and end), from the
    sentence starts of a note of ``length`` tokens."""
    k = bisect_right(starts, i)
    return (starts[k - 1] if k else 0), (starts[k] if k < len(starts) else length)


def _scattered(doc: Doc, n_targets: int) -> tuple[bool, ...]:
    """Per target, whether the lexicon matched its words scattered over the sentence ("no
    valvular disease, no heart failure" for "valvular heart disease"): a cue between those words
    ("no", "mother") belongs to the sentence and still modifies the other terms in its scope.
    A cue inside a contiguous term is part of the term, as in medspaCy."""
    matches = getattr(doc._, "codesuggest_matches", None) or []
    if len(matches) != n_targets:
        return (False,) * n_targets
    return tuple(m.compactness < 1.0 for m in matches)


def _lead_end(starts: list[int], ends: list[int], start: int, end: int) -> int:
    """The end of a cue at [start, end) that runs into a term ("no history of" over "history
    of stroke", "no acute" over "acute MI"): cut back to where the term begins, so that its
    leading words still modify the term (medspaCy would drop the whole cue as overlapping).
    A cue that begins inside a term is part of the term and is left to be pruned. ``starts``
    and ``ends``: the terms' token bounds, in order."""
    i = bisect_right(starts, start)
    if i and ends[i - 1] > start:
        return end  # begins inside a term
    if i < len(starts) and starts[i] < end:
        return starts[i]
    return end


def _scope(rule: ConTextRule, start: int, end: int, s_start: int, s_end: int) -> tuple[int, int]:
    """``ConTextModifier.__set_scope`` for a modifier at [start, end) in the sentence
    [s_start, s_end), with no ``max_scope`` given to ConText (the rule's may be set)."""
    direction = rule.direction.lower()
    max_scope = rule.max_scope
    if direction == "forward":
        scope_start, scope_end = end, s_end
        if max_scope is not None and (scope_end - scope_start) > max_scope:
            scope_end = end + max_scope
    elif direction == "backward":
        scope_start, scope_end = s_start, start
        if max_scope is not None and (scope_end - scope_start) > max_scope:
            scope_start = start - max_scope
    else:  # bidirectional
        scope_start, scope_end = s_start, s_end
        if max_scope is not None and (start - scope_start) > max_scope:
            scope_start = start - max_scope
        if max_scope is not None and (scope_end - end) > max_scope:
            scope_end = end + max_scope
    return scope_start, scope_end
