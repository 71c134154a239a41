"""Each rule param's value is checked against its name's shape when a rule file loads."""

from __future__ import annotations

from typing import Any

import pytest

from codesuggest.errors import ConfigError
from codesuggest.rules.engine import _ANY_KIND, RuleSet, rule_from_dict
from codesuggest.rules.kinds import ALL
from codesuggest.rules.params import PARAM_SHAPES, check_params


def _rule(kind: str, **params: Any) -> dict[str, Any]:
    return {"name": "r", "kind": kind, "description": "d", "params": params}


def test_every_param_a_kind_accepts_has_a_shape() -> None:
    accepted = set(_ANY_KIND).union(*(k.required | k.optional for k in ALL.values()))
    assert accepted <= set(PARAM_SHAPES)
    assert set(PARAM_SHAPES) <= accepted  # no shape for a param nothing accepts


def test_the_packaged_rules_load_with_every_param_checked() -> None:
    rules = RuleSet.from_json().rules
    assert rules and all(r.params or r.kind for r in rules)
    for r in rules:
        check_params(r.name, r.kind, r.params)


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (_rule("title_stated", min_confidence="0.2"), "'min_confidence' must be a number"),
        (_rule("title_stated", min_confidence=1.5), "'min_confidence' must be a number"),
        (_rule("non_billable", max_children=True), "'max_children' must be a whole number"),
        (_rule("history_code", assertion="famly", column="family_history"), "'assertion'"),
        (_rule("history_code", assertion="family", column="family"), "'column' must be one of"),
        (_rule("require_affirmed", affirmed=["presnt"], past_codes=["Z85"]), "'affirmed'"),
        (_rule("unspecified_sibling", exempt="V W X"), "'exempt' must be a list"),
        (_rule("excludes1", withdraw="no"), "'withdraw' must be true or false"),
        (
            _rule("age_edit", newborn_only=["P"], maternity=["O"], maternity_ages=[64, 9]),
            "'maternity_ages'",
        ),
    ],
)
def test_a_param_of_the_wrong_shape_fails_at_load(rule: dict[str, Any], said: str) -> None:
    with pytest.raises(ConfigError, match=said):
        rule_from_dict(rule)


def test_an_adaptable_setting_is_checked_as_the_rule_is() -> None:
    bad = {"setting": {"affirmed": ["present", "histrical"]}, "effect": "recommends history"}
    with pytest.raises(ConfigError, match="'affirmed'"):
        rule_from_dict(
            _rule("require_affirmed", affirmed=["present"], past_codes=["Z85"], adaptable=[bad])
        )
    unknown = {"setting": {"min_confidence": 0.1}, "effect": "recommends more"}
    with pytest.raises(ConfigError, match="adaptable setting names unknown params"):
        rule_from_dict(
            _rule("require_affirmed", affirmed=["present"], past_codes=["Z85"], adaptable=[unknown])
        )
    good = {"setting": {"withdraw": False}, "effect": "recommends them"}
    rule = rule_from_dict(_rule("excludes1", adaptable=[good]))
    assert rule.params["adaptable"] == [good]
