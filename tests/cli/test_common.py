"""What the commands share: a quick exit once a command is done."""

from __future__ import annotations

import subprocess
import sys

import pytest

from codesuggest.cli import common
from codesuggest.cli.main import run


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
