"""The reliability diagram: a PNG where matplotlib is installed (codesuggest[plots]), a clear
error where it is not, and never imported by the service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codesuggest.errors import ConfigError
from codesuggest.training.evaluation import EvaluationReport
from codesuggest.training.reliability_plot import plot_reliability, plots_available
from tests.utils.absent import hide_package

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_evaluate_model_reliability_plot_is_a_png(report: EvaluationReport, tmp_path: Path) -> None:
    path = plot_reliability(report, tmp_path / "reliability.png")
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 1000
    assert len(report.reliability) == 10
    assert sum(b.count for b in report.reliability) > 0


def test_without_matplotlib_the_plot_says_how_to_install_it(
    report: EvaluationReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_package(monkeypatch, "matplotlib")
    assert not plots_available()
    with pytest.raises(ConfigError, match=r"pip install 'codesuggest\[plots\]'"):
        plot_reliability(report, tmp_path / "reliability.png")
    assert not (tmp_path / "reliability.png").exists()


def test_the_service_and_the_engine_never_import_matplotlib() -> None:
    code = (
        "import sys\n"
        "import codesuggest.api.main, codesuggest.cli.main, codesuggest.engine\n"
        "import codesuggest.training.evaluation, codesuggest.training.evaluation_table\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
