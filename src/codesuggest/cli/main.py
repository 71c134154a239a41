"""The ``codesuggest`` typer app; each command lives in its own module."""

from __future__ import annotations

import typer

from codesuggest.cli import db, keys, models
from codesuggest.cli.batch import batch
from codesuggest.cli.evaluate import evaluate
from codesuggest.cli.serve import serve
from codesuggest.cli.suggest import suggest
from codesuggest.cli.train import train

app = typer.Typer(
    name="codesuggest",
    help="Suggest ICD-10-CM and procedure codes, with evidence, for clinical notes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("suggest")(suggest)
app.command("batch")(batch)
app.command("serve")(serve)
app.command("train")(train)
app.command("evaluate")(evaluate)
app.add_typer(models.app, name="models")
app.add_typer(keys.app, name="keys")
app.add_typer(db.app, name="db")

if __name__ == "__main__":  # pragma: no cover
    app()
