"""Procedure mentions: the operation a note names ("laparoscopic appendectomy", "excision
of", "CT of the abdomen"), the body part and approach words around it, and whether the
procedure was performed in this encounter or is planned, historical, cancelled or refused.

The knowledge is data (``extract/data/procedure_*``): operation words -> ICD-10-PCS code or
pattern, body-part words -> the words PCS body part values use, approach words -> approach
values, and the status cues. Codes are chosen from these by ``candidates.procedures``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from spacy.tokens import Doc

from codesuggest.errors import ConfigError
from codesuggest.types import Assertion

PERFORMED, PLANNED, HISTORICAL, CANCELLED, REFUSED = (
    "performed",
    "planned",
    "historical",
    "cancelled",
    "refused",
)
STATUSES = (PERFORMED, PLANNED, HISTORICAL, CANCELLED, REFUSED)
# how a procedure's status reads as a mention's assertion (the rules read both)
ASSERTION = {
    PERFORMED: Assertion.PRESENT,
    PLANNED: Assertion.HYPOTHETICAL,
    HISTORICAL: Assertion.HISTORICAL,
    CANCELLED: Assertion.NEGATED,
    REFUSED: Assertion.NEGATED,
}
_CHECK_ORDER = (REFUSED, CANCELLED, PLANNED, PERFORMED, HISTORICAL)
NUMBER = re.compile(r"\d+")  # a cue's "#": a number ("HD4", "POD 2")
_WINDOW = 60  # characters around the operation words read for body part and approach
_CLAUSE_END = re.compile(r"[;.:]\s|\n|\bbut\b|\band then\b")
_WORD = re.compile(r"[a-z0-9][a-z0-9/'-]*")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")  # ``[a-z]``
_WORD_BEFORE = _LETTERS | {"-"}  # ``[a-z-]``: the characters of a word read before an operation
_STOP = r"with|without|using|showed|shows|was|were|is|on|for|and then|revealed|demonstrated"
_OF = re.compile(
    rf" (?:of|to|on|in) (?:the |his |her |a |an )?(?:(?!{_STOP}\b)[a-z-]+ ?){{1,5}}(?<! )"
)


@dataclass(frozen=True)
class ProcedureMention:
    """One procedure named in a note: where, what the note says of it, and its status."""

    start: int
    end: int
    text: str
    pcs: str  # a code, a code prefix or a pattern with "_" (procedure_operations.tsv)
    body: tuple[str, ...]  # the words that may name its body part, PCS spellings read in
    approach: str  # an approach value ("4") or "" when the note states none
    status: str
    sentence: int

    @property
    def assertion(self) -> Assertion:
        return ASSERTION[self.status]


def _rows(name: str, columns: tuple[str, ...], required: int = 2) -> list[tuple[str, ...]]:
    """The rows of data file ``name``: its header must be ``columns``; the first
    ``required`` fields of a row must be filled, the others may be empty."""
    text = resources.files("codesuggest.extract").joinpath("data", name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise ConfigError(f"{name}: the header must be {' '.join(columns)}")
    out = []
    for n, line in enumerate(lines[1:], start=2):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != len(columns) or not all(parts[:required]):
            raise ConfigError(f"{name}: line {n} needs {len(columns)} tab-separated fields")
        out.append((parts[0].lower(), *parts[1:]))
    return out


@dataclass(frozen=True)
class Operation:
    """What an operation phrase stands for (a row of procedure_operations.tsv)."""

    pcs: str
    body: tuple[str, ...]  # body-part words it implies
    approach: str  # its approach when the note states none ("": none)


@cache
def operations() -> dict[str, Operation]:
    """Operation phrase -> its PCS code, prefix or pattern and what it implies."""
    rows = _rows("procedure_operations.tsv", ("phrase", "pcs", "body", "approach"))
    return {r[0]: Operation(r[1], tuple(r[2].lower().split()), r[3]) for r in rows}


@cache
def body_parts() -> dict[str, str]:
    """A note's body-part phrase -> the words PCS body part values use."""
    return {r[0]: r[1] for r in _rows("procedure_body_parts.tsv", ("phrase", "meaning"))}


@cache
def approaches() -> dict[str, str]:
    """Approach phrase -> PCS approach value."""
    return {r[0]: r[1] for r in _rows("procedure_approaches.tsv", ("phrase", "value"))}


@cache
def status_cues() -> dict[str, dict[str, tuple[str, ...]]]:
    """Status -> where the cue stands (before, after, either) -> cue phrases."""
    text = resources.files("codesuggest.extract").joinpath("data", "procedure_status.json")
    data = json.loads(text.read_text("utf-8"))
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for status, where in data["statuses"].items():
        if status not in _CHECK_ORDER or set(where) - {"before", "after", "either"}:
            raise ConfigError(f"procedure_status.json: unknown status or place in {status!r}")
        out[status] = {k: tuple(v.lower() for v in cues) for k, cues in where.items()}
    return out


_Trie = dict[str, "_Trie"]  # next character -> the rest; "" marks a phrase's end


def _alternation(phrases: list[str], words: bool = True) -> re.Pattern[str]:
    """One pattern finding any of ``phrases`` as whole words, the longest at a place: group 1
    is the phrase. The phrases are merged into a trie ("appendectomy", "appendix" share
    "append"), so each place is read once rather than once per phrase (two to three times
    faster on notes than a plain alternation, with the same matches). ``words=False``: any
    of them anywhere, inside other words too."""
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    if not words:
        return re.compile("(" + _trie_pattern(trie, "") + ")")
    return re.compile(r"(?<![a-z0-9])(" + _trie_pattern(trie) + ")")


def _trie_pattern(node: _Trie, word_end: str = "(?![a-z0-9])") -> str:
    """The pattern of a trie node: longer phrases tried before the one ending here, so the
    longest phrase that ends at a word's end wins (a shorter one when the longer does not)."""
    alts = [
        re.escape(ch) + _trie_pattern(child, word_end) for ch, child in sorted(node.items()) if ch
    ]
    if "" in node:
        alts.append(word_end)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        _alternation(list(operations())),
        _alternation(list(body_parts())),
        _alternation(list(approaches())),
    )


def names_procedure(text: str) -> bool:
    """Whether ``text`` names an operation the procedure reader knows ("appendectomy", "CT of
    the chest", "biopsy"): a code search for it should list procedure codes too."""
    return _patterns()[0].search(text.lower()) is not None


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """One pattern finding any of ``phrases`` as whole words, longest first."""
    return _alternation(phrases)


@cache
def _status_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(status, place, one pattern for all its cues there), in the order they are tried."""
    cues = status_cues()
    return tuple(
        (status, place, _alternation(list(cues[status][place])))
        for status in _CHECK_ORDER
        for place in ("either", "before", "after")
        if cues.get(status, {}).get(place)
    )


@cache
def _any_cue() -> re.Pattern[str]:
    """A pattern finding any status cue anywhere, inside other words too."""
    cues = status_cues()
    return _alternation([c for places in cues.values() for v in places.values() for c in v], False)


def _cued(sentence: str) -> str | None:
    """The sentence with its numbers read as "#", as cues are written, when a status cue is in
    it; None when none is: no cue is then before, after or around any operation it names (the
    part before or after an operation, numbers read as "#", is a part of the whole so read)."""
    marked = NUMBER.sub("#", sentence)
    return marked if _any_cue().search(marked) else None


def _status(sentence: str, start: int, end: int, marked: str | None) -> str:
    """The status the cues of the sentence give a procedure named at ``start:end``; ``marked``:
    ``_cued(sentence)``."""
    if marked is None:
        return PERFORMED
    text = {
        "either": marked,
        "before": NUMBER.sub("#", sentence[:start]),
        "after": NUMBER.sub("#", sentence[end:]),
    }
    for status, place, pattern in _status_patterns():
        if pattern.search(text[place]):
            return status
    return PERFORMED


def find_procedures(
    text: str, sentences: list[tuple[int, int]] | None = None
) -> list[ProcedureMention]:
    """The procedure mentions of ``text``, sentence by sentence (character bounds; None: the
    text is split at full stops and line breaks)."""
    ops, parts, ways = _patterns()
    lower = text.lower()
    if sentences is None:
        sentences = _split(lower)
    named, ways_of = operations(), approaches()
    out: list[ProcedureMention] = []
    for n, (s_start, s_end) in enumerate(sentences):
        sentence = lower[s_start:s_end]
        found = list(ops.finditer(sentence))
        if not found:
            continue
        marked = _cued(sentence)  # read once for all its operations
        for m in found:
            lo, hi = _clause(sentence, m.start(), m.end())
            window = sentence[lo:hi]
            operation = named[m.group(1)]
            body = _body_words(window, parts, operation.body)
            way = next((ways_of[a.group(1)] for a in ways.finditer(window)), "")
            way = way or operation.approach
            start, end = _extent(sentence, m.start(), m.end())
            out.append(
                ProcedureMention(
                    start=s_start + start,
                    end=s_start + end,
                    text=text[s_start + start : s_start + end],
                    pcs=operation.pcs,
                    body=body,
                    approach=way,
                    status=_status(sentence, m.start(), m.end(), marked),
                    sentence=n,
                )
            )
    return out


def _extent(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The evidence span of an operation: its words, an approach or body-part word just
    before ("laparoscopic appendectomy", "abdominal ultrasound") and the body part it is "of"
    ("CT of the abdomen and pelvis")."""
    before = _word_before(sentence, start)
    if before is not None and _modifies(sentence[before[0] : before[1]]):
        start = before[0]
    after = _OF.match(sentence, end)
    if after:
        end = after.end()
    return start, end


def _word_before(sentence: str, at: int) -> tuple[int, int] | None:
    """The bounds of the word just before ``at`` (None: none), read backwards from it: a
    letter, then letters and hyphens, then whitespace up to ``at``; what the pattern
    ``([a-z][a-z-]*)\\s+$`` finds in ``sentence[:at]``, without reading the sentence from
    its start."""
    end = at
    while end > 0 and sentence[end - 1].isspace():
        end -= 1
    if end == at:
        return None
    start = end
    while start > 0 and sentence[start - 1] in _WORD_BEFORE:
        start -= 1
    while start < end and sentence[start] not in _LETTERS:  # a letter starts it, no hyphen
        start += 1
    return (start, end) if start < end else None


@lru_cache(maxsize=8192)
def _modifies(word: str) -> bool:
    """Whether ``word``, just before an operation, is an approach or a body part."""
    _, parts, ways = _patterns()
    return ways.fullmatch(word) is not None or parts.fullmatch(word) is not None


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The words around an operation that may name its body part and approach: up to
    ``_WINDOW`` characters each side, within its clause."""
    lo = max(0, start - _WINDOW)
    hi = min(len(sentence), end + _WINDOW)
    for m in _CLAUSE_END.finditer(sentence, lo, hi):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def _body_words(window: str, parts: re.Pattern[str], implied: tuple[str, ...]) -> tuple[str, ...]:
    """The words of ``window``, the PCS words of the body parts it names, then the
    ``implied`` body-part words of the operation, each once."""
    words = _WORD.findall(window)
    meanings = body_parts()
    for m in parts.finditer(window):
        words.extend(meanings[m.group(1)].split())
    words.extend(implied)
    return tuple(dict.fromkeys(words))


def _split(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in re.finditer(r"\.\s|\n", text):
        out.append((start, m.start() + 1))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def doc_procedures(doc: Doc, text: str | None = None) -> list[ProcedureMention]:
    """The procedure mentions of a processed note, by its sentences; ``text``: the text the
    note was made from (None: rebuilt from the tokens)."""
    bounds = getattr(doc._, "codesuggest_sentences", None)
    sentences = None
    if bounds:
        sentences = [
            (doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for s, e in bounds if e > s
        ]
    return find_procedures(doc.text if text is None else text, sentences)
