"""Fixtures the rule tests share: the packaged rules (the code set is ``cs`` in tests/conftest)."""

from __future__ import annotations

import pytest

from codesuggest.rules.engine import RuleSet


@pytest.fixture(scope="module")
def packaged() -> RuleSet:
    return RuleSet.from_json()
