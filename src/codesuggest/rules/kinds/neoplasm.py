"""A site a cancer spread to is a secondary malignant neoplasm of that site (Alphabetic Index:
"Metastasis, metastatic -- see Neoplasm, secondary, by site"; OCG I.C.2): "malignant pleural
effusion from metastatic breast cancer to the pleura" is C78.2 beside the breast's C50.-, not
C38.4, a primary malignant neoplasm of the pleura.

The secondary code of a primary site is the one the Neoplasm Table gives on the same row
(``codesets/data/icd10cm_index.tsv.gz``, its ``MalignantPrimary`` and ``MalignantSecondary``
columns), at the side the primary code names where the secondary code has sides."""

from __future__ import annotations

import re

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.neoplasm_sites import secondary_sites
from codesuggest.rules.base import Kind, Rule, Scored, fire, sides
from codesuggest.types import Assertion, Note, Suggestion

_CONTEXT = 120  # characters before a mention read for the spread it names
# "metastatic ... to the pleura", "mets to L lung", "spread to the brain and liver": the
# mention ends on a site the cancer reached, the last of a short list of sites
_SITE = r"(?:[\w-]+\s+){0,2}[\w-]+"
_SITES = rf"(?:{_SITE}(?:\s*,\s*|\s+and\s+|\s+or\s+)(?:the\s+)?){{0,3}}{_SITE}"
_SPREAD_TO = re.compile(
    rf"\b(?:metasta\w*|mets|spread\w*|seeding)\b[^.;:\n]*?\b(?:to|into|involving)\s+"
    rf"(?:the\s+)?{_SITES}\W*$"
    # "metastases in the liver", "mets within the spine": the noun, then where they are
    rf"|\b(?:metastas[ie]s|mets)\s+(?:in|within|throughout)\s+(?:the\s+)?{_SITES}\W*$"
)
# "with liver metastases", "liver and bone mets", "hepatic metastatic lesions": the mention
# ends on a site (not on "cancer": "breast cancer metastases" are the breast cancer's) that
# the words after it name as metastases, which are not said to go on elsewhere ("lung
# metastases to the brain"; "... from the colon" keeps the lung a site they reached)
_METASTASES_AFTER = re.compile(
    rf"^(?:\s*(?:,|\band\b|\bor\b)\s*(?:the\s+)?{_SITE})*\s+"
    r"(?:metastas[ie]s|mets|metastatic\s+(?:disease|lesions?|deposits?|foci|involvement))\b"
    r"(?!\s+(?:to|into|in|involving|within|throughout)\b)"
)
_TUMOUR_WORD = re.compile(r"(?:cancer|carcinoma|neoplasm|malignancy|tumou?r|\w+oma|disease)\W*$")


def secondary_of(code: str, cs: Icd10Cm) -> str | None:
    """The billable secondary code of the site of primary malignant neoplasm ``code``: its own
    row's, else its category's (C34.11 -> C34.1 -> C78.0-); an incomplete one completed at
    the primary's side (C34.11, right upper lobe -> C78.01, right lung), else its unspecified
    child. None for a code the table gives no secondary site."""
    rows = secondary_sites()
    found = None
    for k in range(len(code), 2, -1):
        found = rows.get(code[:k]) or rows.get(code[:k].rstrip("."))
        if found:
            break
    if found is None:
        return None
    target = cs.normalize(found)
    if target is None:
        return None
    if cs.is_billable(target):
        return target
    children = cs.billable_descendants(target)
    side = sides(cs.title(code))
    same = [c for c in children if sides(cs.title(c)) == side]
    found_children = same or children
    return found_children[0] if found_children else None


def spread_to(note: Note, start: int, end: int) -> bool:
    """Whether the note names the text at ``start:end`` as a site a cancer spread to: "...
    metastatic to the pleura", "mets in the liver", "with liver metastases"."""
    lo = max(0, start - _CONTEXT)
    text = note.text[lo : end + _CONTEXT].lower()  # the mention and the words around it
    start, end = start - lo, end - lo
    if _SPREAD_TO.search(text[:end]) is not None:
        return True
    return (
        _TUMOUR_WORD.search(text[start:end]) is None
        and _METASTASES_AFTER.match(text[end:]) is not None
    )


def _secondary_site(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A recommended primary malignant neoplasm (C00-C76) that a present mention names as a
    site the cancer spread to is withdrawn; the site's secondary code is recommended in its
    place (a candidate of the note, or added with the primary's evidence). With
    ``documented_min_confidence``, a primary candidate not recommended but at least that
    confident whose present mention names such a site ("adenocarcinoma of unknown primary with
    liver metastases": C22.8 read from "... primary with liver") has its site's secondary code
    recommended too."""
    floor = rule.params.get("documented_min_confidence")
    by_code = {s.suggestion.code: s for s in items}
    for s in list(items):
        code = s.suggestion.code
        if not code.startswith("C") or code[:3] > "C76":
            continue
        recommended = s.suggestion.recommended
        if not recommended and (
            floor is None or s.withdrawn or s.suggestion.confidence < float(floor)
        ):
            continue
        if not any(
            m.assertion is Assertion.PRESENT and spread_to(note, m.start, m.end)
            for m in s.candidate.mentions
        ):
            continue
        target = secondary_of(code, cs)
        if target is None or target == code:
            continue
        if recommended:
            fire(s, rule, withdraw=True, flag=f"a site the cancer spread to: {target}")
            why = f"in place of {code}"
        else:
            why = f"a site the cancer spread to, read as {code}"
        existing = by_code.get(target)
        if existing is not None:
            if not existing.suggestion.recommended and not existing.withdrawn:
                existing.suggestion.recommended = True
                existing.suggestion.confidence = max(
                    existing.suggestion.confidence, s.suggestion.confidence
                )
                fire(existing, rule, flag=why)
            continue
        added = Scored(
            Suggestion(
                code=target,
                system=s.suggestion.system,
                description=cs.title(target),
                confidence=s.suggestion.confidence,
                recommended=True,
                evidence=list(s.suggestion.evidence),
                flags=[why],
                rules=[rule.name],
            ),
            s.candidate,
        )
        items.append(added)
        by_code[target] = added
    return items


KINDS = {"secondary_site": Kind(_secondary_site, optional=frozenset({"documented_min_confidence"}))}
