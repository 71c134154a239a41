"""What each rule param's value must be, by its name, for every kind that accepts it: one
vocabulary of params, checked when a rule file loads (``rules.engine.rule_from_dict``), so
that ``"min_confidence": "0.3"`` or ``"assertion": "famly"`` fails loudly instead of never
firing. Params holding nested records (``combinations``, ``groups``, ``adaptable``) are checked
by their kind's own ``check`` and by ``rules.adaptable``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codesuggest.errors import ConfigError
from codesuggest.types import Assertion

Shape = Callable[[Any], bool]
_ASSERTIONS = frozenset(a.value for a in Assertion)
# the columns of codesets/data/history_codes.tsv (``codesets.history.HistoryCodes``)
HISTORY_COLUMNS = frozenset({"personal_history", "family_history"})


def _probability(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= 1.0


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def _flag(v: Any) -> bool:
    return isinstance(v, bool)


def _text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _texts(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(_text(x) for x in v)


def _table(v: Any) -> bool:
    return _text(v) and v.endswith(".tsv") and "/" not in v


def _assertion(v: Any) -> bool:
    return v in _ASSERTIONS


def _assertions(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(_assertion(x) for x in v)


def _age_range(v: Any) -> bool:
    return (
        isinstance(v, list)
        and len(v) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in v)
        and v[0] < v[1]
    )


def _history_column(v: Any) -> bool:
    return v in HISTORY_COLUMNS


def _nested(v: Any) -> bool:
    return isinstance(v, list)  # its records: the kind's check, or rules.adaptable


# param name -> (its shape, what it must be, said in an error)
PARAM_SHAPES: dict[str, tuple[Shape, str]] = {
    "withdraw": (_flag, "true or false"),
    "adaptable": (_nested, "a list of {setting, effect} records"),
    "min_confidence": (_probability, "a number from 0 to 1"),
    "documented_min_confidence": (_probability, "a number from 0 to 1"),
    "promote_min_confidence": (_probability, "a number from 0 to 1"),
    "max_children": (_count, "a whole number above 0"),
    "max_notes": (_count, "a whole number above 0"),
    "assertion": (_assertion, f"one of {', '.join(sorted(_ASSERTIONS))}"),
    "affirmed": (_assertions, f"a list of {', '.join(sorted(_ASSERTIONS))}"),
    "column": (_history_column, f"one of {', '.join(sorted(HISTORY_COLUMNS))}"),
    "table": (_table, "a .tsv file name under rules/data"),
    "symptoms": (_table, "a .tsv file name under rules/data"),
    "basis": (_text, "a non-empty string"),
    "flag": (_text, "a non-empty string"),
    "exempt": (_texts, "a list of code prefixes"),
    "past_codes": (_texts, "a list of code prefixes"),
    "female_only": (_texts, "a list of code prefixes"),
    "male_only": (_texts, "a list of code prefixes"),
    "maternity": (_texts, "a list of code prefixes"),
    "newborn_only": (_texts, "a list of code prefixes"),
    "maternity_ages": (_age_range, "[youngest, oldest], whole numbers, youngest first"),
    "links": (_texts, "a list of phrases"),
    "title_words": (_texts, "a list of phrases"),
    "unknown": (_texts, "a list of phrases"),
    "statement_sections": (_texts, "a list of section categories"),
    "statuses": (_texts, "a list of procedure statuses"),
    "combinations": (_nested, "a list of combination records"),
    "groups": (_nested, "a list of status groups"),
}


def check_params(rule: str, kind: str, params: dict[str, Any]) -> None:
    """Raise :class:`ConfigError` naming the first param of ``rule`` whose value is not what
    its name requires."""
    for name, value in params.items():
        shape = PARAM_SHAPES.get(name)
        if shape is None:
            raise ConfigError(f"rule {rule!r} ({kind}): param {name!r} has no declared shape")
        test, wanted = shape
        if not test(value):
            raise ConfigError(f"rule {rule!r} ({kind}): param {name!r} must be {wanted}")
