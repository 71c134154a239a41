"""The lexicon: phrases a note may use for a code, from the code set and from our data files.

Official titles rarely appear verbatim in notes, so each title also yields variants (no
parenthetical non-essential modifiers, no "unspecified"/"initial encounter" segments) and
inclusion terms join in. Our own data files add abbreviations, synonyms and plain-language
phrasings. ``compile_lexicon`` turns all of it into the index the term matcher reads.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from codesuggest.codesets.data_files import data_rows, data_text
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.normalize import content_words

SOURCES = (
    "title",
    "variant",
    "inclusion",
    "synonym",
    "abbreviation",
    "plain",
    "inverted",
    "index",  # the ICD-10-CM Alphabetic Index (codesuggest.codesets.alpha_index)
    "learned",  # mined from a site's coded notes (codesuggest.training.phrases)
)
_PARENS = re.compile(r"\s*\(([^()]*)\)")
_UNSPECIFIED_BEHAVIOR = re.compile(r"\s+of unspecified behavior", re.IGNORECASE)
_NONESSENTIAL = re.compile(
    r"\b(unspecified|initial encounter|not elsewhere classified|without complications?|"
    r"without mention|not specified|nos|site not specified)\b",
    re.IGNORECASE,
)
_BOTH = re.compile(r"\bboth\s+", re.IGNORECASE)
# a segment continuing the title's list to a site left open ("Strain of muscle, fascia and
# tendon of unspecified hip"): its site is essential, only "unspecified" goes
_OPEN_SITE = re.compile(r"^(?!unspecified\b).*\bof (?:other and )?unspecified\b", re.IGNORECASE)
_PAIR = re.compile(r"^(\w+) and (\w+) (.+)$")  # a title that opens on a pair of words
_HALF = "half"  # a title variant naming one word of its opening pair (``pair_variants``)
MAX_WORDS = 12
MAX_VARIANT_CODES = 3  # codes a title variant may name before it is too ambiguous to keep
# Residual categories ("Other X", "Other specified X"): a note saying "X" means the default
# code of X, and what makes a case "other" is never in the title, so they get no title keys.
_RESIDUAL = re.compile(r"^other\b", re.IGNORECASE)
# Y90-Y99 supplementary factors: only ever coded beside an injury, by hand.
_SUPPLEMENTARY = tuple(f"Y9{i}" for i in range(10))

LOWERCASE_FILE = "lowercase_abbreviations.tsv"
NONFINDING_FILE = "nonfinding_phrases.tsv"


@dataclass(frozen=True)
class Phrase:
    """One phrase of the lexicon and the code it names."""

    text: str
    code: str
    source: str
    path: str = ""  # the Alphabetic Index path it comes from ("" for other sources)


def title_variants(title: str) -> set[str]:
    """Ways a note may say a title: without non-essential modifiers and generic segments."""
    out = {title}
    base = _UNSPECIFIED_BEHAVIOR.sub("", _PARENS.sub("", title)).strip()
    out.add(base)
    for modifier in _PARENS.findall(title):
        out.add(f"{modifier} {base}")
    segments = [s.strip() for s in base.split(",")]
    essential = [segments[0]] + [
        s for s in segments[1:] if not _NONESSENTIAL.search(s) or _OPEN_SITE.match(s)
    ]
    out.add(", ".join(essential))
    out.add(_NONESSENTIAL.sub(" ", ", ".join(essential)))
    # "Crohn's disease of both small and large intestine": notes leave out the "both"
    out.update([_BOTH.sub("", v) for v in out if _BOTH.search(v)])
    return {v for v in out if v.strip()}


def pair_variants(variants: Iterable[str]) -> set[str]:
    """A title that opens on a pair ("Hemiplegia and hemiparesis following cerebral infarction
    ...", "Occlusion and stenosis of right carotid artery") as a note names it, with one word
    of the pair ("hemiparesis following ..."). Where the pair means both ("Acute and chronic
    respiratory failure"), its halves are other codes' titles, which ``code_set_phrases``
    keeps them for."""
    out = set()
    for v in variants:
        pair = _PAIR.match(v)
        if pair:
            out.add(f"{pair.group(1)} {pair.group(3)}")
            out.add(f"{pair.group(2)} {pair.group(3)}")
    return out


def inclusion_variants(term: str) -> set[str]:
    """An inclusion term's base and each of its parenthetical modifiers applied alone."""
    base = _PARENS.sub("", term).strip()
    out = {base} if base else set()
    for group in _PARENS.findall(term):
        for modifier in group.split(","):
            if modifier.strip() and not re.search(r"[A-Z]\d\d", modifier):
                out.add(f"{modifier.strip()} {base}")
    return out


def code_set_phrases(codeset: Icd10Cm) -> Iterator[Phrase]:
    """Titles, title variants and inclusion terms of every code a coder could report; a
    variant that more than :data:`MAX_VARIANT_CODES` codes share is left out ("Fistula" from
    "Fistula, unspecified shoulder", "... elbow", ...; "Alcohol use" from "Alcohol use,
    unspecified with intoxication delirium"): it names none of them."""
    phrases = list(_code_set_phrases(codeset))
    shared: dict[tuple[str, ...], set[str]] = {}
    named: dict[tuple[str, ...], set[str]] = {}  # the codes each phrase names, halves aside
    halves: dict[tuple[str, ...], set[str]] = {}
    for p in phrases:
        if p.source == "variant":
            shared.setdefault(_key_of(p.text), set()).add(p.code)
        if p.source == _HALF:
            halves.setdefault(_key_of(p.text), set()).add(p.code)
        else:
            named.setdefault(_key_of(p.text), set()).add(p.code)
    ambiguous = {k for k, codes in shared.items() if len(codes) > MAX_VARIANT_CODES}
    for p in phrases:
        if p.source == _HALF:
            key = _key_of(p.text)
            if named.get(key, {p.code}) != {p.code} or len(halves[key]) > MAX_VARIANT_CODES:
                continue  # "Acute respiratory failure with hypoxia" is J96.01's, not J96.21's
            yield Phrase(p.text, p.code, "variant")
        elif p.source != "variant" or _key_of(p.text) not in ambiguous:
            yield p


def _key_of(text: str) -> tuple[str, ...]:
    return tuple(sorted(set(content_words(text))))


def _code_set_phrases(codeset: Icd10Cm) -> Iterator[Phrase]:
    for code in codeset.codes():
        if len(code.replace(".", "")) == 7 and not code.endswith("A"):
            continue  # 7th characters other than initial encounter: a coder chooses them
        if code.startswith(_SUPPLEMENTARY):
            continue  # activity, place and status codes: titles like "Activity, unspecified"
        title = codeset.title(code)
        if not _RESIDUAL.match(title):  # "Other hypertension" must not claim "hypertension"
            yield Phrase(title, code, "title")
            variants = title_variants(title)
            for variant in sorted(variants - {title}):  # sets: fix the order
                yield Phrase(variant, code, "variant")
            for half in sorted(pair_variants(variants) - variants):
                yield Phrase(half, code, _HALF)
        for term in codeset.info(code).inclusion_terms:
            for variant in sorted(inclusion_variants(term)):
                yield Phrase(variant, code, "inclusion")


@cache
def lowercase_abbreviations() -> frozenset[str]:
    """Short abbreviations matched in lower case too (``data/lowercase_abbreviations.tsv``)."""
    rows = data_rows(LOWERCASE_FILE)
    return frozenset(w for r in rows for w in content_words(r["abbreviation"]))


def nonfinding_phrases() -> list[Phrase]:
    """Phrases holding a finding's words that name a test, an order or a normal finding
    ("stress test", "fall precautions"): keys naming no code, which hide the finding inside
    them (``data/nonfinding_phrases.tsv``)."""
    return [Phrase(r["phrase"], "", "nonfinding") for r in data_rows(NONFINDING_FILE)]


def data_phrases(codeset: Icd10Cm, name: str = "synonyms.tsv") -> Iterator[Phrase]:
    """Our own phrase -> code data file; codes absent from the code set are skipped."""
    text = data_text(name)
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        code = codeset.normalize(row["code"])
        if code is not None:
            yield Phrase(row["phrase"], code, row["kind"])


def compile_lexicon(phrases: Iterable[Phrase], codeset: Icd10Cm) -> LexiconIndex:
    """Turn phrases into the matcher's index (word-set keys anchored on their rarest word)."""
    by_key: dict[tuple[str, ...], dict[str, str]] = {}
    paths: dict[tuple[tuple[str, ...], str], str] = {}
    for p in phrases:
        words = tuple(sorted(set(content_words(p.text))))
        if not words or len(words) > MAX_WORDS or (len(words) == 1 and len(words[0]) < 2):
            continue
        codes = by_key.setdefault(words, {})
        if not p.code:  # a non-finding phrase: a key naming no code (NONFINDING_FILE)
            continue
        # keep the strongest source per code: our data files beat titles beat variants
        if p.code not in codes or _rank(p.source) < _rank(codes[p.code]):
            codes[p.code] = p.source
        if p.path:  # the shortest index path that names the code with these words
            known = paths.get((words, p.code))
            if known is None or len(p.path) < len(known):
                paths[words, p.code] = p.path
    freq: Counter[str] = Counter(w for key in by_key for w in key)
    index = LexiconIndex()
    # equal values stored once (and saved and read back once: model_io.lexicon): a (code,
    # source) pair, a key's codes and an index path recur across keys (a sixth of the
    # index's memory)
    shared: dict[Any, Any] = {}
    for key, codes in by_key.items():
        i = len(index.keys)
        named = tuple(shared.setdefault(pair, pair) for pair in sorted(codes.items()))
        _add_key(index, key, shared.setdefault(named, named), freq)
        for code in codes:
            path = paths.get((key, code))
            if path:
                index.paths[i, code] = shared.setdefault(path, path)
    index.title_words = {c: len(set(content_words(codeset.title(c)))) for c in codeset.codes()}
    return index


def extend_lexicon(
    base: LexiconIndex, entries: Iterable[tuple[tuple[str, ...], str, str]]
) -> LexiconIndex:
    """A copy of ``base`` with ``(key, code, source)`` entries added; ``key`` is already
    normalised (sorted distinct content words, as in ``LexiconIndex.keys``). A code the key
    already names keeps its source; ``base`` is left as it was."""
    index = LexiconIndex(
        keys=list(base.keys),
        codes=list(base.codes),
        anchors=dict(base.anchors),
        title_words=base.title_words,
        upper_only=set(base.upper_only),
        weak=set(getattr(base, "weak", ())),
        strength=dict(getattr(base, "strength", {})),
        paths=dict(getattr(base, "paths", {})),
    )
    ids = {key: i for i, key in enumerate(base.keys)}
    added: dict[tuple[str, ...], dict[str, str]] = {}
    for key, code, source in entries:
        if not key or len(key) > MAX_WORDS or (len(key) == 1 and len(key[0]) < 2):
            continue
        if key in ids:
            i = ids[key]
            if code not in {c for c, _ in index.codes[i]}:
                index.codes[i] = tuple(sorted((*index.codes[i], (code, source))))
        else:
            added.setdefault(key, {}).setdefault(code, source)
    if added:
        freq: Counter[str] = Counter(w for key in index.keys for w in key)
        freq.update(w for key in added for w in key)
        for key, codes in added.items():
            if all(source == "learned" for source in codes.values()):
                index.weak.add(len(index.keys))
            _add_key(index, key, tuple(sorted(codes.items())), freq, copy_anchor=True)
    return index


def _add_key(
    index: LexiconIndex,
    key: tuple[str, ...],
    codes: tuple[tuple[str, str], ...],
    freq: Counter[str],
    *,
    copy_anchor: bool = False,
) -> None:
    i = len(index.keys)
    index.keys.append(key)
    index.codes.append(codes)
    if (
        len(key) == 1
        and len(key[0]) <= 3
        and not key[0].isdigit()
        and key[0] not in lowercase_abbreviations()
    ):
        index.upper_only.add(i)
    anchor = min(key, key=lambda w: (freq[w], w))
    ids = index.anchors.get(anchor, [])
    # an extended index shares its anchor lists with its base until it changes one
    index.anchors[anchor] = [*ids, i] if copy_anchor else ids
    if not copy_anchor:
        ids.append(i)


def _rank(source: str) -> int:
    order = (
        "abbreviation",
        "synonym",
        "plain",
        "inverted",
        "title",
        "inclusion",
        "variant",
        "index",
        "learned",
    )
    return order.index(source) if source in order else len(order)
