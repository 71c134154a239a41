"""The adverse effect of the drug a note names, when it states the effect of the drug's class.

"Acute gastric ulcer, likely NSAID-induced ... taking naproxen 500 mg BID": the effect is
stated for the class (the Table of Drugs and Chemicals' "Anti-inflammatory drug, nonsteroidal",
T39.395-, "other NSAID"), the drug in another sentence. The code is the drug's (naproxen, a
propionic acid derivative: T39.315A; OCG I.C.19.e.5.a, code the drug taken as prescribed), and
the class's residual code is wrong once the drug is known. A class adverse-effect candidate
whose subcategory (``T39.3``) also holds the adverse-effect code of a drug another mention of
the note names becomes that drug's code, with both mentions as evidence.

The drugs are the table's own entries of one word ("Naproxen", "Ibuprofen") and the aliases
of ``codesets/data/drug_aliases.tsv`` that stand for a drug (not those for a class, "nsaid"),
shipped as ``codesets/data/drug_effects.tsv`` (written by ``training/convert_index.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.data_files import data_rows
from codesuggest.codesets.index_convert import IndexRow
from codesuggest.extract.normalize import content_words
from codesuggest.types import Assertion, Mention

ADVERSE_EFFECT = "AdverseEffect"
EFFECTS_FILE = "drug_effects.tsv"
_HEADER = (
    "# Drug (one normalised word) and its adverse-effect code, from the Table of Drugs and "
    "Chemicals (FY2025) and drug_aliases.tsv; written by training/convert_index.py"
)
# T36-T50 adverse effect codes: the 6th character 5 ("T39.315A", "T46.1X5A")
_ADVERSE = re.compile(r"^T(3[6-9]|4\d|50)\.\w\w5A$")
_NOT_THE_PATIENTS = (Assertion.NEGATED, Assertion.FAMILY)


def is_adverse_effect(code: str) -> bool:
    """Whether ``code`` is an initial-encounter adverse effect of a drug (T36-T50)."""
    return _ADVERSE.match(code) is not None


def _initial(code: str) -> str:
    """A table code ("T39.315", "T46.1X5") as its initial-encounter code."""
    plain = code.replace(".", "")
    plain = plain.ljust(6, "X") + "A"
    return f"{plain[:3]}.{plain[3:]}"


def build_drug_effects(
    rows: Iterable[IndexRow], aliases: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Drug name (one normalised word) -> its adverse-effect code, from the table's entries
    of one word and the aliases (an alias takes its entry's code)."""
    by_entry: dict[str, str] = {}
    for row in rows:
        if row.table != "drug":
            continue
        entry, _, column = row.path.rpartition(" > ")
        if column == ADVERSE_EFFECT and entry not in by_entry:
            by_entry[entry] = _initial(row.code)
    out: dict[str, str] = {}
    for entry, code in by_entry.items():
        if " > " in entry:
            continue
        words = content_words(entry)
        if len(words) == 1:
            out.setdefault(words[0], code)
    for drug, entry in aliases:
        words = content_words(drug)
        # an alias of a class ("nsaid" -> "Anti-inflammatory drug > nonsteroidal") names no drug
        if len(words) == 1 and entry in by_entry and " > " not in entry:
            out.setdefault(words[0], by_entry[entry])
    return dict(sorted(out.items()))


def write_drug_effects(effects: dict[str, str]) -> str:
    """The text of ``data/drug_effects.tsv`` for ``effects``."""
    lines = [_HEADER, "drug\tcode"]
    lines.extend(f"{drug}\t{code}" for drug, code in effects.items())
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def drug_effects() -> dict[str, str]:
    """The shipped ``data/drug_effects.tsv``: drug word -> adverse-effect code."""
    return {r["drug"]: r["code"] for r in data_rows(EFFECTS_FILE)}


class DrugClassCandidates:
    """Turns a drug class's adverse-effect candidate into the named drug's code."""

    name = "drug_class"

    def add(self, mentions: list[Mention], pool: dict[str, Candidate]) -> None:
        classes = [c for c in pool if is_adverse_effect(c)]
        if not classes:
            return
        effects = drug_effects()
        named: dict[str, list[Mention]] = {}  # adverse-effect code -> the drug's mentions
        for m in mentions:
            if m.assertion in _NOT_THE_PATIENTS:
                continue
            for word in content_words(m.text):
                code = effects.get(word)
                if code is not None:
                    named.setdefault(code, []).append(m)
        for code in classes:
            members = [c for c in named if c != code and c[:5] == code[:5]]
            if len(members) != 1:
                continue  # no drug of the class named, or several: the class code stays
            cand = pool.pop(code)
            target = pool.get(members[0])
            if target is None:
                target = pool[members[0]] = Candidate(members[0], index_path=cand.index_path)
            target.support.extend(cand.support)
            target.sources |= cand.sources
            target.phrase_strength = max(target.phrase_strength, cand.phrase_strength)
            have = target.mentions
            for m in named[members[0]]:
                if m not in have:
                    # the drug's own mention: evidence, through no key of the code
                    target.add_support(m, None, None)
