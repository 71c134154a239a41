"""The words of the ConText assertion cues ("denies", "rule out", "mother", "history of"), read
from the packaged ConText rules: they tell how a finding is asserted and are never a finding
themselves, so they are never shown as the evidence of a code."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_WORD = re.compile(r"\w\w+")


# the cue categories that turn a finding into another one's or none: a term may not span them
BREAKING = ("NEGATED_EXISTENCE", "FAMILY", "TERMINATE")


@cache
def cue_words(categories: tuple[str, ...] | None = None) -> frozenset[str]:
    """Every word of two or more characters in a ConText rule's literal, in lower case; with
    ``categories``, only the rules of those categories whose literal is one word ("no",
    "without", "mother": the "prior" of "prior to" ends no clause by itself)."""
    path = resources.files("codesuggest.extract").joinpath("data").joinpath("context_rules.json")
    rules = json.loads(path.read_text("utf-8"))["context_rules"]
    return frozenset(
        word
        for rule in rules
        if isinstance(rule.get("literal"), str)
        and (
            categories is None
            or (rule.get("category") in categories and len(_WORD.findall(rule["literal"])) == 1)
        )
        for word in _WORD.findall(rule["literal"].lower())
    )
