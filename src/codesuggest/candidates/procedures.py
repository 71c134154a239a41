"""ICD-10-PCS candidates from the procedures a note names (``extract.procedures``), built
from the code structure: the operation's section and root operation, the table value whose
body-part meaning holds the note's body-part words, the approach the note states, then the
codes of that table row with the fewest further details (no device, no qualifier).

A procedure gives its complete codes and the row of its table they share (4 characters, as
CodiEsp labels some procedures): the row is a label a trained model may know; the rules
never recommend it (``pcs-incomplete``)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10pcs import Icd10Pcs
from codesuggest.codesets.systems import PCS
from codesuggest.extract.procedures import ProcedureMention
from codesuggest.types import Mention

SOURCE = "procedure"
MAX_ROWS = 2  # body-part values kept per procedure when several match as well
# words of PCS body part meanings that a note's body-part words need not repeat
_LOOSE = frozenset({"and", "of", "or", "the", "right", "left", "bilateral", "region", "other"})
_WORD = re.compile(r"[a-z0-9]+")
# an approach to fall back on when the note states none, best first
_DEFAULT_APPROACH = "0X3487F"
_APPROACH_SECTIONS = frozenset("012X")  # character 5 is an approach, not a contrast
_CHOSEN_LIMIT = 50_000  # procedures whose codes are kept


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_SIDES = frozenset({"right", "left", "bilateral"})


def _side_score(words: frozenset[str], body: frozenset[str]) -> float:
    """How well a value's side ("Kidney, Right", "Bilateral Kidneys") fits the note's: the
    side the note states, else both sides or none."""
    said = body & _SIDES
    side = words & _SIDES
    if said:
        return 0.5 if side and side <= said else -0.2 if side else 0.0
    return -0.2 if side & {"right", "left"} else 0.1 if side else 0.0


class ProcedureCodes:
    """Chooses the codes of procedure mentions from one ICD-10-PCS release."""

    def __init__(self, pcs: Icd10Pcs) -> None:
        self.pcs = pcs
        tables: dict[tuple[str, str], list[str]] = defaultdict(list)  # (section, op) -> tables
        rows: dict[str, set[str]] = defaultdict(set)  # table -> body part values
        for code in pcs.codes():
            rows[code[:3]].add(code[3])
        for table in rows:
            tables[(table[0], table[2])].append(table)
        self._tables = dict(tables)
        self._rows = {t: sorted(v) for t, v in rows.items()}
        # per table: each body-part value's meaning words, and the values each word is in
        self._values: dict[str, dict[str, list[tuple[str, frozenset[str]]]]] = {}
        # the codes of each (pattern, body words that choose, approach) met so far
        self._chosen: dict[tuple[str, frozenset[str], str], tuple[str, ...]] = {}
        self._words: dict[str, frozenset[str]] = {}  # see ``_vocabulary``
        self._meanings: dict[str, frozenset[str]] = {}  # see ``_meaning_words``

    def _by_word(self, table: str) -> dict[str, list[tuple[str, frozenset[str]]]]:
        found = self._values.get(table)
        if found is None:
            found = defaultdict(list)
            for value in self._rows[table]:
                words = self._meaning_words(self.pcs.meaning(table, 4, value))
                for word in words - _LOOSE:
                    found[word].append((value, words))
            self._values[table] = found
        return found

    def _meaning_words(self, meaning: str) -> frozenset[str]:
        """The words of a body part value's meaning, stemmed: read once for each meaning
        (tables share many: "Kidney, Right")."""
        found = self._meanings.get(meaning)
        if found is None:
            words = _WORD.findall(meaning.lower())
            found = self._meanings[meaning] = frozenset(_stem(w) for w in words)
        return found

    def _tables_of(self, pattern: str) -> list[str]:
        """The tables whose body-part values a pattern's body words choose among."""
        if "_" in pattern:
            return self._tables.get((pattern[0], pattern[2]), [])
        return [pattern] if pattern in self._rows else []

    def _vocabulary(self, pattern: str) -> frozenset[str]:
        """Every word that can choose among a pattern's body-part values (sides included)."""
        found = self._words.get(pattern)
        if found is None:
            words = set(_SIDES)
            for table in self._tables_of(pattern):
                words.update(self._by_word(table))
            found = self._words[pattern] = frozenset(words)
        return found

    def _body(self, proc: ProcedureMention) -> frozenset[str]:
        """The procedure's body words that can choose its table row: a row named by the
        pattern itself needs none."""
        if "_" not in proc.pcs and len(proc.pcs) >= 4:
            return frozenset()
        return frozenset(_stem(w) for w in proc.body) & self._vocabulary(proc.pcs)

    def rows(self, proc: ProcedureMention) -> list[str]:
        """The table rows (4 characters) the procedure names, best first."""
        return self._rows_of(proc.pcs, self._body(proc))

    def _rows_of(self, pattern: str, body: frozenset[str]) -> list[str]:
        if "_" not in pattern and len(pattern) >= 4:
            return [pattern[:4]] if self.pcs.resolve(pattern[:4]) else []
        scored = {}
        for table in self._tables_of(pattern):
            by_word = self._by_word(table)
            for word in by_word.keys() & body:
                for value, words in by_word[word]:
                    needed = words - _LOOSE
                    if needed <= body:
                        scored[table + value] = len(needed) + _side_score(words, body)
        ranked = sorted(scored.items(), key=lambda s: (-s[1], s[0]))
        best = ranked[0][1] if ranked else 0
        return [row for row, score in ranked if score >= best][:MAX_ROWS]

    def codes(self, proc: ProcedureMention) -> tuple[str, ...]:
        """The complete codes of the procedure (a complete code in the data is itself), then
        the rows of its table they belong to: chosen once for each pattern, approach and the
        body words that can choose a row (notes name the same procedures again and again)."""
        if len(proc.pcs) == 7 and proc.pcs in self.pcs:
            return (proc.pcs, proc.pcs[:4])
        key = (proc.pcs, self._body(proc), proc.approach)
        found = self._chosen.get(key)
        if found is None:
            if len(self._chosen) >= _CHOSEN_LIMIT:  # a long-running service meets ever more
                self._chosen.clear()
            found = self._chosen[key] = tuple(self._codes(*key))
        return found

    def _codes(self, pattern: str, body: frozenset[str], approach: str) -> list[str]:
        out: list[str] = []
        for row in self._rows_of(pattern, body):
            prefix = pattern if len(pattern) > 4 and "_" not in pattern else row
            code = self._complete(prefix, approach)
            if code is not None:
                out.append(code)
            out.append(row)
        return list(dict.fromkeys(out))

    def _complete(self, prefix: str, approach: str) -> str | None:
        codes = self.pcs.billable_descendants(prefix, limit=400)
        if not codes:
            return None
        if approach:
            stated = [c for c in codes if c[4] == approach]
            codes = stated or codes

        details = 5 if prefix[0] in _APPROACH_SECTIONS else 4  # imaging: contrast stated

        def rank(code: str) -> tuple[int, int, str]:
            way = _DEFAULT_APPROACH.find(code[4]) if details == 5 else 0
            plain = sum(ch == "Z" for ch in code[details:])
            return (-plain, way if way >= 0 else 9, code)

        return min(codes, key=rank)


@cache
def _resolver(pcs: Icd10Pcs) -> ProcedureCodes:
    return ProcedureCodes(pcs)


def procedure_candidates(
    procs: list[ProcedureMention], pcs: Icd10Pcs, section_of: dict[int, str] | None = None
) -> list[Candidate]:
    """A candidate per code the note's procedures name, each with its mentions."""
    resolver = _resolver(pcs)
    pool: dict[str, Candidate] = {}
    for proc in procs:
        codes = resolver.codes(proc)
        if not codes:
            continue
        mention = Mention(
            start=proc.start,
            end=proc.end,
            text=proc.text,
            section=(section_of or {}).get(proc.start, "none"),
            assertion=proc.assertion,
            codes=codes,
            kind="contiguous",
            source=SOURCE,
            n_words=len(proc.text.split()),
            sentence=proc.sentence,
            basis=f"procedure:{proc.status}",
        )
        for code in codes:
            cand = pool.get(code)
            if cand is None:
                title = pcs.title(code)
                cand = pool[code] = Candidate(
                    code,
                    system=PCS,
                    title=title,
                    billable=pcs.is_billable(code),
                    title_words=max(1, len(title.split())),
                )
            cand.add_support(mention, len(codes), SOURCE)
            cand.sources.add(SOURCE)
    return list(pool.values())
