"""``codesuggest codesets ...``: the code systems, and the CPT and HCPCS Level II catalogs a site
registers from its own licensed files (codesuggest.codesets.catalogs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codesuggest.cli.common import handled_errors

if TYPE_CHECKING:
    from codesuggest.codesets.icd10cm import Icd10Cm

app = typer.Typer(
    help="List the code systems; add or remove the CPT and HCPCS catalogs you license.",
    no_args_is_help=True,
)

SystemArg = Annotated[str, typer.Argument(metavar="SYSTEM", help="cpt or hcpcs.")]
PICKED_UP = (
    "`codesuggest suggest` and `batch` use it from their next run; a running `codesuggest "
    "serve` within a few seconds"
)


@app.command("add")
def add(
    system: SystemArg,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="UTF-8 text, one code<TAB>descriptor a line.")
    ],
    release: Annotated[
        str | None,
        typer.Option(help='What release the file is, e.g. "CPT 2026" (default: its name, today).'),
    ] = None,
) -> None:
    """Register (or replace) a CPT or HCPCS Level II catalog: every line is checked first, and
    a file with a bad line changes nothing."""
    from codesuggest.codesets import catalogs
    from codesuggest.settings import get_settings

    with handled_errors():
        catalog = catalogs.register(get_settings().home, system, file, release)
    typer.echo(
        f"registered {catalog.system} {catalog.release}: {len(catalog):,} codes "
        f"(sha256 {catalog.sha256[:12]}); {PICKED_UP}"
    )


@app.command("remove")
def remove(system: SystemArg) -> None:
    """Unregister a CPT or HCPCS catalog: its codes are no longer proposed from its
    descriptors (codes a trained model learned from coded notes still are)."""
    from codesuggest.codesets import catalogs
    from codesuggest.settings import get_settings

    with handled_errors():
        entry = catalogs.remove(get_settings().home, system)
        name = catalogs.user_system(system)
    typer.echo(f"removed {name} {entry['release']} ({entry['codes']:,} codes); {PICKED_UP}")


@app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    model: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Model whose ICD-10-CM table to count (default: configured)."
        ),
    ] = None,
) -> None:
    """Every code system: what it codes, where its codes come from, release and counts."""
    from codesuggest.codesets.summary import summaries
    from codesuggest.settings import get_settings

    with handled_errors():
        rows = summaries(_codeset(model), get_settings().home)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row.to_dict(), ensure_ascii=False))
        return
    table = [("system", "kind", "source", "codes", "release")]
    for row in rows:
        codes = f"{row.codes:,}" if row.codes else "-"
        if row.billable and row.billable != row.codes:
            codes += f" ({row.billable:,} billable)"
        release = row.release or "-"
        if row.registered:
            release += f" (registered {row.registered[:10]} from {row.file})"
        table.append((row.system, row.kind, row.source, codes, release))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]) - 1)]
    for r in table:
        cells = [cell.ljust(width) for cell, width in zip(r, widths, strict=False)]
        typer.echo("  ".join([*cells, r[-1]]).rstrip())


def _codeset(model: Path | None) -> Icd10Cm:
    """The ICD-10-CM table of ``model`` (or of the model that loads by default), else the
    installed package's (a few seconds to read)."""
    from codesuggest.errors import ModelNotFoundError
    from codesuggest.model_dir import artefact, read_card
    from codesuggest.model_io.codeset import FILE, load_codeset
    from codesuggest.registry import resolve_model_path
    from codesuggest.settings import get_settings

    path = model if model is not None else resolve_model_path(get_settings())
    try:
        card = read_card(path)
    except ModelNotFoundError:
        if model is not None:
            raise
        from codesuggest.codesets.icd10cm import Icd10Cm

        return Icd10Cm.from_package()
    return load_codeset(artefact(path, card, FILE))
