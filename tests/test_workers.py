"""A worker process keeps one engine per model and sends errors back in a picklable form."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import CodeSuggestError, ModelError
from codesuggest.workers import in_worker


def test_a_worker_loads_its_engine_once(model_dir: Path, reuse_engine: Engine) -> None:
    first = in_worker(str(model_dir), lambda engine: engine)
    second = in_worker(str(model_dir), lambda engine: engine)
    assert first is second is reuse_engine


def test_work_runs_on_the_engine(model_dir: Path, reuse_engine: Engine) -> None:
    assert in_worker(str(model_dir), lambda engine: engine.info.name) == reuse_engine.info.name


def test_a_model_that_does_not_load_comes_back_as_a_plain_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as raised:
        in_worker(str(tmp_path / "no-such-model"), lambda engine: engine)
    assert type(raised.value) is ModelError
    assert str(pickle.loads(pickle.dumps(raised.value))) == str(raised.value)


def test_other_engine_errors_come_back_as_plain_codesuggest_errors(
    model_dir: Path, reuse_engine: Engine
) -> None:
    class Odd(CodeSuggestError):
        def __init__(self, a: int, b: int) -> None:
            super().__init__(f"odd {a} {b}")

    def fail(engine: Engine) -> None:
        raise Odd(1, 2)

    with pytest.raises(CodeSuggestError) as raised:
        in_worker(str(model_dir), fail)
    assert type(raised.value) is CodeSuggestError
    assert str(raised.value) == "odd 1 2"
