"""The ICD-10-CM Alphabetic Index as a source of lexicon phrases.

Reads the table shipped in ``data/icd10cm_index.tsv.gz`` (converted from the CDC's release by
``training/convert_index.py``), resolves each code against the code set the engine ships and
leaves out the entries in ``data/index_noise.tsv`` (entries that fire often in coded notes but
are rarely what the coder coded) and in ``data/index_exclusions.tsv`` (entries whose code their
words no longer mean once the converter drops the nonessential modifier: "Falling, falls
(repeated)"). Each remaining row becomes a lexicon phrase of source ``index`` that remembers its
index path ("Hypertension > with > heart failure"), shown to the coder as the reason for the
suggestion. Drugs the Table of Drugs and Chemicals does not list take the rows of the entry
that codes them (``data/drug_aliases.tsv``: amlodipine -> "Blockers, calcium channel").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from codesuggest.codesets.data_files import data_bytes, data_rows
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.index_convert import DRUG_EFFECTS, IndexRow, read_table
from codesuggest.codesets.lexicon import Phrase
from codesuggest.extract.cues import cue_words

TABLE = "icd10cm_index.tsv.gz"
NOISE = "index_noise.tsv"
EXCLUSIONS = "index_exclusions.tsv"
ALIASES = "drug_aliases.tsv"
SOURCE = "index"
# Y90-Y99 supplementary factors (place, activity, status) are coded by hand beside an injury
_SUPPLEMENTARY = tuple(f"Y9{i}" for i in range(10))
_WORD = re.compile(r"\w\w+")


@lru_cache(maxsize=1)
def index_rows() -> tuple[IndexRow, ...]:
    """Every row of the shipped index table."""
    return tuple(read_table(data_bytes(TABLE)))


@lru_cache(maxsize=1)
def drug_aliases() -> tuple[tuple[str, str], ...]:
    """(drug, table entry) pairs of ``data/drug_aliases.tsv``."""
    return tuple((r["drug"].strip(), r["entry"].strip()) for r in data_rows(ALIASES))


def alias_rows(rows: tuple[IndexRow, ...]) -> Iterator[IndexRow]:
    """Drug-table rows for each alias: its entry's rows ("Blockers, calcium channel >
    AdverseEffect", T46.1X5) said with the alias's name ("amlodipine adverse effect"); the
    path says which entry codes it."""
    by_entry: dict[str, list[IndexRow]] = {}
    for row in rows:
        if row.table == "drug":
            entry, _, column = row.path.rpartition(" > ")
            by_entry.setdefault(entry, []).append(row)
    for drug, entry in drug_aliases():
        for row in by_entry.get(entry, ()):
            column = row.path.rpartition(" > ")[2]
            for effect in DRUG_EFFECTS.get(column, ()):
                if row.words.endswith(f" {effect}"):
                    path = f"{entry} ({drug}) > {column}"
                    yield IndexRow(row.table, path, f"{drug} {effect}", row.code)


@lru_cache(maxsize=1)
def noise_entries() -> frozenset[tuple[str, str]]:
    """(index path, code as resolved) pairs left out of the lexicon: the learned noise
    (``data/index_noise.tsv``) and the hand-written exclusions (``data/index_exclusions.tsv``)."""
    out: set[tuple[str, str]] = set()
    for name in (NOISE, EXCLUSIONS):
        out.update((r["path"], r["code"]) for r in data_rows(name))
    return frozenset(out)


def resolve_code(code: str, codeset: Icd10Cm) -> str | None:
    """The code an index entry names in ``codeset``: itself, or for a code that needs a 7th
    character its initial-encounter code ("W11" -> "W11.XXXA", "T46.1X5" -> "T46.1X5A"); a
    category with subdivisions stays as it is (the hierarchy proposes its children); None when
    the code set no longer has it."""
    found = codeset.normalize(code)
    if found is None or codeset.is_billable(found):
        return found
    plain = found.replace(".", "")
    if len(plain) < 7:
        initial = codeset.normalize(plain.ljust(6, "X") + "A")
        if initial is not None and codeset.is_billable(initial):
            return initial
    return found


def only_cues(words: str) -> bool:
    """Whether an entry's words are all words of ConText assertion cues ("Concern", "History"):
    matched as a finding, such an entry would hide the cue and its assertion."""
    found = _WORD.findall(words.lower())
    cues = cue_words()
    return bool(found) and all(w in cues for w in found)


def index_phrases(codeset: Icd10Cm, *, noise: bool = True) -> Iterator[Phrase]:
    """The index's phrases for ``codeset`` (``noise``: leave out the noisy entries), without
    entries made only of assertion-cue words."""
    dropped = noise_entries() if noise else frozenset()
    resolved: dict[str, str | None] = {}
    rows = index_rows()
    for row in (*rows, *alias_rows(rows)):
        if row.code.startswith(_SUPPLEMENTARY) or only_cues(row.words):
            continue
        if row.code not in resolved:
            resolved[row.code] = resolve_code(row.code, codeset)
        code = resolved[row.code]
        if code is not None and (row.path, code) not in dropped:
            yield Phrase(row.words, code, SOURCE, path=row.path)
