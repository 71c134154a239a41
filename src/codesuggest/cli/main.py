"""The ``codesuggest`` typer app; each command lives in its own module.

The command modules import only what their signatures need; each command imports the heavy
parts (spaCy, scikit-learn, SQLAlchemy, FastAPI, the engine) when it runs, so that ``--help``
and usage errors answer at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from codesuggest.cli import codesets, db, keys, models
from codesuggest.cli.audit import audit
from codesuggest.cli.batch import batch
from codesuggest.cli.common import exit_on_sigterm, exit_process, teardown_skipped
from codesuggest.cli.evaluate import evaluate
from codesuggest.cli.info import info, version_option
from codesuggest.cli.serve import serve
from codesuggest.cli.suggest import suggest
from codesuggest.cli.train import train
from codesuggest.cli.usage import CliGroup

app = typer.Typer(
    name="codesuggest",
    cls=CliGroup,
    help="Suggest ICD-10-CM and procedure codes, with evidence, for clinical notes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_option,
            is_eager=True,
            help="Print the version, the home, the model and the database, and exit.",
        ),
    ] = False,
) -> None:
    """Suggest ICD-10-CM and procedure codes, with evidence, for clinical notes."""
    exit_on_sigterm()


app.command("suggest")(suggest)
app.command("batch")(batch)
app.command("audit")(audit)
app.command("serve")(serve)
app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("info")(info)
app.add_typer(models.app, name="models")
app.add_typer(keys.app, name="keys")
app.add_typer(db.app, name="db")
app.add_typer(codesets.app, name="codesets")


def run() -> None:
    """The ``codesuggest`` console command: the app, then, for a command that asked it
    (``common.skip_teardown``: a batch, an evaluation), the end of the process without the
    interpreter's teardown of the engine it loaded."""
    try:
        app()
    except SystemExit as exc:
        if teardown_skipped():
            exit_process(exc.code)
        raise
    if teardown_skipped():  # pragma: no cover - the app ends with SystemExit
        exit_process(0)


if __name__ == "__main__":  # pragma: no cover
    run()
