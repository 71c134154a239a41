"""``codesuggest train --data SRC [--data SRC ...]``: train a model on coded notes.

The corpora are named as in :func:`codesuggest.training.corpus.read_corpus` (``codiesp:DIR``,
``jsonl:PATH``, ``csv:PATH`` or a bare path). The model is written to ``--out`` (default:
``<home>/models/<name>``) atomically; an existing ``--out`` is replaced only with ``--force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from codesuggest.cli.common import fail, handled_errors
from codesuggest.errors import InputError

DEFAULT_NAME = "trained"
# the --data option of `train` and `evaluate`
CorporaOption = Annotated[
    list[str],
    typer.Option(
        "--data",
        metavar="SRC",
        help=(
            "A coded corpus: codiesp:DIR, jsonl:PATH, csv:PATH, a path, or feedback:DB_URL "
            "for coders' decisions in the store (repeatable)."
        ),
    ),
]


def train(
    data: CorporaOption,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Where to write the model (default: <home>/models/NAME)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help=f"Model name for its card (default: the --out folder name, or {DEFAULT_NAME}).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    folds: Annotated[
        int, typer.Option(min=2, help="Folds for the out-of-fold learned scores.")
    ] = 5,
    synthetic_notes: Annotated[
        int | None,
        typer.Option(min=0, help="Synthetic notes added to the ranker's training rows."),
    ] = None,
    adapt_rules: Annotated[
        bool,
        typer.Option(
            "--adapt-rules",
            help=(
                "Adapt the coding rules that declare adaptable settings (affirmed evidence, "
                "Excludes1) to the site's coding where that scores better on held-out notes; "
                "the model card, `models show`, GET /v1/models and the review page then state "
                "what the model does that the packaged rules would not. Default: packaged rules."
            ),
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out.")] = False,
) -> None:
    """Train a model on coded notes and print its held-out figures."""
    from codesuggest.model_dir import read_card
    from codesuggest.settings import get_settings
    from codesuggest.training.trainer import TrainConfig, train_model  # slow imports

    with handled_errors():
        model_name = name or (out.name if out is not None else DEFAULT_NAME)
        if "/" in model_name or model_name.startswith("."):
            raise fail(f"--name {model_name!r} must be a plain folder name")
        target = out if out is not None else get_settings().models_dir / model_name
        check_corpora(data)
        if target.exists() and not target.is_dir():
            raise fail(f"--out {target} exists and is not a directory")
        if target.exists() and not force:
            raise fail(f"{target} already exists; use --force to replace it")
        options: dict[str, Any] = {
            "name": model_name,
            "seed": seed,
            "folds": folds,
            "adapt_rules": adapt_rules,
        }
        if synthetic_notes is not None:
            options["synthetic_notes"] = synthetic_notes
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            built = train_model(list(data), target, TrainConfig(**options), progress=True)
        except BaseException:
            typer.echo("", err=True)  # end the progress bar's line before the error line
            raise
        card = read_card(built)
    for line in card_report(card):
        typer.echo(line)
    typer.echo(f"wrote model {model_name} to {built}", err=True)


def check_corpora(specs: list[str]) -> None:
    """Fail fast (before loading anything) on a corpus that is not there."""
    from codesuggest.training.corpus import feedback_url, parse_spec

    for spec in specs:
        if feedback_url(spec) is not None:
            continue  # a database, reached when read
        _, path = parse_spec(spec)
        if not path.exists():
            raise InputError(f"no such corpus file or folder: {path}")


# other figures of a card's "metrics", in plain words
METRIC_LABELS = {
    "held_out_f1_after_rules": "held-out F1 of the recommended codes, after the coding rules",
    "synthetic_heldout_f1": "F1 on held-out synthetic notes",
    "synthetic_threshold": "threshold chosen on synthetic notes",
}


def card_report(card: dict[str, Any]) -> list[str]:
    """The corpus summaries, held-out figures and coding rules of a freshly written card."""
    from codesuggest.held_out import LEGEND, held_out_table
    from codesuggest.registry import ADAPTED_HEADING, CardSummary, adaptation_sentence

    training = card.get("training_data", {})
    lines: list[str] = ["training data:"]
    for summary in training.get("summaries", []):
        lines += [f"  {line}" for line in str(summary).splitlines()]
    metrics = card.get("metrics", {})
    metrics = metrics if isinstance(metrics, dict) else {}
    held = metrics.get("held_out", {})
    table = held_out_table(held) if isinstance(held, dict) else []
    if table:
        lines.append(
            "held-out figures (the ranker before the coding rules, on notes unseen in fitting):"
        )
        lines += [*table, f"  ({LEGEND})"]
    others = {k: v for k, v in metrics.items() if k != "held_out"}
    for key, value in sorted(others.items()):
        lines.append(f"{METRIC_LABELS.get(key, key.replace('_', ' '))}: {_fmt(value)}")
    if isinstance(card.get("threshold"), int | float):
        lines.append(f"recommendation threshold (confidence): {card['threshold']:.3f}")
    adapted = CardSummary.from_card(card).rule_adaptations
    if adapted:
        lines.append(ADAPTED_HEADING)
        lines += [f"  - {adaptation_sentence(a)}" for a in adapted]
    else:
        lines.append("coding rules: as packaged")
    return lines


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
