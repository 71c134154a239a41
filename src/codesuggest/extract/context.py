"""medspaCy's ConText with a quicker modifier-to-target pass, as ``codesuggest_context``.

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

* its token-pattern Matcher (three rules: "no relevant history", "in <year>") tests every
  token of every note through Python predicates; it is run only when the note holds, for
  some pattern, a token for each of the pattern's required words, and only from the first
  token at which a pattern's leading tokens (those before its first optional one) match (a
  spaCy Matcher never looks behind a match);
* each modifier's scope comes from the note's sentence-start array rather than from
  ``doc[start].sent`` (two Span objects per modifier);
* ``update_scopes`` tries ``limit_scope`` on every ordered pair of a note's modifiers (a
  note with 200 cues makes 40,000 calls); a call whose opening tests fail changes nothing,
  so those tests (overlapping scopes, categories that may limit each other) are made first,
  inline, and the call made only when they pass, in the same order.
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, NamedTuple

import numpy as np
from medspacy.common import medspacy_matcher
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from codesuggest.errors import ConfigError

_INERT = ("TERMINATE", "PSEUDO")  # directions that never modify a target


# keys a rule of data/context_rules.json may have: medspaCy's, and ``terminated_by`` (the
# categories of the cues that end its scope besides TERMINATE ones: "without" ends at the
# PSEUDO cue "on" in "diabetes without complications on metformin"), which medspaCy's JSON
# reader refuses though its rules take it
_RULE_KEYS = frozenset(ConTextRule._ALLOWED_KEYS) | {"terminated_by"}


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
    change anything."""

    def update_scopes(self) -> None:
        modifiers: list[ConTextModifier] = self.modifiers
        if len(modifiers) < 2:
            return
        rules = [m.rule for m in modifiers]
        limits: dict[tuple[int, int], bool] = {}  # (rule, other rule) -> may other limit rule
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
                a0, a1 = m1._scope_start, m1._scope_end
                b0, b1 = m2._scope_start, m2._scope_end
                if (a0 <= b0 < a1 or a0 < b1 <= a1) and _cached_may_limit(limits, r1, r2):
                    m1.limit_scope(m2)
                    b0, b1 = m1._scope_start, m1._scope_end
                    a0, a1 = m2._scope_start, m2._scope_end
                else:
                    a0, a1, b0, b1 = b0, b1, a0, a1
                if (a0 <= b0 < a1 or a0 < b1 <= a1) and _cached_may_limit(limits, r2, r1):
                    m2.limit_scope(m1)

    loose: tuple[bool, ...] = ()  # per target: its words are scattered over the sentence

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the token bounds of cues left out of ``modifiers`` as they could change nothing
        # (``QuickConText``): cue words still, for what reads the cues
        self.idle: list[tuple[int, int]] = []

    def apply_modifiers(self) -> None:
        targets: list[Span] = list(self.targets)
        bounds = [(t.start, t.end) for t in targets]
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
            for target, (start, end) in zip(targets, bounds, strict=True):
                for modifier, m_start, m_end, lo, hi in active:
                    if start <= m_start < end or start < m_end <= end:
                        continue  # a cue among a scattered term's words is not about that term
                    # ``modifies`` requires the target to overlap the scope: test that first
                    if (lo <= start < hi or lo < end <= hi) and modifier.modifies(target):
                        modifier.modify(target)
        edges = []
        for modifier in modifiers:
            modifier.reduce_targets()
            for target in modifier._targets:
                edges.append((target, modifier))
        self.edges = edges


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
    """What a token-pattern Matcher's patterns need from a note to match.

    For each pattern: the LOWER values one of which each of its required tokens (no ``OP``)
    must have, and its *lead*, the tokens before its first ``OP`` as tests of one token each
    (the LOWER values it must have, a regular expression its text or LOWER form must hold).
    Tokens constrained otherwise require nothing here: the test only ever says "may match"
    too often, never too seldom.
    """

    def __init__(self, patterns: list[list[dict[str, Any]]]) -> None:
        self.required: list[list[frozenset[int]]] = []
        self.leads: list[list[_TokenTest]] = []
        for pattern in patterns:
            needs = [_lower_values(tok) if "OP" not in tok else None for tok in pattern]
            self.required.append([n for n in needs if n is not None])
            lead = []
            for tok in pattern:
                if "OP" in tok:
                    break
                lead.append(_TokenTest.of(tok))
            self.leads.append(lead)

    def start(self, doc: Doc) -> int | None:
        """The first token at which a match may start; None when no pattern can match."""
        lowers: list[int] = doc.to_array("LOWER").tolist()
        present = set(lowers)
        found: int | None = None
        for required, lead in zip(self.required, self.leads, strict=True):
            if not all(not values.isdisjoint(present) for values in required):
                continue
            if not lead or lead[0].lowers is None:
                return 0  # any token may start it
            stop = len(lowers) - len(lead) + 1
            if found is not None:
                stop = min(stop, found)
            for i in _positions(lowers, lead[0].lowers & present, stop):
                if all(test.holds(doc, lowers, i + k) for k, test in enumerate(lead[1:], start=1)):
                    found = i
                    break
        return found


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


class _TokenTest(NamedTuple):
    """What one pattern token asks of a token, as far as told here: one of ``lowers`` (None:
    any) and a match of each regular expression on its text or its LOWER form."""

    lowers: frozenset[int] | None
    text: tuple[re.Pattern[str], ...] = ()
    lower: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, token: dict[str, Any]) -> "_TokenTest":
        def regex(attr: str) -> tuple[re.Pattern[str], ...]:
            value = token.get(attr)
            if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                return (re.compile(value["REGEX"]),)  # as spaCy's Matcher compiles it
            return ()

        return cls(_lower_values(token), regex("TEXT") + regex("ORTH"), regex("LOWER"))

    def holds(self, doc: Doc, lowers: list[int], i: int) -> bool:
        if self.lowers is not None and lowers[i] not in self.lowers:
            return False
        if self.text and not all(r.search(doc[i].text) for r in self.text):
            return False
        return not self.lower or all(r.search(doc[i].lower_) for r in self.lower)


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
        matcher = self._ConText__matcher  # medspaCy keeps it name-mangled
        # a match's id is its rule's literal in the string store (``vocab[id].text`` made a
        # Lexeme of the literal for each match, and kept it in the vocabulary)
        strings = self.nlp.vocab.strings
        matches = self._matches(doc, matcher)
        sentences = self._sentences(doc) if matches and not self.max_scope else None
        starts = [span.start for span in spans]
        cues = []
        for match_id, start, end in matches:
            rule = matcher.rule_map[strings[match_id]]
            cues.append((rule, start, _lead_end(starts, spans, start, end)))
        if sentences is None:
            for rule, start, end in cues:
                modifier = ConTextModifier(rule, start, end, doc, max_scope=self.max_scope)
                graph.modifiers.append(modifier)
        else:
            # a pseudo or terminating cue only ever narrows a steered cue's scope, which ends
            # at its sentence: in a sentence without one it changes nothing (most commas)
            steered = {
                sentences(start)[0] for rule, start, _ in cues if rule.direction.upper() in _STEERED
            }
            for rule, start, end in cues:
                bounds = sentences(start)
                if bounds[0] not in steered:
                    graph.idle.append((start, end))
                    continue
                scope_start, scope_end = _scope(rule, start, end, *bounds)
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
        """``matcher(doc)`` (medspaCy's MedspacyMatcher), its token Matcher run only where
        it may match."""
        tokens: Matcher = matcher._MedspacyMatcher__matcher
        matches: list[tuple[int, int, int]]
        start = self._token_start(doc, matcher, tokens)
        if start == 0:
            matches = tokens(doc)
        elif start is None:
            matches = []
        else:  # the Matcher gives a Span's matches in the Span's token indices
            matches = [(k, s + start, e + start) for k, s, e in tokens(doc[start:])]
        matches += matcher._MedspacyMatcher__phrase_matcher(doc)
        matches += matcher._MedspacyMatcher__regex_matcher(doc)
        if matcher._prune:
            matches = medspacy_matcher.prune_overlapping_matches(matches)
        return matches

    def _token_start(self, doc: Doc, matcher: Any, tokens: Matcher) -> int | None:
        """Where the token Matcher may first match in ``doc``; 0: run it as medspaCy does."""
        patterns = self._token_patterns
        if patterns is None or self._patterns_for != len(tokens):
            rules = [r for r in matcher.rule_map.values() if isinstance(r.pattern, list)]
            if len(tokens) == 0 or len(rules) != len(tokens) or any(r.on_match for r in rules):
                return 0  # no patterns (spaCy warns) or callbacks reading the Doc: as is
            patterns = self._token_patterns = _TokenPatterns([r.pattern for r in rules])
            self._patterns_for = len(tokens)
        return patterns.start(doc)

    def _sentences(self, doc: Doc) -> Any:
        """A function of a token index giving the bounds of its sentence as ``doc[i].sent``
        would (that Span's start and end), or None where hooks could change them."""
        if doc.user_hooks or doc.user_span_hooks or doc.user_token_hooks:
            return None
        if not doc.has_annotation("SENT_START"):
            return None  # ``sent`` raises: let medspaCy's own path say so
        starts = np.flatnonzero(doc.to_array("SENT_START") == 1).tolist()
        length = len(doc)

        def bounds(i: int) -> tuple[int, int]:
            k = bisect_right(starts, i)
            return (starts[k - 1] if k else 0), (starts[k] if k < len(starts) else length)

        return bounds


def _scattered(doc: Doc, n_targets: int) -> tuple[bool, ...]:
    """Per target, whether the lexicon matched its words scattered over the sentence ("no
    valvular disease, no heart failure" for "valvular heart disease"): a cue between those words
    ("no", "mother") belongs to the sentence and still modifies the other terms in its scope.
    A cue inside a contiguous term is part of the term, as in medspaCy."""
    matches = getattr(doc._, "codesuggest_matches", None) or []
    if len(matches) != n_targets:
        return (False,) * n_targets
    return tuple(m.compactness < 1.0 for m in matches)


def _lead_end(starts: list[int], targets: Any, start: int, end: int) -> int:
    """The end of a cue at [start, end) that runs into a term ("no history of" over "history
    of stroke", "no acute" over "acute MI"): cut back to where the term begins, so that its
    leading words still modify the term (medspaCy would drop the whole cue as overlapping).
    A cue that begins inside a term is part of the term and is left to be pruned."""
    i = bisect_right(starts, start)
    if i and targets[i - 1].end > start:
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
