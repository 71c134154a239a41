"""Reads CodiEsp split folders: ``text_files_en/<id>.txt`` plus ``*D.tsv`` / ``*P.tsv`` gold."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import InputError
from codesuggest.types import Note


@dataclass
class CodiEspSplit:
    """Notes and ICD-10-CM gold of one split; codes not in the current release are reported."""

    notes: list[Note]
    diagnoses: dict[str, set[str]]
    unknown_codes: dict[str, int] = field(default_factory=dict)
    crosswalked: dict[str, str] = field(default_factory=dict)


_SILENT = frozenset({"unspecified", "initial", "encounter"})


def _title_words(title: str) -> set[str]:
    """Every word of a title ("other" too: M54.59 "Other low back pain" is not M54.5)."""
    return set(re.findall(r"[a-z0-9]+", title.lower()))


def expanded_default(codeset: Icd10Cm, code: str) -> str | None:
    """The billable code that replaced ``code`` when a later release split it, if unambiguous.

    CodiEsp follows the 2018 edition: R51 (Headache) is now the category of R51.9 (Headache,
    unspecified), M54.5 of M54.50. A child whose title adds only "unspecified" or "initial
    encounter" words is the same concept in the current release.
    """
    if code not in codeset or codeset.is_billable(code):
        return None
    base = _title_words(codeset.title(code))
    same = [
        c
        for c in codeset.billable_descendants(code, limit=100)
        if _title_words(codeset.title(c)) - base <= _SILENT
    ]
    return same[0] if len(same) == 1 else None


def read_split(folder: Path, codeset: Icd10Cm | None = None) -> CodiEspSplit:
    """Read a CodiEsp split folder (``train``, ``dev``...). Gold codes keep CodiEsp's set
    semantics; with ``codeset`` they are written in official form, unknown ones counted."""
    texts = folder / "text_files_en"
    if not texts.is_dir():
        raise InputError(f"{folder}: not a CodiEsp split (no text_files_en/)")
    notes = [Note(text=p.read_text("utf-8"), note_id=p.stem) for p in sorted(texts.glob("*.txt"))]
    ids = {n.note_id for n in notes}
    gold: dict[str, set[str]] = defaultdict(set)
    unknown: dict[str, int] = defaultdict(int)
    crosswalked: dict[str, str] = {}
    for tsv in sorted(folder.glob("*D.tsv")):
        for n, line in enumerate(tsv.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2 or parts[0] not in ids:
                raise InputError(f"{tsv}:{n}: expected 'doc_id<TAB>code' for a known note")
            code = parts[1].strip().upper()
            if codeset is not None:
                official = codeset.normalize(code)
                if official is None:
                    unknown[code] += 1
                elif (current := expanded_default(codeset, official)) is not None:
                    crosswalked[official] = current
                    official = current
                code = official or code
            gold[parts[0]].add(code)
    return CodiEspSplit(notes, dict(gold), dict(unknown), crosswalked)
