"""The reliability diagram of an evaluation (``reliability.png``): drawn with matplotlib, an
optional extra (``pip install 'codesuggest[plots]'``) the service never needs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from codesuggest.errors import ConfigError
from codesuggest.training.evaluation import BINS, EvaluationReport

INSTALL_HINT = "pip install 'codesuggest[plots]'"


def plots_available() -> bool:
    """Whether matplotlib can be imported (``codesuggest[plots]``)."""
    return importlib.util.find_spec("matplotlib") is not None


def plot_reliability(report: EvaluationReport, path: Path) -> Path:
    """Write a PNG reliability diagram: share correct against confidence, with counts."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ConfigError(
            f"drawing the reliability diagram needs matplotlib: {INSTALL_HINT}"
        ) from None

    fig = Figure(figsize=(6, 7.5), dpi=100)
    FigureCanvasAgg(fig)
    ax, hist = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    width = 1.0 / BINS
    used = [b for b in report.reliability if b.count]
    ax.bar(
        [b.low for b in used],
        [b.share_correct for b in used],
        width=width,
        align="edge",
        edgecolor="black",
        alpha=0.6,
        label="share correct",
    )
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.plot(
        [b.mean_confidence for b in used],
        [b.share_correct for b in used],
        marker="o",
        linestyle="none",
        color="black",
        label="mean confidence of the bin",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("share correct")
    ece = report.overall["ece"]
    total = sum(b.count for b in report.reliability)
    ax.set_title(f"{report.model}: {total:,} suggestions, ECE {ece:.3f}")
    ax.legend(loc="upper left", fontsize=8)
    counts = [b.count for b in report.reliability]
    hist.bar(
        [b.low for b in report.reliability],
        counts,
        width=width,
        align="edge",
        edgecolor="black",
        color="grey",
    )
    top = max(counts, default=0) or 1
    for b in used:
        hist.annotate(f"{b.count:,}", (b.low + width / 2, b.count), ha="center", fontsize=8)
    hist.set_ylim(0, top * 1.25)
    hist.set_xlabel("confidence")
    hist.set_ylabel("suggestions")
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path
