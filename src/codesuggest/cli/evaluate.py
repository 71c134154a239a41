"""``codesuggest evaluate --model DIR --data SRC``: measure a model on coded notes.

Prints the figures (overall and per code system) and writes ``errors.csv`` (one row per code)
and, with ``codesuggest[plots]`` installed, ``reliability.png`` into ``--report-dir``, by
default a new folder ``<home>/reports/evaluate-<model>-<UTC time>``, and prints the folder's
path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from codesuggest.cli.common import (
    SystemOption,
    handled_errors,
    kept_systems,
    load_engine,
    skip_teardown,
)
from codesuggest.cli.train import CorporaOption, check_corpora
from codesuggest.errors import InputError
from codesuggest.process_heap import settled_heap

ERRORS_CSV = "errors.csv"
RELIABILITY_PNG = "reliability.png"


def evaluate(
    data: CorporaOption,
    model: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Model directory (default: configured).")
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=200, help="Suggestions ranked per note.")] = 30,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help=(
                "Where to write errors.csv and reliability.png "
                "(default: <home>/reports/evaluate-MODEL-TIME)."
            ),
        ),
    ] = None,
    system: SystemOption = None,
) -> None:
    """Evaluate a model on coded notes: ranking, decision and calibration figures (with
    --system, of those systems' gold codes and suggestions only)."""
    from codesuggest.training.evaluation import evaluate_model
    from codesuggest.training.evaluation_table import report_lines, write_errors_csv
    from codesuggest.training.reliability_plot import (
        INSTALL_HINT,
        plot_reliability,
        plots_available,
    )
    from codesuggest.training.trainer import read_training_data

    systems = kept_systems(system)
    with handled_errors():
        if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
            raise InputError(f"--report-dir {report_dir} is not a folder")
        check_corpora(data)
        with settled_heap():
            engine = load_engine(model)
        folder = report_dir if report_dir is not None else default_report_dir(engine.info.name)
        skip_teardown()  # the process ends with the evaluation
        notes, summaries = read_training_data(list(data), engine.codeset)
        for summary in summaries:
            typer.echo(summary, err=True)
        result = evaluate_model(engine, notes, top=top, progress=True, systems=systems)
        folder.mkdir(parents=True, exist_ok=True)
        written = [write_errors_csv(result, folder / ERRORS_CSV)]
        if plots_available():
            written.append(plot_reliability(result, folder / RELIABILITY_PNG))
    for line in report_lines(result):
        typer.echo(line)
    typer.echo(f"wrote {' and '.join(map(str, written))}", err=True)
    if len(written) == 1:
        typer.echo(
            f"{RELIABILITY_PNG} not drawn: matplotlib is not installed ({INSTALL_HINT})", err=True
        )


def default_report_dir(model_name: str, now: dt.datetime | None = None) -> Path:
    """A new folder for one evaluation's report: ``<home>/reports/evaluate-<model>-<time>``
    (UTC, to the second; a run within the same second gets ``-2``, ``-3``...)."""
    from codesuggest.settings import get_settings

    moment = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in model_name) or "model"
    base = get_settings().home / "reports" / f"evaluate-{safe}-{moment}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder
