"""What the commands share: the heap of a one-shot command, and its quick exit."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from codesuggest.cli import common
from codesuggest.cli.common import one_shot_heap, settled_heap
from codesuggest.cli.main import run


def test_one_shot_heap_collects_nothing_inside_and_freezes_what_it_built() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with one_shot_heap():
        assert not gc.isenabled()
        built = [[i] for i in range(1000)]  # tracked objects, as a model's lists are
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(built)
    gc.unfreeze()


def test_one_shot_heap_restores_collection_after_an_error() -> None:
    with pytest.raises(RuntimeError), one_shot_heap():
        raise RuntimeError("failed")
    assert gc.isenabled()
    gc.unfreeze()


def test_one_shot_heap_leaves_collection_off_when_it_was() -> None:
    gc.disable()
    try:
        with one_shot_heap():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_settled_heap_loads_without_collections_then_collects_rarely() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        with settled_heap():
            assert not gc.isenabled()
            loaded = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(loaded)
        assert gc.get_threshold()[0] == 200_000
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _exit_with(code: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys; from codesuggest.cli.common import exit_process; "
        f"print('written', end=''); sys.stderr.write('said'); exit_process({code})"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(("code", "status"), [("None", 0), ("0", 0), ("3", 3), ("143", 143)])
def test_exit_process_flushes_the_streams_and_exits_with_the_status(code: str, status: int) -> None:
    done = _exit_with(code)
    assert done.returncode == status
    assert done.stdout == "written"
    assert done.stderr == "said"


def test_exit_process_prints_a_message_code_and_exits_1() -> None:
    done = _exit_with("'error: stopped'")
    assert done.returncode == 1
    assert done.stderr == "saiderror: stopped\n"


def test_run_in_process_without_skip_teardown_raises_system_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # (a batch run in this process earlier asked to skip the teardown: not this command)
    monkeypatch.setattr(common, "_teardown_skipped", False)
    monkeypatch.setattr(sys, "argv", ["codesuggest", "--help"])
    with pytest.raises(SystemExit) as raised:
        run()
    assert raised.value.code == 0
    assert "Usage" in capsys.readouterr().out


def test_settle_chunk_moves_what_a_chunk_left_alive_out_of_the_collectors_walks() -> None:
    frozen = gc.get_freeze_count()
    cached = [[i] for i in range(1000)]  # as an engine's caches grow while it reads notes
    common.settle_chunk()
    assert gc.get_freeze_count() >= frozen + len(cached)
    assert gc.get_count()[0] < len(cached)  # a collection is no nearer than before them
