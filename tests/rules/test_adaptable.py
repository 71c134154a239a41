"""The adaptable settings a rule declares, and their plain-language effects."""

from __future__ import annotations

from typing import Any

import pytest

from codesuggest.errors import ConfigError
from codesuggest.rules.adaptable import Adaptation, adaptations
from codesuggest.rules.engine import Rule, RuleSet


def _rule(adaptable: Any) -> Rule:
    return Rule("r", "excludes1", "Two codes in an Excludes1 relation.", {"adaptable": adaptable})


def test_adaptations_of_the_packaged_rules_state_their_effects() -> None:
    declared = {r.name: adaptations(r) for r in RuleSet.from_json().rules}
    adaptable = {name for name, found in declared.items() if found}
    # policy rules a site may adapt, visibly; rules that encode the code set never are
    assert adaptable == {
        "unaffirmed-evidence",
        "documented-in-note",
        "excludes1-conflict",
        "symptom-integral-to-diagnosis",
        "symptom-outside-diagnostic-statement",
        "unspecified-beside-specific",
        "combination-supersedes-components",
        "neoplasm-site-supersedes-unspecified",
    }
    assert not adaptable & {"non-billable-specify", "sex-edit", "age-edit", "seventh-character"}
    for found in declared.values():
        for a in found:
            assert a.effect.startswith("recommends ")
    [excludes1] = declared["excludes1-conflict"]
    assert excludes1.setting == {"withdraw": False}
    assert "Excludes1 pair" in excludes1.effect
    # the loosest setting of the affirmed-evidence rule says that negated codes are recommended
    assert "negated" in declared["unaffirmed-evidence"][-1].effect


def test_adaptations_of_a_rule_without_them_is_empty() -> None:
    assert adaptations(Rule("r", "excludes1", "d", {})) == []


@pytest.mark.parametrize(
    "adaptable",
    [
        {"setting": {"withdraw": False}, "effect": "x"},  # not a list
        [{"setting": {"withdraw": False}}],  # no effect
        [{"setting": {"withdraw": False}, "effect": "x", "why": "y"}],  # unknown key
        [{"setting": {}, "effect": "recommends"}],  # an empty setting
        [{"setting": {"withdraw": False}, "effect": "  "}],  # an empty effect
        [{"setting": {"adaptable": []}, "effect": "recommends"}],  # a setting of settings
    ],
)
def test_adaptations_malformed_data_is_a_config_error(adaptable: Any) -> None:
    with pytest.raises(ConfigError, match="rule 'r'"):
        adaptations(_rule(adaptable))


def test_adaptation_applied_overrides_the_rule_params() -> None:
    rule = Rule("r", "require_affirmed", "d", {"affirmed": ["present"], "max": 3})
    relaxed = Adaptation("r", {"affirmed": ["present", "possible"]}, "recommends").applied(rule)
    assert relaxed.params == {"affirmed": ["present", "possible"], "max": 3}
    assert (relaxed.name, relaxed.kind, relaxed.description) == (rule.name, rule.kind, "d")
    assert rule.params["affirmed"] == ["present"]
