"""``codesuggest audit --notes INPUT --billed BILLED --out DIR``: audit billed codes against
their notes (see :mod:`codesuggest.audit`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codesuggest.cli.common import check_model_dir, handled_errors


def audit(
    notes: Annotated[
        Path,
        typer.Option(
            metavar="INPUT",
            help="The notes: a folder of .txt notes, a .jsonl, a .csv or a .parquet (id, text).",
        ),
    ],
    billed: Annotated[
        Path,
        typer.Option(
            metavar="BILLED",
            help="The billed codes: a .csv or .parquet of note_id, code[, system].",
        ),
    ],
    out: Annotated[Path, typer.Option(metavar="DIR", help="The folder to write the audit to.")],
    model: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Model directory (default: configured).")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="local (worker processes) or spark (PySpark).")
    ] = "local",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (Spark: cores).")] = 1,
    force: Annotated[bool, typer.Option(help="Overwrite a finished audit in DIR.")] = False,
    min_support: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Confidence an affirmed billed code needs to count as supported.",
        ),
    ] = None,
) -> None:
    """Audit BILLED codes against their notes: unsupported, missed, more specific codes and
    rule conflicts, priced by MS-DRG severity and CMS-HCC category."""
    from codesuggest.audit import run_audit
    from codesuggest.audit.findings import DEFAULT_MIN_SUPPORT

    with handled_errors():
        check_model_dir(model)
        result = run_audit(
            notes,
            billed,
            out,
            model=model,
            engine=engine,
            workers=workers,
            force=force,
            min_support=DEFAULT_MIN_SUPPORT if min_support is None else min_support,
            echo=lambda line: typer.echo(line, err=True),
            progress=True,
        )
    totals = ", ".join(f"{v:,} {k}" for k, v in result.summary["by_finding"].items())
    bad = len(result.problems)
    typer.echo(
        f"audited {result.summary['notes']:,} notes into {out}: {totals}; {bad:,} bad input rows",
        err=True,
    )
