"""Fixtures the rule-kind tests share: the code set and the packaged rules."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.engine import RuleSet


@pytest.fixture(scope="module")
def cs() -> Icd10Cm:
    return Icd10Cm.from_package()


@pytest.fixture(scope="module")
def packaged() -> RuleSet:
    return RuleSet.from_json()
