"""Which settings of a rule training may adapt to a site's coding, and what each one does.

A rule that is coding policy more than coding law declares them in its params, strictest first:
``"adaptable": [{"setting": {...params...}, "effect": "recommends ..."}]``. ``effect`` says in
plain words what a model trained with that setting does that the packaged rule would not; the
trainer prints it, the model card records it and the review page shows it. A rule without the
list is never adapted (``codesuggest train --adapt-rules``, training/rule_choice.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codesuggest.errors import ConfigError
from codesuggest.rules.base import Rule

KEY = "adaptable"
_ENTRY_KEYS = {"setting", "effect"}


@dataclass(frozen=True)
class Adaptation:
    """One adaptable setting of a rule: the params it overrides and its effect in plain words."""

    rule: str
    setting: dict[str, Any]
    effect: str

    def applied(self, rule: Rule) -> Rule:
        """``rule`` with this setting (its params overridden)."""
        return Rule(rule.name, rule.kind, rule.description, {**rule.params, **self.setting})


def adaptations(rule: Rule) -> list[Adaptation]:
    """The adaptable settings ``rule`` declares, strictest first; malformed data is an error."""
    raw = rule.params.get(KEY, [])
    if not isinstance(raw, list):
        raise ConfigError(f"rule {rule.name!r}: {KEY!r} must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
            raise ConfigError(
                f"rule {rule.name!r}: each {KEY!r} entry has exactly 'setting' and 'effect'"
            )
        setting, effect = entry["setting"], entry["effect"]
        if not isinstance(setting, dict) or not setting or KEY in setting:
            raise ConfigError(
                f"rule {rule.name!r}: an adaptable 'setting' is a non-empty object of params"
            )
        if not isinstance(effect, str) or not effect.strip():
            raise ConfigError(
                f"rule {rule.name!r}: an adaptable 'effect' is a plain-language sentence"
            )
        out.append(Adaptation(rule.name, dict(setting), effect.strip()))
    return out
