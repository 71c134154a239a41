"""The assertion a note's section gives its mentions, loaded strictly from
``extract/data/section_assertions.json``.

A section rule gives every mention in its sections one assertion (family history: family),
except mentions of a code group it names (``present_for``), which stay present (a chronic
condition under past medical history, an allergen under allergies). ConText's cues are read
first; the section speaks only where no cue does (see ``mentions.assertion_from``). The codes
of the groups named in ``present_despite_history`` (status codes: "s/p CABG" is a graft
present now) stay present under a history cue or section too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from codesuggest.errors import ConfigError
from codesuggest.types import Assertion

_FILE = "section_assertions.json"
_TOP_KEYS = {"code_groups", "present_despite_history", "sections"}
_GROUP_KEYS = {"name", "description", "prefixes"}
_SECTION_KEYS = {"name", "description", "categories", "assertion", "present_for"}


@dataclass(frozen=True)
class CodeGroup:
    """Codes named by their prefixes, with the guideline that sets them apart."""

    name: str
    description: str
    prefixes: tuple[str, ...]

    def holds(self, codes: tuple[str, ...]) -> bool:
        """Whether any of ``codes`` is in the group."""
        return any(code.startswith(self.prefixes) for code in codes)


@dataclass(frozen=True)
class SectionAssertion:
    """The assertion a section gives its mentions; ``present_for`` names the codes exempted."""

    name: str
    description: str
    categories: tuple[str, ...]
    assertion: Assertion
    present_for: CodeGroup | None

    def assertion_for(self, codes: tuple[str, ...]) -> Assertion:
        """The assertion of a mention of ``codes`` in this section."""
        if self.present_for is not None and self.present_for.holds(codes):
            return Assertion.PRESENT
        return self.assertion


class SectionAssertions:
    """The section rules, by section category."""

    def __init__(
        self,
        rules: list[SectionAssertion],
        groups: dict[str, CodeGroup],
        present_despite_history: tuple[CodeGroup, ...] = (),
    ) -> None:
        self.rules = rules
        self.groups = groups
        self.present_despite_history = present_despite_history
        self.by_category: dict[str, SectionAssertion] = {}
        for rule in rules:
            for category in rule.categories:
                if category in self.by_category:
                    raise ConfigError(f"{_FILE}: section {category!r} has two rules")
                self.by_category[category] = rule

    def assertion(self, section: str, codes: tuple[str, ...]) -> Assertion:
        """The assertion ``section`` gives a mention of ``codes`` (present: no rule)."""
        rule = self.by_category.get(section)
        if rule is None:
            return Assertion.PRESENT
        found = rule.assertion_for(codes)
        return self.unless_status(found, codes)

    def unless_status(self, assertion: Assertion, codes: tuple[str, ...]) -> Assertion:
        """``assertion``, but present for historical status codes (``present_despite_history``)."""
        if assertion is Assertion.HISTORICAL and any(
            g.holds(codes) for g in self.present_despite_history
        ):
            return Assertion.PRESENT
        return assertion

    @classmethod
    def parse(cls, data: Any) -> SectionAssertions:
        """Rules from the file's JSON; unknown keys, assertions or groups fail."""
        _keys(data, _TOP_KEYS, "the file")
        groups: dict[str, CodeGroup] = {}
        for raw in data["code_groups"]:
            _keys(raw, _GROUP_KEYS, "a code group")
            prefixes = tuple(str(p) for p in raw["prefixes"])
            if not prefixes or any(not p or p != p.strip().upper() for p in prefixes):
                raise ConfigError(f"{_FILE}: group {raw['name']!r} has a bad prefix list")
            groups[str(raw["name"])] = CodeGroup(
                str(raw["name"]), _description(raw), tuple(sorted(set(prefixes)))
            )
        rules = []
        for raw in data["sections"]:
            _keys(raw, _SECTION_KEYS, "a section rule")
            try:
                assertion = Assertion(raw["assertion"])
            except ValueError:
                raise ConfigError(f"{_FILE}: unknown assertion {raw['assertion']!r}") from None
            group = raw["present_for"]
            if group is not None and group not in groups:
                raise ConfigError(f"{_FILE}: unknown code group {group!r}")
            categories = tuple(str(c) for c in raw["categories"])
            if not categories:
                raise ConfigError(f"{_FILE}: rule {raw['name']!r} names no section")
            rules.append(
                SectionAssertion(
                    str(raw["name"]),
                    _description(raw),
                    categories,
                    assertion,
                    None if group is None else groups[group],
                )
            )
        unknown = [g for g in data["present_despite_history"] if g not in groups]
        if unknown:
            raise ConfigError(f"{_FILE}: unknown code groups {unknown}")
        status = tuple(groups[g] for g in data["present_despite_history"])
        return cls(rules, groups, status)


def _keys(raw: Any, expected: set[str], what: str) -> None:
    if not isinstance(raw, dict) or set(raw) != expected:
        got = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise ConfigError(f"{_FILE}: {what} must have keys {sorted(expected)}, got {got}")


def _description(raw: dict[str, Any]) -> str:
    text = str(raw["description"]).strip()
    if "OCG" not in text:
        raise ConfigError(f"{_FILE}: {raw['name']!r} must cite the guideline (OCG) it follows")
    return text


@cache
def section_assertions() -> SectionAssertions:
    """The packaged section rules (read once)."""
    path = resources.files("codesuggest.extract").joinpath("data", _FILE)
    return SectionAssertions.parse(json.loads(path.read_text(encoding="utf-8")))
