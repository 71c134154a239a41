"""The words of the ConText assertion cues ("denies", "rule out", "mother", "history of"), read
from the packaged ConText rules: they tell how a finding is asserted and are never a finding
themselves, so they are never shown as the evidence of a code."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"\w\w+")


@lru_cache(maxsize=1)
def cue_words() -> frozenset[str]:
    """Every word of two or more characters in a ConText rule's literal, in lower case."""
    path = resources.files("codesuggest.extract").joinpath("data").joinpath("context_rules.json")
    rules = json.loads(path.read_text("utf-8"))["context_rules"]
    return frozenset(
        word
        for rule in rules
        if isinstance(rule.get("literal"), str)
        for word in _WORD.findall(rule["literal"].lower())
    )
