"""``report.html``: one self-contained page (inline CSS, SVG charts and a few lines of script;
nothing fetched) with an audit's totals by finding, system and impact, the billed codes most
often unsupported and the codes most often missed, the bad input, and a drill-down per note
showing its text with each finding's evidence highlighted."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from codesuggest.audit.findings import FINDINGS, Finding
from codesuggest.audit.problems import Problem
from codesuggest.io.atomic import atomic_writer

MAX_NOTES = 1000  # notes in the drill-down, those with the most worth at stake first
MAX_PROBLEMS = 500
COLOURS = {
    "unsupported": "#c0392b",
    "missed": "#d68910",
    "more_specific_available": "#2874a6",
    "conflict": "#7d3c98",
    "supported": "#1e8449",
}
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c2833;
background:#f4f6f7}
header{background:#1c2833;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#d5d8dc;font-size:12px}
main{padding:16px 24px;max-width:1200px}
section{background:#fff;border-radius:6px;padding:12px 16px;margin:0 0 16px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:16px;margin:0 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{flex:1 1 140px;border-left:5px solid #999;background:#fbfcfc;padding:8px 12px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaecee;vertical-align:top}
th{background:#f2f3f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.tag{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.note{white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;
background:#fbfcfc;border:1px solid #eaecee;padding:8px;max-height:360px;overflow:auto}
mark{padding:0 1px;border-radius:2px}details{border-top:1px solid #eaecee;padding:6px 0}
summary{cursor:pointer}input[type=search]{padding:4px 8px;width:260px;margin-bottom:8px}
.muted{color:#717d7e;font-size:12px}
"""
_JS = """
document.getElementById('q').addEventListener('input',function(e){
var q=e.target.value.toLowerCase();
document.querySelectorAll('details.n').forEach(function(d){
d.style.display=d.dataset.k.indexOf(q)>=0?'':'none';});});
"""


def write_report(
    path: Path,
    findings: Sequence[Finding],
    problems: Sequence[Problem],
    summary: dict[str, Any],
    texts: dict[str, str],
) -> None:
    with atomic_writer(path) as handle:
        handle.write(render(findings, problems, summary, texts))


def render(
    findings: Sequence[Finding],
    problems: Sequence[Problem],
    summary: dict[str, Any],
    texts: dict[str, str],
) -> str:
    model = summary.get("model", {})
    tables = summary.get("tables", {})
    head = (
        f"<header><h1>Audit of billed codes</h1><p>{summary['notes']:,} notes, "
        f"{summary['billed_rows']:,} billed rows, {summary['findings']:,} findings · model "
        f"{escape(str(model.get('name')))} {escape(str(model.get('version')))} · engine "
        f"{escape(str(summary.get('engine')))} · minimum support {summary.get('min_support')}"
        f"</p></header>"
    )
    parts = [
        _cards(summary),
        '<div class="grid">',
        _section("Findings by kind", _bars(summary["by_finding"])),
        _section("Findings by impact", _stacked(summary["by_impact"])),
        "</div>",
        _section("Findings by code system", _matrix(summary["by_system"])),
        '<div class="grid">',
        _section("Top unsupported billed codes", _top(summary["top_unsupported"])),
        _section("Top missed codes", _top(summary["top_missed"])),
        "</div>",
        _section("Bad input", _problems(problems, summary["problems"])),
        _section("Notes", _notes(findings, texts)),
        _section(
            "Tables",
            "<ul>"
            + "".join(f"<li>{escape(str(v))}</li>" for v in tables.values())
            + "".join(
                f"<li>{escape(k)} {escape(str(v))}</li>"
                for k, v in summary.get("code_sets", {}).items()
            )
            + "</ul>",
        ),
    ]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>codesuggest audit</title><style>{_CSS}</style></head><body>{head}<main>"
        + "".join(parts)
        + f"</main><script>{_JS}</script></body></html>\n"
    )


def _section(title: str, body: str) -> str:
    return f"<section><h2>{escape(title)}</h2>{body}</section>"


def _cards(summary: dict[str, Any]) -> str:
    cards = "".join(
        f'<div class="card" style="border-color:{COLOURS[k]}"><b>{summary["by_finding"][k]:,}</b>'
        f"{escape(k.replace('_', ' '))}</div>"
        for k in FINDINGS
    )
    bad = sum(summary["problems"].values())
    cards += f'<div class="card"><b>{bad:,}</b>bad input rows</div>'
    return f'<section><div class="cards">{cards}</div></section>'


def _bars(counts: dict[str, int]) -> str:
    top = max(counts.values(), default=0) or 1
    rows = []
    for i, (k, v) in enumerate(counts.items()):
        w = 300 * v / top
        y = i * 26
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(k.replace("_", " "))}</text>'
            f'<rect x="170" y="{y + 3}" width="{w:.1f}" height="16" '
            f'fill="{COLOURS.get(k, "#888")}"/>'
            f'<text x="{175 + w:.1f}" y="{y + 15}" font-size="12">{v:,}</text>'
        )
    h = 26 * len(counts)
    return (
        f'<svg role="img" aria-label="findings by kind" width="100%" viewBox="0 0 540 {h}">'
        + "".join(rows)
        + "</svg>"
    )


def _stacked(by_impact: dict[str, dict[str, int]]) -> str:
    top = max((sum(v.values()) for v in by_impact.values()), default=0) or 1
    rows = []
    for i, (bucket, counts) in enumerate(by_impact.items()):
        y, x = i * 26, 170.0
        rows.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(bucket)}</text>')
        for k in FINDINGS:
            w = 300 * counts.get(k, 0) / top
            if w:
                rows.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="16" '
                    f'fill="{COLOURS[k]}"><title>{escape(k)}: {counts[k]:,}</title></rect>'
                )
            x += w
        rows.append(
            f'<text x="{x + 5:.1f}" y="{y + 15}" font-size="12">{sum(counts.values()):,}</text>'
        )
    legend = " ".join(
        f'<span class="tag" style="background:{c}">{escape(k.replace("_", " "))}</span>'
        for k, c in COLOURS.items()
    )
    h = 26 * len(by_impact)
    return (
        f'<svg role="img" aria-label="findings by impact" width="100%" viewBox="0 0 540 {h}">'
        + "".join(rows)
        + f'</svg><p class="muted">{legend}<br>MS-DRG severity (MCC, CC) and CMS-HCC V28 '
        "payment category; a code both an MCC and an HCC counts in both.</p>"
    )


def _matrix(by_system: dict[str, dict[str, int]]) -> str:
    head = "".join(f"<th>{escape(k.replace('_', ' '))}</th>" for k in FINDINGS)
    rows = "".join(
        f"<tr><td>{escape(s)}</td>"
        + "".join(f'<td class="n">{c.get(k, 0):,}</td>' for k in FINDINGS)
        + "</tr>"
        for s, c in by_system.items()
    )
    return f"<table><tr><th>system</th>{head}</tr>{rows}</table>"


def _top(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    body = "".join(
        f"<tr><td>{escape(r['code'])}</td><td>{escape(r['description'])}</td>"
        f'<td class="n">{r["count"]:,}</td><td>{escape(r["impact"])}</td></tr>'
        for r in rows
    )
    return f"<table><tr><th>code</th><th>title</th><th>notes</th><th>impact</th></tr>{body}</table>"


def _problems(problems: Sequence[Problem], counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return '<p class="muted">none</p>'
    kinds = ", ".join(f"{escape(k)}: {v:,}" for k, v in counts.items() if v)
    rows = "".join(
        f"<tr><td>{escape(p.kind)}</td><td>{escape(p.where)}</td><td>{escape(p.note_id)}</td>"
        f"<td>{escape(p.code)}</td><td>{escape(p.reason)}</td></tr>"
        for p in problems[:MAX_PROBLEMS]
    )
    more = (
        f'<p class="muted">first {MAX_PROBLEMS:,} of {total:,}; all in problems.csv</p>'
        if total > MAX_PROBLEMS
        else ""
    )
    return (
        f"<p>{kinds}</p><table><tr><th>kind</th><th>where</th><th>note</th><th>code</th>"
        f"<th>why</th></tr>{rows}</table>{more}"
    )


def _notes(findings: Sequence[Finding], texts: dict[str, str]) -> str:
    by_note: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_note[f.note_id].append(f)
    stake = {
        n: (
            -max((f.worth for f in fs if f.finding != "supported"), default=-1),
            -sum(f.finding != "supported" for f in fs),
            n,
        )
        for n, fs in by_note.items()
    }
    ordered = sorted(by_note, key=lambda n: stake[n])
    shown = ordered[:MAX_NOTES]
    more = (
        f'<p class="muted">the {MAX_NOTES:,} notes with the most at stake of {len(ordered):,}; '
        "every finding is in findings.csv</p>"
        if len(ordered) > MAX_NOTES
        else ""
    )
    items = "".join(_note(n, by_note[n], texts.get(n, "")) for n in shown)
    return '<input type="search" id="q" placeholder="filter by note id or code">' + more + items


def _note(note_id: str, findings: list[Finding], text: str) -> str:
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.finding] += 1
    tags = " ".join(
        f'<span class="tag" style="background:{COLOURS[k]}">{counts[k]} '
        f"{escape(k.replace('_', ' '))}</span>"
        for k in FINDINGS
        if counts[k]
    )
    rows = "".join(
        f'<tr><td><span class="tag" style="background:{COLOURS[f.finding]}">'
        f"{escape(f.finding.replace('_', ' '))}</span></td><td>{escape(f.code)}</td>"
        f'<td>{escape(f.description)}</td><td class="n">{f.confidence:.2f}</td>'
        f"<td>{escape(f.impact)}</td><td>{escape(f.rule)}"
        f"{(' → ' + escape(f.related)) if f.related else ''}</td><td>{escape(f.detail)}</td></tr>"
        for f in findings
    )
    key = " ".join([note_id, *(f.code for f in findings)]).lower()
    return (
        f'<details class="n" data-k="{escape(key)}"><summary><b>{escape(note_id)}</b> {tags}'
        "</summary><table><tr><th>finding</th><th>code</th><th>title</th><th>confidence</th>"
        f"<th>impact</th><th>rule</th><th>detail</th></tr>{rows}</table>"
        f'<div class="note">{highlight(text, findings)}</div></details>'
    )


def highlight(text: str, findings: Sequence[Finding]) -> str:
    """The note's text, escaped, with each evidence span marked in its finding's colour (the
    first finding to claim a character colours it) and titled with the codes it supports.

    The text is cut where any span starts or ends; each piece between two cuts lies wholly in
    or out of every span, so it is coloured and titled once (not character by character)."""
    codes: dict[tuple[int, int], list[str]] = defaultdict(list)
    spans = []
    for f in findings:
        for span in json.loads(f.evidence):
            start, end = max(0, int(span["start"])), min(len(text), int(span["end"]))
            if start < end:
                spans.append((start, end, f.finding))
                codes[(start, end)].append(f.code)
    spans.sort()
    titled = [(start, end, ", ".join(cs)) for (start, end), cs in codes.items()]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces: list[tuple[int, int, str | None, str | None]] = []
    for a, b in pairwise(cuts):
        owner = next((f for s, e, f in spans if s <= a and b <= e), None)
        title = next((t for s, e, t in titled if s <= a and b <= e), None)
        if pieces and pieces[-1][2:] == (owner, title):
            pieces[-1] = (pieces[-1][0], b, owner, title)
        else:
            pieces.append((a, b, owner, title))
    out: list[str] = []
    for a, b, owner, title in pieces:
        piece = escape(text[a:b])
        if owner is None:
            out.append(piece)
        else:
            colour = COLOURS[owner]
            out.append(
                f'<mark style="background:{colour}33;border-bottom:2px solid {colour}" '
                f'title="{escape(title or "")}">{piece}</mark>'
            )
    return "".join(out)
