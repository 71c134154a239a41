"""The one place codesuggest reads medspaCy's private attributes: those our forks of its
components (``context``, ``sections``) need and medspaCy 1.3.1 (:data:`TRACKS`) offers no
public way to. Everything else is read through medspaCy's public API (``modifier_span``,
``scope_span``, ``rule_map``, ``input_span_type``, ``span_group_name``...).

tests/extract/test_medspacy_private.py checks, against the medspaCy installed, that each
attribute read here exists and means what is said of it below, so an upgrade that renames or
repurposes one fails there rather than changing what the forks do.
"""

from operator import attrgetter
from typing import Any, NamedTuple

from medspacy.context import ConTextRule
from spacy.matcher import Matcher, PhraseMatcher

# the upstream release whose private attributes are read here
# (tests/extract/test_pipeline.py: an upgrade of it fails until this module is reviewed)
TRACKS = ("medspacy", "1.3.1")

# the keys a ConText rule may have in a JSON rule file: ``ConTextRule.from_dict`` refuses others
CONTEXT_RULE_KEYS: frozenset[str] = frozenset(ConTextRule._ALLOWED_KEYS)


class MatcherParts(NamedTuple):
    """What a MedspacyMatcher's ``__call__`` is made of: its token-pattern Matcher, PhraseMatcher
    and RegexMatcher, whose matches it concatenates in that order, and whether it then prunes
    overlapping matches (``prune_overlapping_matches``)."""

    tokens: Matcher
    phrases: PhraseMatcher
    regexes: Any  # medspacy.common.regex_matcher.RegexMatcher
    prune: bool


def context_matcher(component: Any) -> Any:
    """The MedspacyMatcher of a ConText component (its rules, ``component.rules``)."""
    return component._ConText__matcher


def sectionizer_matcher(component: Any) -> Any:
    """The MedspacyMatcher of a Sectionizer (its rules, ``component.rules``)."""
    return component._Sectionizer__matcher


def matcher_parts(matcher: Any) -> MatcherParts:
    """The parts of a MedspacyMatcher's ``__call__`` (:class:`MatcherParts`)."""
    return MatcherParts(
        matcher._MedspacyMatcher__matcher,
        matcher._MedspacyMatcher__phrase_matcher,
        matcher._MedspacyMatcher__regex_matcher,
        matcher._prune,
    )


# the targets a ConTextModifier modifies, in order (``modify`` appends, ``reduce_targets`` keeps
# the nearest ``max_targets``): ConTextGraph.apply_modifiers makes its edges of them. An
# attrgetter, as it is read once per modifier of every note
modifier_targets = attrgetter("_targets")


def has_parent_sections(component: Any) -> bool:
    """Whether a Sectionizer has rules with ``parents`` (its ``__call__`` then runs
    ``set_parent_sections`` on the matches)."""
    return bool(component._parent_sections)


def applies_sentence_boundary(component: Any) -> bool:
    """Whether a Sectionizer makes each section header a sentence of its own (its
    ``apply_sentence_boundary`` argument)."""
    return bool(component._apply_sentence_boundary)
