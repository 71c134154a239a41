"""The candidate generators of the note's mentions: the codes the lexicon names
(:class:`LexiconCandidates`), the billable codes a coder would pick beneath a matched
category (:class:`HierarchyCandidates`), and the family- and personal-history codes of
conditions stated only for relatives or as past (:class:`HistoryCandidates`). The sides a
note states elsewhere, drug classes, statuses and user catalogs have generators of their own
(``candidates.laterality``, ``drug_class``, ``status``, ``catalog``); ``candidates.collect``
runs them all in order."""

from __future__ import annotations

import re
from itertools import chain

from codesuggest.candidates.assertion import CodeAssertions
from codesuggest.candidates.base import Candidate
from codesuggest.candidates.specific import EMPTY, Family, Support, sentence_of, title_defaults
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.normalize import content_words
from codesuggest.extract.qualifiers import NEGATION, PREFIXES, Qualifiers
from codesuggest.types import Assertion, Mention

_UNSPECIFIED = re.compile(r"\bunspecified\b", re.IGNORECASE)
_UNSPECIFIED_LEVELS = 3  # ancestors climbed from an unspecified code to a specified title


class LexiconCandidates:
    """Every code a matched lexicon key names becomes a candidate, with that mention."""

    name = "lexicon"

    def __init__(self, index: LexiconIndex) -> None:
        self.index = index

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        strength = getattr(self.index, "strength", None)  # indexes pickled before it: none
        paths = getattr(self.index, "paths", None)
        for m in mentions:
            for i, code in enumerate(m.codes):
                cand = pool.get(code)
                if cand is None:
                    cand = pool[code] = Candidate(code)
                source = m.sources[i] if m.sources else m.source
                cand.add_support(m, len(m.codes), source)
                cand.sources.add(self.name)
                if paths and source == "index":
                    path = paths.get((m.key, code), "")
                    if path and (not cand.index_path or len(path) < len(cand.index_path)):
                        cand.index_path = path
                if strength and (m.key, code) in strength:
                    cand.phrase_strength = max(cand.phrase_strength, strength[m.key, code])


class HierarchyCandidates:
    """A matched non-billable category proposes the billable codes below it that a coder would
    pick: the most specific ones its mentions' sentences support ("nondisplaced fracture of
    the right lateral malleolus" -> S82.64XA; ``candidates.specific``), or else the defaults
    when the note says no more (J18 -> J18.9); at most ``max_children`` per category."""

    name = "hierarchy"
    # the source of a child the note's words support: as good as a lexicon match of its title,
    # which a guessed default ("hierarchy" alone) is not
    supported_name = "specific"

    def __init__(self, codeset: Icd10Cm, max_children: int = 3) -> None:
        self.codeset = codeset
        self.max_children = max_children
        self._defaults: dict[str, list[str]] = {}
        self._families: dict[str, Family] = {}
        self._above: dict[str, tuple[str | None, bool]] = {}  # see ``_sibling_parent``
        self._fuller: dict[str, bool] = {}  # see ``_has_fuller_sibling``

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        seen = _Sentences()  # the note's sentences, read once
        for code, cand in list(pool.items()):
            if code not in self.codeset:
                continue
            if self.codeset.is_billable(code):
                children = self._beside_matched(code, cand, seen)
            else:
                children = self._children(code, cand, seen)
            for child, (source, indices) in children.items():
                target = pool.get(child)
                if target is None:
                    target = pool[child] = Candidate(child)
                    target.index_path = cand.index_path
                    supports = [s for s in cand.support if s.evidence]  # as ``cand.mentions``
                    target.support.extend(supports[i] for i in indices)
                target.sources.add(source)

    def _children(
        self,
        code: str,
        cand: Candidate,
        seen: _Sentences,
        *,
        supported_only: bool = False,
    ) -> dict[str, tuple[str, list[int]]]:
        """The children ``code`` proposes, each with its source and the indices of the
        mentions of ``cand`` behind it: the children the mentions' sentences support, else
        the defaults (behind every mention whose sentence does not contradict the category).
        ``supported_only``: only the supported children (a sentence that holds none of the
        family's words and denies nothing supports none, and is not read)."""
        family = self.family(code)
        supported: dict[str, list[int]] = {}
        agreeing = []  # the mentions whose sentence does not contradict the category's title
        for i, m in enumerate(cand.mentions):
            if supported_only and not seen.may_support(m, family):
                continue
            sentence, span = sentence_of(m, seen.read)
            if family.contradicted(sentence):
                continue
            agreeing.append(i)
            if not m.context:
                continue
            found = [
                s
                for s in family.supported(sentence, span, title_defaults(), checked=True)
                if s.said
            ]
            if not found:
                continue
            top = min(s.key()[:3] for s in found)
            tier = sorted((s for s in found if s.key()[:3] == top), key=Support.key)
            for s in tier[: self.max_children]:
                supported.setdefault(s.code, []).append(i)
        if supported:
            # a child another says more of ("nondisplaced fracture of the lateral malleolus",
            # then "... of the right lateral malleolus") is that child: its mentions join it
            fullest = family.fullest(supported)
            ranked = sorted(fullest.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            return {
                c: (self.supported_name, sorted(set(ix))) for c, ix in ranked[: self.max_children]
            }
        if not agreeing or supported_only:
            return {}
        return {c: (self.name, agreeing) for c in self.default_children(code)}

    def _beside_matched(
        self, code: str, cand: Candidate, seen: _Sentences
    ) -> dict[str, tuple[str, list[int]]]:
        """The siblings of a matched billable code that its mentions' sentences support and
        that say more than it: for an "unspecified" code ("fracture of unspecified lower leg"),
        the supported descendants of its nearest specified ancestor ("... right ankle" -> the
        right lower leg's code); for another, the supported siblings whose words include all of
        its own ("acute on chronic calculous cholecystitis": K80.12 beside K80.00 and K80.10)."""
        if not cand.mentions or "lexicon" not in cand.sources:
            return {}
        above, unspecified = self._sibling_parent(code)
        if above is None or not (unspecified or self._has_fuller_sibling(code, above)):
            return {}  # (two codes in three that are not unspecified have none)
        found = {
            c: v
            for c, v in self._children(above, cand, seen, supported_only=True).items()
            if c != code
        }
        if unspecified or not found:
            return found
        family = self.family(above)
        own = family.by_code.get(code)
        if own is None:
            return {}
        words = set(own.required)
        return {
            c: v
            for c, v in found.items()
            if c in family.by_code and words < set(family.by_code[c].required)
        }

    def _sibling_parent(self, code: str) -> tuple[str | None, bool]:
        """The code whose descendants are ``code``'s siblings (None: none) and whether
        ``code`` is "unspecified": its parent, or for an unspecified code its nearest
        ancestor whose title is not, within :data:`_UNSPECIFIED_LEVELS` (found once per code)."""
        found = self._above.get(code)
        if found is None:
            found = self._above[code] = self._find_sibling_parent(code)
        return found

    def _find_sibling_parent(self, code: str) -> tuple[str | None, bool]:
        unspecified = _UNSPECIFIED.search(self.codeset.title(code)) is not None
        above = self.codeset.parent(code)
        if unspecified:
            for _ in range(_UNSPECIFIED_LEVELS):
                if above is None or not _UNSPECIFIED.search(self.codeset.title(above)):
                    break
                above = self.codeset.parent(above)
            else:
                return None, unspecified
        return above, unspecified

    def _has_fuller_sibling(self, code: str, above: str) -> bool:
        """Whether a descendant of ``above`` requires all of the words ``code`` requires and
        more: a code that is not unspecified proposes no other sibling (found once per code)."""
        found = self._fuller.get(code)
        if found is None:
            family = self.family(above)
            own = family.by_code.get(code)
            words = set(own.required) if own is not None else set()
            found = self._fuller[code] = own is not None and any(
                words < set(d.required) for d in family.by_code.values()
            )
        return found

    def family(self, code: str) -> Family:
        """``code``'s billable descendants read against its title (built once per code)."""
        found = self._families.get(code)
        if found is None:
            found = self._families[code] = Family.of(code, self.codeset, title_defaults())
        return found

    def default_children(self, code: str) -> list[str]:
        """Billable descendants a coder would pick when the note says no more: those a
        sentence that says nothing supports (the unspecified child, the defaults of
        ``title_defaults.tsv``), else those whose title adds the fewest words to the
        category's."""
        if code not in self._defaults:
            self._defaults[code] = self._default_children(code)
        return self._defaults[code]

    def _default_children(self, code: str) -> list[str]:
        found = self.family(code).supported(EMPTY, (0, 0), title_defaults())
        if found:
            top = min(s.key()[:4] for s in found)
            tier = [s for s in found if s.key()[:4] == top]
            return [s.code for s in sorted(tier, key=Support.key)][: self.max_children]
        base = set(content_words(self.codeset.title(code)))
        # each child's words read once (sorting by the key, then keeping the fewest)
        ranked = sorted(
            _added_words(child, self.codeset.title(child), base)
            for child in self.codeset.billable_descendants(code, limit=200)
        )
        if not ranked:
            return []
        fewest = ranked[0][0]
        return [c for n, _, c in ranked if n == fewest][: self.max_children]


def _added_words(child: str, title: str, base: set[str]) -> tuple[int, int, str]:
    """How many words a child's ``title`` adds to its category's (``base``), its code's
    length, its code: the key a category's default children are chosen by."""
    return len(set(content_words(title)) - base), len(child), child


_HISTORY_COLUMNS = {Assertion.FAMILY: "family_history", Assertion.HISTORICAL: "personal_history"}


class HistoryCandidates:
    """A condition mentioned only for relatives, or only as past history, proposes its
    Z80-Z84 family-history or Z85-Z87 personal-history code, with the same evidence (which
    ``candidates.assertion`` reads as affirming it)."""

    name = "history"

    def __init__(self, history: HistoryMap, codeset: Icd10Cm) -> None:
        self.history = history
        self.codeset = codeset
        # what a mention asserts of its condition: "history of hypertension" is hypertension
        self.assertions = CodeAssertions(history)

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        of_condition = self.assertions.of_condition
        for code, cand in list(pool.items()):
            said = [of_condition(code, m) for m in cand.mentions]
            assertions = set(said)
            if len(assertions) == 1:
                picked = list(range(len(said)))
                column = _HISTORY_COLUMNS.get(said[0])
            elif Assertion.FAMILY in assertions:
                # a relative's condition is a family history whatever the patient's own
                # mentions say ("brother died of lung cancer ... r/o lung cancer": Z80.1)
                picked = [i for i, a in enumerate(said) if a is Assertion.FAMILY]
                column = _HISTORY_COLUMNS[Assertion.FAMILY]
            else:
                continue
            target_code = self.history.lookup(code, column) if column else None
            if target_code is None or target_code not in self.codeset:
                continue
            target = pool.get(target_code)
            if target is None:
                target = pool[target_code] = Candidate(
                    target_code, derived_from=code, derived_as=column or ""
                )
            if target.derived_from is None:
                continue  # the note names the history code itself
            # a mention the history code has already (from another condition its key names)
            # supports it again, by what the key says of this condition: counted once
            supports = [s for s in cand.support if s.evidence]  # as ``cand.mentions``
            for i in picked:
                support = supports[i]
                again = support.mention in target.mentions
                target.support.append(support.set_aside() if again else support)
            target.sources.add(self.name)


class _Sentences:
    """The sentences of one note as the hierarchy reads them, each once: their qualifiers
    (``candidates.specific.sentence_of``) and their words and marks as a set."""

    __slots__ = ("marks", "read")

    def __init__(self) -> None:
        self.read: dict[int, Qualifiers] = {}  # by ``id`` of a mention's shared context
        self.marks: dict[int, frozenset[str]] = {}

    def may_support(self, m: Mention, family: Family) -> bool:
        """Whether ``m``'s sentence may support a child of ``family``: it holds one of the
        words the family's children require or list, or it denies something (a stated denial
        counts as said) and holds a word of a child's denial or a prefix ("non-") that may
        make one of the family's words."""
        context = m.context
        marks = self.marks.get(id(context))
        if marks is None:
            marks = self.marks[id(context)] = frozenset(chain.from_iterable(context))
        if not family.vocabulary.isdisjoint(marks):
            return True
        return NEGATION in marks and not (
            family.denied_vocabulary.isdisjoint(marks) and PREFIXES.isdisjoint(marks)
        )
