"""medspaCy's Sectionizer with a quicker last step, as ``codesuggest_sectionizer``: a fork of
medspaCy 1.3.1 (:data:`TRACKS`), tested against it in tests/extract/test_pipeline.py.

medspaCy's ``__call__`` ends by setting ``token._.section`` on every token of the note, one
``Underscore`` accessor and ``__setattr__`` per token: a third of the component's time. Here
those values go straight into ``doc.user_data`` under the very keys the accessor writes
(``("._.", "section", token.idx, None)``), so ``token._.section`` reads back the same. The
rest of ``__call__`` is medspaCy 1.3.1's, line for line (its private attributes read through
``medspacy_private``), but for one filter: a rule whose metadata says ``line_start`` (the SOAP
letters "S:", "O:", "A:", "P:") counts only at the start of a line, so that "hepatitis A:
positive" opens no section.

:func:`section_rules` gives medspaCy's packaged headers with ours (``data/section_rules.json``)
in place of any medspaCy header of the same words ("PSH:" is past surgical history, not
medspaCy's social history).
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

import re
from typing import Any

from medspacy.section_detection import Sectionizer, SectionRule
from medspacy.section_detection.section import Section
from medspacy.section_detection.util import is_start_line
from spacy.language import Language
from spacy.tokens import Doc, Token

from codesuggest.extract.medspacy_private import (
    applies_sentence_boundary,
    has_parent_sections,
    sectionizer_matcher,
)

# the upstream release this fork follows line for line where it does not say otherwise
# (tests/extract/test_pipeline.py: an upgrade of it fails until the fork is reviewed)
TRACKS = ("medspacy", "1.3.1")


@Language.factory("codesuggest_sectionizer")
class QuickSectionizer(Sectionizer):  # type: ignore[misc]
    """medspaCy's Sectionizer component; same configuration, same results."""

    def __call__(self, doc: Doc) -> Doc:
        matcher = sectionizer_matcher(self)
        matches: list[Any] = matcher(doc)
        if matches:
            matches = self._line_starts(doc, matches, matcher.rule_map)
        if self.require_start_line:
            matches = self.filter_start_lines(doc, matches)
        if self.require_end_line:
            matches = self.filter_end_lines(doc, matches)
        if has_parent_sections(self):
            matches = self.set_parent_sections(matches)

        # If this has already been processed by the sectionizer, reset the sections
        doc._.sections = []
        # if there were no matches, return the doc as one section
        if len(matches) == 0:
            doc._.sections.append(Section(None, 0, 0, 0, len(doc)))
            return doc

        section_list: list[Section] = []
        sentence_boundary = applies_sentence_boundary(self)
        # if the first match does not begin at token 0, handle the first section
        first_match = matches[0]
        if first_match[1] != 0:
            section_list.append(Section(None, 0, 0, 0, first_match[1]))

        for i, match in enumerate(matches):
            parent = None
            if len(match) == 4:
                (match_id, start, end, parent_idx) = match
                if parent_idx is not None:
                    parent = section_list[parent_idx]
            else:
                (match_id, start, end) = match

            if sentence_boundary:
                doc[start].sent_start = True
                if end < len(doc):
                    doc[end].sent_start = True

            rule = matcher.rule_map[self.nlp.vocab.strings[match_id]]
            category = rule.category
            if i == len(matches) - 1:
                if self.max_section_length is None and rule.max_scope is None:
                    section_list.append(Section(category, start, end, end, len(doc), parent, rule))
                else:
                    if rule.max_scope is not None:
                        scope_end = min(end + rule.max_scope, doc[-1].i + 1)
                    else:
                        scope_end = min(end + self.max_section_length, doc[-1].i + 1)
                    section_list.append(Section(category, start, end, end, scope_end, parent, rule))
            else:
                next_match = matches[i + 1]
                if len(match) == 4:
                    _, next_start, _, _ = next_match
                else:
                    _, next_start, _ = next_match
                if self.max_section_length is None and rule.max_scope is None:
                    section_list.append(
                        Section(category, start, end, end, next_start, parent, rule)
                    )
                else:
                    if rule.max_scope is not None:
                        scope_end = min(end + rule.max_scope, next_start)
                    else:
                        scope_end = min(end + self.max_section_length, next_start)
                    section_list.append(Section(category, start, end, end, scope_end, parent, rule))

        if _plain_token_section():
            user_data: dict[Any, Any] = doc.user_data
            idx = doc.to_array("IDX").tolist()
            for section in section_list:
                doc._.sections.append(section)
                start, end = section.section_span
                for i in range(start, end):
                    user_data["._.", "section", idx[i], None] = section
        else:  # pragma: no cover - medspaCy registers a plain default
            for section in section_list:
                doc._.sections.append(section)
                start, end = section.section_span
                for token in doc[start:end]:
                    token._.section = section

        if self.assertion_attributes_mapping:
            if self.input_span_type.lower() == "ents":
                self.set_assertion_attributes(doc.ents)
            elif self.input_span_type.lower() == "group":
                self.set_assertion_attributes(doc.spans[self.span_group_name])

        return doc

    def _line_starts(self, doc: Doc, matches: list[Any], rule_map: Any) -> list[Any]:
        """``matches`` without those of ``line_start`` rules that are not at a line start."""
        strings = self.nlp.vocab.strings
        pattern: re.Pattern[str] = self.newline_pattern
        return [
            m
            for m in matches
            if not (rule_map[strings[m[0]]].metadata or {}).get("line_start")
            or is_start_line(m[1], doc, pattern)
        ]


def section_rules(ours: str, packaged: str) -> list[SectionRule]:
    """medspaCy's packaged section rules (the JSON file at ``packaged``), those whose literal
    ours redefine left out, then ours (the JSON file at ``ours``)."""
    mine: list[SectionRule] = SectionRule.from_json(ours)
    theirs: list[SectionRule] = SectionRule.from_json(packaged)
    redefined = {r.literal.lower() for r in mine}
    return [r for r in theirs if r.literal.lower() not in redefined] + mine


def _plain_token_section() -> bool:
    """Whether ``token._.section = x`` only stores ``x`` (no setter, no getter, no method)."""
    ext = Token.get_extension("section")
    return ext is not None and ext[1] is None and ext[2] is None and ext[3] is None
