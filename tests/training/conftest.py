"""Fixtures of the training tests: an evaluation of the suite's default model on a few notes."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.training.evaluation import EvaluationReport, evaluate_model
from tests.utils.evaluation_notes import NOTES


@pytest.fixture(scope="session")
def report(engine: Engine) -> EvaluationReport:
    return evaluate_model(engine, NOTES, top=30)
