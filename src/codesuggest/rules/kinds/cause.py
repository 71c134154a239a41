"""The ``cause_stated`` rule kind: a code titled for an unspecified cause is not recommended
when the note names the cause with the very mention ("Allergic contact dermatitis due to poison
ivy": not L23.9 "..., unspecified cause"; OCG I.B.18, I.A.9: an unspecified code only when the
documentation says no more).

Params: ``{"title_words": [phrases], "links": [phrases], "unknown": [words]}``: a recommended
code whose title holds one of ``title_words`` is withdrawn when one of its present mentions is
followed in its sentence by a link ("due to", "caused by") and a word that is not ``unknown``
("unknown", "unclear").
"""

from __future__ import annotations

import re
from typing import Any

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.base import Kind, Rule, Scored, fire
from codesuggest.types import Assertion, Note

_LOOK_AHEAD = 80  # characters after a mention read for its cause


def _cause_after(text: str, end: int, links: re.Pattern[str], unknown: frozenset[str]) -> str:
    """The cause the words right after a mention ending at ``end`` name, or ""."""
    ahead = re.split(r"[.;\n]", text[end : end + _LOOK_AHEAD], maxsplit=1)[0]
    found = links.match(ahead)
    if found is None or found.group("word").lower() in unknown:
        return ""
    return found.group(0).strip(" ,")


def _pattern(params: dict[str, Any]) -> re.Pattern[str]:
    links = "|".join(re.escape(p) for p in sorted(params["links"], key=len, reverse=True))
    return re.compile(rf"\s*,?\s*(?:{links})\s+(?:the\s+|a\s+|an\s+)?(?P<word>[a-z][\w-]*)", re.I)


def cause_stated(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """Withdraw the recommended unspecified-cause codes whose mention states the cause."""
    titles = tuple(w.lower() for w in rule.params["title_words"])
    unknown = frozenset(w.lower() for w in rule.params.get("unknown", ()))
    links = _pattern(rule.params)
    for s in items:
        if not s.suggestion.recommended:
            continue
        if not any(w in s.suggestion.description.lower() for w in titles):
            continue
        for m in s.candidate.mentions:
            if m.assertion is not Assertion.PRESENT:
                continue
            cause = _cause_after(note.text, m.end, links, unknown)
            if cause:
                fire(s, rule, withdraw=True, flag=f"the note states the cause ({cause})")
                break
    return items


def _check(params: dict[str, Any]) -> None:
    for key in ("title_words", "links"):
        value = params.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
            raise ConfigError(f"cause_stated: {key} is a non-empty list of phrases")


KINDS = {
    "cause_stated": Kind(
        cause_stated,
        required=frozenset({"title_words", "links"}),
        optional=frozenset({"unknown"}),
        check=_check,
    )
}
