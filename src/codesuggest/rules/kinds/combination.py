"""Combination codes (OCG I.A.15, I.B.9, I.B.11, I.C.4, I.C.9.a): two recommended codes that
ICD-10-CM reports as one; a combination code that supersedes its components and the codes it
contradicts; and "with"/"without" in a note's sentence choosing between sibling titles."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from codesuggest.candidates.generators import HierarchyCandidates
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.base import (
    Kind,
    Rule,
    Scored,
    affirmed,
    documented_candidate,
    fire,
    vagueness,
)
from codesuggest.rules.tables import prefixes, read_table
from codesuggest.types import Assertion, Note, Suggestion

_COMBO_KEYS = {"all_of", "code", "replaces"}


def _check_combinations(params: dict[str, Any]) -> None:
    for combo in params["combinations"]:
        if set(combo) != _COMBO_KEYS:
            raise ConfigError(f"a combination has exactly the keys {sorted(_COMBO_KEYS)}: {combo}")


def _combination(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Recommended codes that ICD-10-CM reports as one combination code. With
    ``documented_min_confidence``, a component may also be a code the note documents (a
    present mention, that confident, no rule has withdrawn it) beside a recommended one:
    "hypertensive heart & CKD w/ chronic systolic HF" read as I13.0 below its threshold, beside
    a recommended N18.6, is I13.2."""
    floor = rule.params.get("documented_min_confidence")
    categories = {s.suggestion.code[:3] for s in items if s.suggestion.recommended}
    if floor is not None:
        categories |= {
            s.suggestion.code[:3] for s in items if documented_candidate(s, float(floor), cs)
        }
    for combo in rule.params["combinations"]:
        parts = combo["all_of"]
        # (the first part's category alone rules out nearly every combination of a note)
        if parts and parts[0][:3] not in categories:
            continue
        if not all(p[:3] in categories for p in parts):
            continue
        found = []
        for prefix in combo["all_of"]:
            match = next(
                (
                    s
                    for s in items
                    if s.suggestion.recommended and s.suggestion.code.startswith(prefix)
                ),
                None,
            )
            if match is None and floor is not None:
                match = max(
                    (
                        s
                        for s in items
                        if s.suggestion.code.startswith(prefix)
                        and documented_candidate(s, float(floor), cs)
                    ),
                    key=lambda s: s.suggestion.confidence,
                    default=None,
                )
            if match is None:
                break
            found.append(match)
        else:
            coded = [s.suggestion.confidence for s in found if s.suggestion.recommended]
            if not coded:
                continue  # documented codes alone: the model read none of them as coded
            target = combo["code"]
            if target not in cs:
                continue
            target = _most_specific(target, items, cs)
            replaced = [s for s in found if s.suggestion.code in combo["replaces"]]
            existing = next((s for s in items if s.suggestion.code == target), None)
            if existing is not None:
                # a candidate already: recommended unless another rule has decided on it
                if not existing.suggestion.recommended and not existing.suggestion.rules:
                    existing.suggestion.recommended = True
                    # it takes the place of its components: at least as confident as they
                    existing.suggestion.confidence = max(existing.suggestion.confidence, min(coded))
                    combines = " + ".join(s.suggestion.code for s in found)
                    fire(existing, rule, flag=f"combines {combines}")
                    for s in replaced:
                        fire(s, rule, withdraw=True, flag=f"reported in combination code {target}")
                continue
            merged = Suggestion(
                code=target,
                system=found[0].suggestion.system,
                description=cs.title(target),
                confidence=min(coded),
                recommended=True,
                evidence=[e for s in found for e in s.suggestion.evidence],
                flags=[f"combines {' + '.join(s.suggestion.code for s in found)}"],
                rules=[rule.name],
            )
            for s in replaced:
                fire(s, rule, withdraw=True, flag=f"reported in combination code {target}")
            items.append(Scored(merged, found[0].candidate))
            categories.add(target[:3])
    return items


_SPECIFIC_SOURCE = HierarchyCandidates.supported_name  # a child the note's words support


def _most_specific(target: str, items: list[Scored], cs: Icd10Cm) -> str:
    """A combination code at the level of detail the note supports (OCG I.B.2, I.B.18): for an
    "unspecified" target ("... affecting unspecified side"), the most confident code beside it
    in its subcategory that says more, when the note's words support that code (a candidate
    of source "specific": "residual right hemiparesis" -> I69.351, "right" read as dominant by
    OCG I.C.6.a) in a present mention and no rule has marked it; else the target."""
    vague = vagueness(cs.title(target))
    if not vague:
        return target
    parent = cs.parent(target)
    best: Scored | None = None
    for s in items:
        code = s.suggestion.code
        if (
            _SPECIFIC_SOURCE not in s.candidate.sources
            or code == target
            or s.suggestion.rules
            or code not in cs
            or cs.parent(code) != parent
            or not documented_candidate(s, 0.0, cs)
            or vagueness(cs.title(code)) >= vague
        ):
            continue
        if best is None or s.suggestion.confidence > best.suggestion.confidence:
            best = s
    return target if best is None else best.suggestion.code


SUPERSEDES_COLUMNS = ("code", "supersedes", "cite", "comment")


def _check_table(columns: tuple[str, ...]) -> Any:
    def check(params: dict[str, Any]) -> None:
        read_table(params["table"], columns)

    return check


@cache
def _rows_by_prefix(table: str, column: str) -> dict[str, tuple[int, ...]]:
    """A prefix of the table's ``column`` -> the rows (by position) that name it there."""
    out: dict[str, list[int]] = {}
    for i, row in enumerate(read_table(table, SUPERSEDES_COLUMNS)):
        for p in prefixes(row[column]):
            out.setdefault(p, []).append(i)
    return {p: tuple(rows) for p, rows in out.items()}


@lru_cache(maxsize=65_536)
def _rows_naming(table: str, column: str, code: str) -> frozenset[int]:
    """The rows of the table whose ``column`` holds a prefix of ``code`` (found once per code:
    every note asks of each of its codes)."""
    by_prefix = _rows_by_prefix(table, column)
    found: set[int] = set()
    for k in range(1, len(code) + 1):
        rows = by_prefix.get(code[:k])
        if rows:
            found.update(rows)
    return frozenset(found)


def _supersedes(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A recommended, billable code of a row's prefixes withdraws the recommended codes it
    supersedes (a category beside its own code is the parent-child rule's). With
    ``promote_min_confidence``, a superseding candidate the note documents beside a
    recommended code it supersedes is recommended first (``_promote_winners``)."""
    rows = read_table(rule.params["table"], SUPERSEDES_COLUMNS)
    if "promote_min_confidence" in rule.params:
        floor = float(rule.params["promote_min_confidence"])
        _promote_winners(rule, items, rule.params["table"], cs, floor)
    # the codes that may supersede: affirmed, billable, of some row's prefixes; the rows they
    # may win (the others have no winner in the note)
    table = rule.params["table"]
    able = []
    won: set[int] = set()
    for s in items:
        code = s.suggestion.code
        found = _rows_naming(table, "code", code)
        if found and affirmed(s) and code in cs and cs.is_billable(code):
            able.append(s)
            won |= found
    if not able:
        return items
    for i in sorted(won):
        row = rows[i]
        winners, losers = prefixes(row["code"]), prefixes(row["supersedes"])
        by = next(
            (
                s
                for s in able
                if s.suggestion.code.startswith(winners)
                and not s.suggestion.code.startswith(losers)
            ),
            None,
        )
        if by is None:
            continue
        code = by.suggestion.code
        for s in items:
            c = s.suggestion.code
            if s.suggestion.recommended and c.startswith(losers):
                title = by.suggestion.description
                flag = f"superseded by {code} ({title}): {row['comment']} - {row['cite']}"
                fire(s, rule, withdraw=True, flag=flag)
    return items


def _promote_winners(
    rule: Rule, items: list[Scored], table: str, cs: Icd10Cm, floor: float
) -> None:
    """For each row with a recommended code it supersedes, the best candidate of its winners
    that the note documents for the same condition is recommended: a present mention that
    overlaps a present mention of the superseded code and says a word it does not
    ("Community-acquired pneumonia, probably pneumococcal": J13 over J18.9). Candidates another
    rule has marked, or below ``floor``, are left; of several, the most confident."""
    live = [s for s in items if s.suggestion.recommended]
    if not live:
        return
    rows = read_table(table, SUPERSEDES_COLUMNS)
    # the rows a recommended code loses by (the others beat nothing in the note)
    lost = set().union(*(_rows_naming(table, "supersedes", s.suggestion.code) for s in live))
    for i, row in enumerate(rows):
        if i not in lost:
            continue
        winners, losers = prefixes(row["code"]), prefixes(row["supersedes"])
        beaten = [s for s in live if s.suggestion.code.startswith(losers)]
        if not beaten or any(
            s.suggestion.code.startswith(winners) and not s.suggestion.code.startswith(losers)
            for s in live
        ):
            continue
        best: Scored | None = None
        for s in items:
            code = s.suggestion.code
            if (
                s.suggestion.recommended
                or s.suggestion.rules
                or s.suggestion.confidence < floor
                or not code.startswith(winners)
                or code.startswith(losers)
                or code not in cs
                or not cs.is_billable(code)
                or not any(_says_more(s, b) for b in beaten)
            ):
                continue
            if best is None or s.suggestion.confidence > best.suggestion.confidence:
                best = s
        if best is not None:
            best.suggestion.recommended = True
            # it takes the place of the codes it supersedes: at least as confident as they
            beaten_confidence = max(b.suggestion.confidence for b in beaten)
            best.suggestion.confidence = max(best.suggestion.confidence, beaten_confidence)
            live.append(best)
            lost |= _rows_naming(table, "supersedes", best.suggestion.code)
            named = ", ".join(b.suggestion.code for b in beaten)
            fire(best, rule, flag=f"documented beside {named}, which it supersedes")


def _says_more(s: Scored, other: Scored) -> bool:
    """Whether a present mention of ``s`` says more of what a present mention of ``other``
    says: it overlaps one and holds a word none of them does, or it holds every word of one
    and more ("Alcohol use disorder, moderate, in sustained remission" in the assessment beside
    "Alcohol use disorder (moderate" in the history)."""
    theirs = [m for m in other.candidate.mentions if m.assertion is Assertion.PRESENT]
    if not theirs:
        return False
    words = {w for m in theirs for w in _TOKEN.findall(m.text.lower())}
    each = [set(_TOKEN.findall(t.text.lower())) for t in theirs]
    for m in s.candidate.mentions:
        if m.assertion is not Assertion.PRESENT:
            continue
        mine = set(_TOKEN.findall(m.text.lower()))
        if any(m.start < t.end and t.start < m.end for t in theirs) and mine - words:
            return True
        if any(w < mine for w in each):
            return True
    return False


# "with"/"without" phrases of titles and sentences
_SENT_END = ".!?;\n"
_SENT_BREAK = re.compile(r"[.!?;\n]")
_TOKEN = re.compile(r"[a-z0-9]+")
_PHRASE_END = re.compile(r",|\(|\band\b|\bwith\b|\bwithout\b|\bdue to\b|\bin\b|\bor\b")
_STOP = {"a", "an", "the", "of", "any", "acute"}
_NEGATIVE = {"without", "no", "denies", "not"}
_MAX_WORDS = 3
_LEADS = frozenset({"with", "withou", "no", "not", "denies"})  # their stems (_stem)


def _stem(word: str) -> str:
    return word[:6]


@cache
def _phrases(title: str, word: str) -> tuple[tuple[str, ...], ...]:
    """The first words of the phrases after each ``word`` ("with"/"without") in a title."""
    out = []
    low = title.lower().replace("(", " ").replace(")", " ")
    for m in re.finditer(rf"\b{word}\b", low):
        rest = low[m.end() :]
        cut = _PHRASE_END.search(rest)
        phrase = rest[: cut.start()] if cut else rest
        words = [w for w in _TOKEN.findall(phrase) if w not in _STOP][:_MAX_WORDS]
        if words:
            out.append(tuple(words))
    return tuple(out)


def _names(title: str, word: str, words: tuple[str, ...]) -> bool:
    """Whether the title says ``word`` followed by ``words`` (compared by stem)."""
    wanted = tuple(map(_stem, words))
    return any(tuple(map(_stem, p)) == wanted for p in _phrases(title, word))


def _says(sentence: list[str], lead: set[str], words: tuple[str, ...]) -> bool:
    """Whether a word of ``lead`` is followed closely by all of ``words`` in the sentence."""
    stems = [_stem(w) for w in sentence]
    for i, w in enumerate(sentence):
        if w in lead:
            window = stems[i + 1 : i + 1 + len(words) + 2]
            # another lead starts another phrase: "with hypoglycemia without coma"
            cut = next((j for j, x in enumerate(window) if x in _LEADS), None)
            if cut is not None:
                window = window[:cut]
            if all(_stem(x) in window for x in words):
                return True
    return False


def _sentences(s: Scored, text: str, seen: dict[int, list[str]]) -> list[list[str]]:
    """The words of the sentence of each present mention of ``s`` (``seen``: by mention start,
    for the note at hand)."""
    out = []
    for e in s.suggestion.evidence:
        if e.assertion != "present":
            continue
        words = seen.get(e.start)
        if words is None:
            start = max(text.rfind(c, 0, e.start) for c in _SENT_END) + 1
            end = _SENT_BREAK.search(text, e.start)
            stop = end.start() if end else len(text)
            words = seen[e.start] = _TOKEN.findall(text[start:stop].lower())
        out.append(words)
    return out


def _sibling(code: str, words: tuple[str, ...], lead: str, cs: Icd10Cm) -> str | None:
    """The billable code of ``code``'s category whose title says ``lead`` + ``words`` and that
    shares most other words with ``code``'s title."""
    other = "without" if lead == "with" else "with"
    mine = set(_TOKEN.findall(cs.title(code).lower()))
    best: tuple[int, str] | None = None
    for c in cs.billable_descendants(code[:3], limit=2000):
        title = cs.title(c)
        if c == code or not _names(title, lead, words) or _names(title, other, words):
            continue
        score = len(mine & set(_TOKEN.findall(title.lower())))
        if best is None or score > best[0]:
            best = (score, c)
    return best[1] if best else None


def _with_without(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A title "without X" whose sentence says "with X" (or "with X" against "without/no X")
    is withdrawn (or, not recommended, flagged), naming its sibling that matches the note."""
    codes = {s.suggestion.code for s in items if s.suggestion.recommended}
    seen: dict[int, list[str]] = {}
    for s in items:
        code = s.suggestion.code
        if code not in cs or " with" not in cs.title(code):
            continue
        title = cs.title(code)
        sentences = _sentences(s, note.text, seen)
        if not any(said & set(t) for t in sentences for said in ({"with"}, _NEGATIVE)):
            continue
        for own, said, lead in (("without", {"with"}, "with"), ("with", _NEGATIVE, "without")):
            hit = next(
                (w for w in _phrases(title, own) if any(_says(t, said, w) for t in sentences)),
                None,
            )
            if hit is None:
                continue
            phrase = " ".join(hit)
            sibling = _sibling(code, hit, lead, cs)
            if sibling is None:
                flag = f"note says {lead} {phrase}: the title says {own} - OCG I.A.15"
            elif sibling in codes:
                flag = f"note says {lead} {phrase}: reported with {sibling} - OCG I.A.15"
            else:
                named = f"{sibling} ({cs.title(sibling)})"
                flag = f"note says {lead} {phrase}: consider {named} - OCG I.A.15"
            fire(s, rule, withdraw=True, flag=flag)
            break
    return items


# a title's "without X" (or "not specified as X") against the note affirming X
WITHOUT_TERMS_COLUMNS = ("codes", "terms", "cite", "comment")
_WITHOUT_LEADS = ("without", "not specified as")
_VAGUE = frozenset({"mention", "complication", "complications"})
_NEGATION_WINDOW = 3
_FELT = frozenset({"sensation", "sensations", "feeling", "sense"})  # "X sensation": no X
_WITH_FLOOR = 0.3  # how confident a documented "with" code must be to take the place


@cache
def _without_terms(table: str, code: str, title: str) -> tuple[tuple[str, ...], ...]:
    """The terms that affirm what ``code``'s title says it is without: the words of each
    "without X" phrase (less vague words: "without complications" is read through the table
    only), and the table's terms for the code."""
    out = []
    for lead in _WITHOUT_LEADS:
        for words in _phrases(title, lead):
            kept = tuple(w for w in words if w not in _VAGUE)
            if kept:
                out.append(kept)
    for row in read_table(table, WITHOUT_TERMS_COLUMNS):
        if code.startswith(prefixes(row["codes"])):
            out.extend(tuple(_TOKEN.findall(t.lower())) for t in row["terms"].split(";"))
    return tuple(t for t in out if t)


def _affirms(words: list[str], term: tuple[str, ...]) -> bool:
    """Whether ``words`` hold ``term`` (its words in order, compared by stem) with no negation
    in the few words before it ("GERD without esophagitis", "no ascites" do not affirm) and no
    word of feeling after it ("foreign body sensation" is a symptom, not a foreign body)."""
    stems = _stems(tuple(words))
    wanted = _stems(term)
    n = len(wanted)
    first = wanted[0] if n else ""
    i = -1
    while True:  # each place the term's first stem stands, in order
        try:
            i = stems.index(first, i + 1) if n else i + 1
        except ValueError:
            return False
        if i + n > len(stems):
            return False
        if stems[i : i + n] == wanted:
            before = words[max(0, i - _NEGATION_WINDOW) : i]
            after = words[i + n] if i + n < len(words) else ""
            if not _NEGATIVE & set(before) and after not in _FELT:
                return True


@lru_cache(maxsize=8192)
def _stems(words: tuple[str, ...]) -> tuple[str, ...]:
    """The stems of a run of words (the same sentences and titles are read for many codes)."""
    return tuple(_stem(w) for w in words)


def _without_affirmed(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A recommended title "without X" is withdrawn when the note affirms X: X's words (or the
    table's terms for the code) in the sentence of one of the code's own present mentions, or
    in a present mention of a candidate of its category or whose title says X (the hemorrhoids'
    bleeding does not contradict "diverticulosis without bleeding")."""
    mentions: list[tuple[Scored, list[str]]] | None = None  # read once a title asks
    seen: dict[int, list[str]] = {}
    for s in items:
        code = s.suggestion.code
        if not s.suggestion.recommended or code not in cs:
            continue
        title = cs.title(code)
        if not _says_without(title):
            continue
        if mentions is None:
            mentions = [
                (o, _TOKEN.findall(note.text[e.start : e.end].lower()))
                for o in items
                for e in o.suggestion.evidence
                if e.assertion == "present"
            ]
        own = _sentences(s, note.text, seen)
        hit = next(
            (
                t
                for t in _without_terms(rule.params["table"], code, title)
                if any(_affirms(w, t) for w in own)
                or any(
                    _affirms(w, t)
                    for o, w in mentions
                    if o is not s and _speaks_of(o.suggestion, code, t)
                )
            ),
            None,
        )
        if hit is not None:
            flag = f"note affirms {' '.join(hit)}: the title says without - OCG I.A.15"
            fire(s, rule, withdraw=True, flag=flag)
            _recommend_with(rule, items, s, title, cs)
    return items


@lru_cache(maxsize=8192)
def _says_without(title: str) -> bool:
    """Whether a title says "without" or "not specified as" (read once per title)."""
    low = title.lower()
    return any(f"{lead} " in low for lead in _WITHOUT_LEADS)


def _recommend_with(
    rule: Rule, items: list[Scored], without: Scored, title: str, cs: Icd10Cm
) -> None:
    """The "with" code of the category that a withdrawn "without X" code leaves is recommended
    when the note documents it (a present mention, at least ``_WITH_FLOOR`` confident) and its
    title says a word of X: "tripped ... and struck his head on the coffee table" gives W01.190A
    "... with subsequent striking against furniture" for W01.0XXA "... without subsequent
    striking against object" (OCG I.A.15). Of several, the most confident."""
    code = without.suggestion.code
    said = {
        _stem(w)
        for lead in _WITHOUT_LEADS
        for words in _phrases(title, lead)
        for w in words
        if w not in _VAGUE and w not in _STOP
    }
    if not said or any(
        o.suggestion.recommended and o is not without and o.suggestion.code[:3] == code[:3]
        for o in items
    ):
        return
    best: Scored | None = None
    for o in items:
        other = o.suggestion.code
        if other[:3] != code[:3] or not documented_candidate(o, _WITH_FLOOR, cs):
            continue
        words = _TOKEN.findall(cs.title(other).lower())
        if "with" not in words or any(w in _NEGATIVE for w in words):
            continue
        if not said & {_stem(w) for w in words}:
            continue
        if best is None or o.suggestion.confidence > best.suggestion.confidence:
            best = o
    if best is not None:
        best.suggestion.recommended = True
        best.suggestion.confidence = max(best.suggestion.confidence, without.suggestion.confidence)
        fire(best, rule, flag=f"documented in place of {code} - OCG I.A.15")


def _speaks_of(other: Suggestion, code: str, term: tuple[str, ...]) -> bool:
    """Whether a candidate's mentions may affirm ``term`` for ``code``: a code of its category,
    or one whose title says the term."""
    return other.code[:3] == code[:3] or _affirms(_title_words(other.description), term)


@lru_cache(maxsize=8192)
def _title_words(title: str) -> list[str]:
    """A title's words, lowercased (read-only: shared between calls)."""
    return _TOKEN.findall(title.lower())


KINDS = {
    "combination": Kind(
        _combination,
        required=frozenset({"combinations"}),
        optional=frozenset({"documented_min_confidence"}),
        check=_check_combinations,
    ),
    "supersedes": Kind(
        _supersedes,
        required=frozenset({"table"}),
        optional=frozenset({"promote_min_confidence"}),
        check=_check_table(SUPERSEDES_COLUMNS),
    ),
    "with_without": Kind(_with_without),
    "without_affirmed": Kind(
        _without_affirmed,
        required=frozenset({"table"}),
        check=_check_table(WITHOUT_TERMS_COLUMNS),
    ),
}
