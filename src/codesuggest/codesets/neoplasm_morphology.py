"""Morphology words of the Alphabetic Index and the Neoplasm Table behaviour each one says,
shipped as ``extract/data/neoplasm_morphology.tsv``.

A coder looks a tumour's morphology up first: "Sarcoma - see also Neoplasm, connective
tissue, malignant", "Adenoma - see also Neoplasm, benign, by site", "Glioma > specified site -
see Neoplasm, malignant, by site"; then the site in the Neoplasm Table, in that behaviour's
column. So "pleomorphic sarcoma of the penis" is C60.9 and "tubular adenoma of the rectum"
D12.8, though no entry joins the two words. The word normaliser
(``codesuggest.extract.normalize``) reads this file and lets a note's morphology word also say
its behaviour ("sarcoma" also says "malignant neoplasm"), the words the Neoplasm Table's rows
are matched with (``index_convert.NEOPLASM_BEHAVIOURS``); a connective-tissue morphology at a
site the table lists apart is coded to that site, as the table's note on connective tissue
says. ``training/convert_index.py`` writes the file from a release's ``index.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from codesuggest.codesets.index_convert import NEOPLASM_BEHAVIOURS, RELEASE, SOURCE, clean_term

MORPHOLOGY_FILE = "neoplasm_morphology.tsv"
# the behaviour a "see Neoplasm, ..." reference names -> the Neoplasm Table's column
BEHAVIOUR_COLUMNS = {
    "malignant": "MalignantPrimary",
    "secondary": "MalignantSecondary",
    "in situ": "CaInSitu",
    "benign": "Benign",
    "uncertain behavior": "UncertainBehavior",
    "unspecified behavior": "UnspecifiedBehavior",
}
_ONE_WORD = re.compile(r"[a-z]+")
_SPECIFIED_SITE = "specified site"
_HEADER = (
    f"# Morphology main terms of the {SOURCE}, {RELEASE}, and the words of the Neoplasm Table "
    "column their 'see Neoplasm' reference names; written by training/convert_index.py"
)


def _behaviour(reference: str) -> str | None:
    """The behaviour a "see" reference into the Neoplasm Table names ("Neoplasm, benign, by
    site" -> "benign"), or None for any other reference."""
    parts = [p.strip().lower() for p in reference.split(",")]
    if not parts or parts[0] != "neoplasm":
        return None
    return next((p for p in parts[1:] if p in BEHAVIOUR_COLUMNS), None)


def _reference(row: dict[str, str]) -> str:
    return (row.get("See") or row.get("SeeAlso") or "").strip()


def build_morphology(rows: Iterable[dict[str, str]]) -> dict[str, tuple[str, str]]:
    """One-word main terms of the index's rows (``index.csv``, in the book's order) whose
    "see" or "see also" reference names a Neoplasm Table behaviour, or whose "specified site"
    subterm's does ("Glioma > specified site NEC"): word -> (the words that behaviour's rows
    are matched with, the reference as the book prints it). The first entry of a word
    decides."""
    out: dict[str, tuple[str, str]] = {}
    main: str | None = None  # the current main term, while it still may name a behaviour
    for row in rows:
        level = row["Level"].strip()
        term = clean_term(row["Term"]).lower()
        if level == "0":
            main = term if _ONE_WORD.fullmatch(term) and term not in out else None
            if main is None:
                continue
            reference = _reference(row)
        elif level == "1" and main is not None and term == _SPECIFIED_SITE:
            reference = _reference(row)
        else:
            continue
        behaviour = _behaviour(reference)
        if behaviour is not None:
            column = BEHAVIOUR_COLUMNS[behaviour]
            out[main] = (NEOPLASM_BEHAVIOURS[column][0], " ".join(reference.split()))
            main = None
    return out


def write_morphology(morphology: dict[str, tuple[str, str]]) -> str:
    """The text of ``neoplasm_morphology.tsv`` for ``morphology``."""
    lines = [_HEADER, "word\tsays\treference"]
    lines.extend(f"{word}\t{says}\t{ref}" for word, (says, ref) in sorted(morphology.items()))
    return "\n".join(lines) + "\n"
