"""medspaCy's ConText with a quicker modifier-to-target pass, as ``codesuggest_context``.

medspaCy's graph tries every (target, modifier) pair through ``ConTextModifier.modifies``, and
rebuilds every target Span from the span group for each modifier when pruning; with a few dozen
terms and cues a note that was a tenth of the pipeline's time. Here the targets' token bounds
are read once and a pair is handed to ``modifies`` only when the target lies in the modifier's
scope and the modifier can modify at all: exactly the pairs for which ``modifies`` may return
True, tried in the same order, so the edges and attributes are medspaCy's.
"""

# no `from __future__ import annotations`: spaCy resolves factory annotations at runtime

from medspacy.context import ConText, ConTextGraph, ConTextModifier
from spacy.language import Language
from spacy.tokens import Doc, Span

_INERT = ("TERMINATE", "PSEUDO")  # directions that never modify a target


class QuickGraph(ConTextGraph):  # type: ignore[misc]
    """A ConTextGraph whose ``apply_modifiers`` skips pairs that cannot be edges."""

    def apply_modifiers(self) -> None:
        targets: list[Span] = list(self.targets)
        bounds = [(t.start, t.end) for t in targets]
        modifiers: list[ConTextModifier] = self.modifiers
        if self.prune_on_modifier_overlap:  # a cue inside a term is part of the term
            for i in range(len(modifiers) - 1, -1, -1):
                m_start, m_end = modifiers[i].modifier_span
                if any(s <= m_start < e or s < m_end <= e for s, e in bounds):
                    modifiers.pop(i)
        active = [(m, *m.scope_span) for m in modifiers if m.direction not in _INERT]
        if active:
            for target, (start, end) in zip(targets, bounds, strict=True):
                for modifier, lo, hi in active:
                    # ``modifies`` requires the target to overlap the scope: test that first
                    if (lo <= start < hi or lo < end <= hi) and modifier.modifies(target):
                        modifier.modify(target)
        edges = []
        for modifier in modifiers:
            modifier.reduce_targets()
            for target in modifier._targets:
                edges.append((target, modifier))
        self.edges = edges


@Language.factory("codesuggest_context")
class QuickConText(ConText):  # type: ignore[misc]
    """medspaCy's ConText component with ``QuickGraph``; same configuration, same results."""

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        if targets:
            spans = getattr(doc._, targets)
        elif self.input_span_type == "ents":
            spans = doc.ents
        else:
            spans = doc.spans[self.span_group_name]
        graph = QuickGraph(prune_on_modifier_overlap=self.prune_on_target_overlap)
        graph.targets = spans
        graph.modifiers = []
        matcher = self._ConText__matcher  # medspaCy keeps it name-mangled
        vocab = self.nlp.vocab
        for match_id, start, end in matcher(doc):
            rule = matcher.rule_map[vocab[match_id].text]
            graph.modifiers.append(ConTextModifier(rule, start, end, doc, max_scope=self.max_scope))
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(graph.edges)
        doc._.context_graph = graph
        return doc
