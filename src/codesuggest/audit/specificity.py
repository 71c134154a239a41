"""Whether a code the note documents says more than a billed code, and why: the relations of
``data/specificity_kinds.tsv``, each tested from what the code set and the model's coding
rules know (a code's billability and ancestors, how vague its title is, the residual ``.9``
code of a category, the model's supersedes table), not from the engine's output alone.

A relation names the rule kind of the model that knows it (``unspecified_sibling``,
``non_billable``, ``supersedes``): the finding's ``rule`` is the name of the model's rule of
that kind, its ``detail`` the relation's ``why`` (or the supersedes row's comment) and cite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.base import other_side, vagueness
from codesuggest.rules.engine import KINDS, RuleSet
from codesuggest.rules.kinds.combination import SUPERSEDES_COLUMNS
from codesuggest.rules.kinds.specificity import same_condition
from codesuggest.rules.tables import Row, parse_table, prefixes, read_table

COLUMNS = ("relation", "rule_kind", "cite", "why")
# the residual code of a category: its characters after the category a 9, then only 0s and 9s
_RESIDUAL = re.compile(r"^[A-Z][0-9][0-9A-Z]\.9[09]*$")


@dataclass(frozen=True)
class Relation:
    """One row of ``specificity_kinds.tsv``."""

    relation: str
    rule_kind: str
    cite: str
    why: str


@dataclass(frozen=True)
class MoreSpecific:
    """A documented code that says more than a billed one: by which relation, the name of the
    model's rule that knows it, and why in words."""

    code: str
    relation: str
    rule: str
    why: str


def residual(code: str) -> bool:
    """Whether ``code`` is the residual ``.9`` code of its category (E11.9, J96.90, J45.909)."""
    return bool(_RESIDUAL.match(code))


def _non_billable(billed: str, other: str, cs: Icd10Cm) -> bool:
    return not cs.is_billable(billed) and billed in cs.ancestors(other)


def _unspecified_title(billed: str, other: str, cs: Icd10Cm) -> bool:
    title, other_title = cs.title(billed), cs.title(other)
    return (
        cs.is_billable(billed)
        and other[:3] == billed[:3]
        and vagueness(title) > vagueness(other_title)
        and not other_side(title, other_title)
        and same_condition(billed, other, cs)
    )


def _unspecified_code(billed: str, other: str, cs: Icd10Cm) -> bool:
    title, other_title = cs.title(billed), cs.title(other)
    return (
        cs.is_billable(billed)
        and residual(billed)
        and other[:3] == billed[:3]
        and not residual(other)
        # "Other specified disorders of kidney" (N28.89) is no more specific than N28.9
        and (vagueness(other_title) == 0 or vagueness(other_title) < vagueness(title))
        and not other_side(title, other_title)
    )


_TESTS: dict[str, Callable[[str, str, Icd10Cm], bool]] = {
    "non_billable": _non_billable,
    "unspecified_title": _unspecified_title,
    "unspecified_code": _unspecified_code,
}
RELATIONS = (*_TESTS, "supersedes")


@cache
def relations() -> tuple[Relation, ...]:
    """The relations of ``data/specificity_kinds.tsv``, in order; each names a test of this
    module and a rule kind of the rule engine."""
    name = "specificity_kinds.tsv"
    text = resources.files("codesuggest.audit").joinpath("data", name).read_text("utf-8")
    rows = tuple(Relation(**row) for row in parse_table(text, name, COLUMNS))
    for row in rows:
        if row.relation not in RELATIONS:
            raise ValueError(f"{name}: unknown relation {row.relation!r}")
        if row.rule_kind not in KINDS:
            raise ValueError(f"{name}: unknown rule kind {row.rule_kind!r}")
    return rows


class Specificity:
    """The relations, with the names and the supersedes rows of one model's rules."""

    def __init__(self, rules: RuleSet) -> None:
        self.rule_names: dict[str, str] = {}
        tables: list[str] = []
        for rule in rules.rules:
            self.rule_names.setdefault(rule.kind, rule.name)
            if rule.kind == "supersedes" and "table" in rule.params:
                tables.append(str(rule.params["table"]))
        self.superseding: dict[str, tuple[Row, ...]] = {}
        for rel in relations():
            if rel.relation == "supersedes":
                self.superseding[rel.cite] = tuple(
                    row
                    for table in tables
                    for row in read_table(table, SUPERSEDES_COLUMNS)
                    if rel.cite in row["cite"]
                )

    def more_specific(
        self, billed: str, documented: Sequence[str], cs: Icd10Cm
    ) -> MoreSpecific | None:
        """The first billable code of ``documented`` (ICD-10-CM codes, most confident first)
        that says more than ``billed``, by the first relation that relates them."""
        if billed not in cs:
            return None
        for other in documented:
            if other == billed or other not in cs or not cs.is_billable(other):
                continue
            for rel in relations():
                why = self._why(rel, billed, other, cs)
                if why is not None:
                    rule = self.rule_names.get(rel.rule_kind, rel.relation)
                    return MoreSpecific(other, rel.relation, rule, why)
        return None

    def _why(self, rel: Relation, billed: str, other: str, cs: Icd10Cm) -> str | None:
        test = _TESTS.get(rel.relation)
        if test is not None:
            return f"{rel.why} ({rel.cite})" if test(billed, other, cs) else None
        for row in self.superseding.get(rel.cite, ()):
            losers = prefixes(row["supersedes"])
            if (
                billed.startswith(losers)
                and other.startswith(prefixes(row["code"]))
                and not other.startswith(losers)
            ):
                return f"{row['comment']} ({row['cite']})"
        return None
