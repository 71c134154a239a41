"""The candidate generators: lexicon matches and the code hierarchy."""

from __future__ import annotations

from codesuggest.candidates.base import Candidate, register
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import LexiconIndex
from codesuggest.types import Assertion, Mention


@register("codesuggest.lexicon_candidates.v1")
class LexiconCandidates:
    """Every code a matched lexicon key names becomes a candidate, with that mention."""

    name = "lexicon"

    def __init__(self, index: LexiconIndex) -> None:
        self.index = index

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        for m in mentions:
            for code in m.codes:
                cand = pool.get(code)
                if cand is None:
                    cand = pool[code] = Candidate(code)
                cand.mentions.append(m)
                cand.sources.add(self.name)
                cand.key_sizes.append(len(m.codes))
                cand.lexicon_sources.append(m.source)


@register("codesuggest.hierarchy_candidates.v1")
class HierarchyCandidates:
    """A matched non-billable category proposes its billable "unspecified" default children."""

    name = "hierarchy"

    def __init__(self, codeset: Icd10Cm, max_children: int = 3) -> None:
        self.codeset = codeset
        self.max_children = max_children

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        for code, cand in list(pool.items()):
            if code not in self.codeset or self.codeset.is_billable(code):
                continue
            for child in self.default_children(code):
                target = pool.get(child)
                if target is None:
                    target = pool[child] = Candidate(child)
                    target.mentions.extend(cand.mentions)
                    target.key_sizes.extend(cand.key_sizes)
                    target.lexicon_sources.extend(cand.lexicon_sources)
                target.sources.add(self.name)

    def default_children(self, code: str) -> list[str]:
        """Billable descendants a coder would pick when the note says no more."""
        children = self.codeset.billable_descendants(code, limit=200)
        plain = [c for c in children if "unspecified" in self.codeset.title(c).lower()]
        ranked = plain or children
        return sorted(ranked, key=len)[: self.max_children]


_HISTORY_COLUMNS = {Assertion.FAMILY: "family_history", Assertion.HISTORICAL: "personal_history"}


@register("codesuggest.history_candidates.v1")
class HistoryCandidates:
    """A condition mentioned only for relatives, or only as past history, proposes its
    Z80-Z84 family-history or Z85-Z87 personal-history code, with the same evidence."""

    name = "history"

    def __init__(self, history: HistoryMap, codeset: Icd10Cm) -> None:
        self.history = history
        self.codeset = codeset

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        for code, cand in list(pool.items()):
            assertions = {m.assertion for m in cand.mentions}
            if len(assertions) != 1:
                continue
            column = _HISTORY_COLUMNS.get(next(iter(assertions)))
            target_code = self.history.lookup(code, column) if column else None
            if target_code is None or target_code not in self.codeset:
                continue
            target = pool.get(target_code)
            if target is None:
                target = pool[target_code] = Candidate(target_code, derived_from=code)
            if target.derived_from is None:
                continue  # the note names the history code itself
            target.mentions.extend(m for m in cand.mentions if m not in target.mentions)
            target.key_sizes.extend(cand.key_sizes)
            target.lexicon_sources.extend(cand.lexicon_sources)
            target.sources.add(self.name)
