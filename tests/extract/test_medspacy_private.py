"""codesuggest.extract.medspacy_private against the medspaCy installed: each private attribute it
reads exists and means what it says, so an upgrade that renames or repurposes one fails here."""

from __future__ import annotations

import pytest
import spacy
from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.regex_matcher import RegexMatcher
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from medspacy.section_detection import Sectionizer, SectionRule
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Span

from codesuggest.extract.medspacy_private import (
    CONTEXT_RULE_KEYS,
    applies_sentence_boundary,
    context_matcher,
    has_parent_sections,
    matcher_parts,
    modifier_targets,
    sectionizer_matcher,
)

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")  # a matcher left empty

NEGATED = "NEGATED_EXISTENCE"


def test_context_rule_keys_are_those_medspacys_rule_reader_takes() -> None:
    full = {
        "literal": "no",
        "category": NEGATED,
        "pattern": "no",
        "direction": "FORWARD",
        "metadata": {"source": "test"},
        "allowed_types": ["PROBLEM"],
        "max_targets": 1,
        "max_scope": 2,
    }
    allowed = ConTextRule.from_dict(full)
    full.pop("allowed_types")
    excluded = ConTextRule.from_dict({**full, "excluded_types": ["DRUG"]})  # not both in a rule
    assert set(allowed.to_dict()) | set(excluded.to_dict()) == CONTEXT_RULE_KEYS
    # ConTextRule takes these too, but its dictionary (JSON) reader refuses them
    for key in ("terminated_by", "on_match", "on_modifies", "unknown"):
        with pytest.raises(ValueError, match="invalid keys"):
            ConTextRule.from_dict({"literal": "no", "category": NEGATED, key: None})


@pytest.mark.parametrize("prune", [True, False])
def test_context_matcher_is_the_one_the_component_matches_with(prune: bool) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    context = ConText(nlp, rules=None, prune_on_modifier_overlap=prune, span_attrs=None)
    rules = [ConTextRule("no history of", NEGATED), ConTextRule("history of", "HISTORICAL")]
    context.add(rules)
    matcher = context_matcher(context)
    assert isinstance(matcher, MedspacyMatcher)
    assert matcher.rules == context.rules == rules
    assert matcher_parts(matcher).prune is prune  # ConText's ``prune_on_modifier_overlap``
    doc = context(nlp("She has no history of stroke."))
    found = [m.modifier_span for m in doc._.context_graph.modifiers]
    assert found == [(s, e) for _, s, e in matcher(doc)]
    assert found == ([(2, 5)] if prune else [(2, 5), (3, 5)])


@pytest.mark.parametrize("prune", [True, False])
def test_matcher_parts_make_the_matchers_call(prune: bool) -> None:
    nlp = spacy.blank("en")
    matcher = MedspacyMatcher(nlp, prune=prune)
    matcher.add(
        [
            ConTextRule("no history of", NEGATED),
            ConTextRule("history", "HISTORICAL"),
            ConTextRule("no history", NEGATED, pattern=[{"LOWER": "no"}, {"LOWER": "history"}]),
            ConTextRule("denies", NEGATED, pattern=r"deni(es|ed)"),
        ]
    )
    parts = matcher_parts(matcher)
    assert isinstance(parts.tokens, Matcher) and len(parts.tokens) == 1
    assert isinstance(parts.phrases, PhraseMatcher) and len(parts.phrases) == 2
    assert isinstance(parts.regexes, RegexMatcher)
    assert parts.prune is prune
    doc = nlp("Denies fever, no history of stroke; history denied.")
    found = parts.tokens(doc) + parts.phrases(doc) + parts.regexes(doc)
    pruned = prune_overlapping_matches(list(found))
    assert len(pruned) < len(found)  # the test can tell the two apart
    assert matcher(doc) == (pruned if parts.prune else found)


def test_modifier_targets_are_what_the_graph_makes_its_edges_of() -> None:
    doc = spacy.blank("en")("no fever , cough or rash today")
    targets = [Span(doc, 1, 2, "PROBLEM"), Span(doc, 3, 4, "PROBLEM"), Span(doc, 5, 6, "PROBLEM")]
    nearest = ConTextRule("no", NEGATED, direction="FORWARD", max_targets=2)
    negation = ConTextModifier(nearest, 0, 1, None, 1, 7)
    past = ConTextRule("today", "HISTORICAL", direction="BACKWARD")
    historical = ConTextModifier(past, 6, 7, None, 0, 6)
    assert list(modifier_targets(negation)) == []
    graph = ConTextGraph(targets=targets, modifiers=[negation, historical])
    graph.update_scopes()
    graph.apply_modifiers()
    assert graph.edges == [(t, m) for m in graph.modifiers for t in modifier_targets(m)]
    assert list(modifier_targets(negation)) == targets[:2]  # ``reduce_targets``: the nearest two
    assert list(modifier_targets(historical)) == targets  # in the order ``modify`` added them
    assert all(len(modifier_targets(m)) == m.num_targets for m in graph.modifiers)


def test_sectionizer_matcher_is_the_one_the_component_matches_with() -> None:
    nlp = spacy.blank("en")
    sectionizer = Sectionizer(nlp, rules=None, span_attrs=None)
    rules = [SectionRule("Plan:", "plan"), SectionRule("Allergies:", "allergies")]
    sectionizer.add(rules)
    matcher = sectionizer_matcher(sectionizer)
    assert isinstance(matcher, MedspacyMatcher)
    assert matcher.rules == sectionizer.rules == rules
    doc = sectionizer(nlp("Seen today. Allergies: none. Plan: rest."))
    headers = [s.title_span for s in doc._.sections if s.category is not None]
    assert headers == [(s, e) for _, s, e in matcher(doc)] == [(3, 5), (7, 9)]


@pytest.mark.parametrize("boundary", [True, False])
def test_applies_sentence_boundary_is_the_sectionizers_argument(boundary: bool) -> None:
    nlp = spacy.blank("en")
    sectionizer = Sectionizer(nlp, rules=None, span_attrs=None, apply_sentence_boundary=boundary)
    sectionizer.add([SectionRule("Plan:", "plan")])
    assert applies_sentence_boundary(sectionizer) is boundary
    doc = sectionizer(nlp("Seen today Plan: rest"))
    assert (doc[2].is_sent_start is True) is boundary  # the header starts a sentence


def test_has_parent_sections_says_whether_a_rule_has_parents() -> None:
    nlp = spacy.blank("en")
    sectionizer = Sectionizer(nlp, rules=None, span_attrs=None)
    sectionizer.add([SectionRule("History:", "history")])
    assert has_parent_sections(sectionizer) is False
    sectionizer.add([SectionRule("Allergies:", "allergies", parents=["history"])])
    assert has_parent_sections(sectionizer) is True
    doc = sectionizer(nlp("History: asthma. Allergies: none."))
    allergies = doc._.sections[-1]
    assert allergies.category == "allergies"
    assert allergies.parent is not None and allergies.parent.category == "history"
