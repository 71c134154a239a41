"""An audit's totals (``summary.json``, and what the report shows): findings by kind, by code
system and by impact, the billed codes most often unsupported and the codes most often missed,
and the bad input by kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from codesuggest.audit.findings import FINDINGS, Finding
from codesuggest.audit.problems import Problem, count_kinds

IMPACTS = ("MCC", "CC", "HCC", "none")
TOP = 20


def impacts_of(f: Finding) -> list[str]:
    """The impact buckets a finding counts in (an MCC that is also an HCC counts in both)."""
    out = [f.severity] if f.severity else []
    if f.hcc:
        out.append("HCC")
    return out or ["none"]


def summarize(
    findings: Sequence[Finding],
    problems: Sequence[Problem],
    *,
    notes: int,
    billed_rows: int,
    about: dict[str, Any],
) -> dict[str, Any]:
    by_finding = Counter(f.finding for f in findings)
    by_system: dict[str, Counter[str]] = defaultdict(Counter)
    by_impact: dict[str, Counter[str]] = {i: Counter() for i in IMPACTS}
    for f in findings:
        by_system[f.system][f.finding] += 1
        for bucket in impacts_of(f):
            by_impact[bucket][f.finding] += 1
    return {
        **about,
        "notes": notes,
        "billed_rows": billed_rows,
        "findings": len(findings),
        "by_finding": {k: by_finding.get(k, 0) for k in FINDINGS},
        "by_system": {s: _all(c) for s, c in sorted(by_system.items())},
        "by_impact": {i: _all(by_impact[i]) for i in IMPACTS},
        "top_unsupported": top_codes(findings, "unsupported"),
        "top_missed": top_codes(findings, "missed"),
        "problems": count_kinds(list(problems)),
    }


def _all(counts: Counter[str]) -> dict[str, int]:
    return {k: counts.get(k, 0) for k in FINDINGS}


def top_codes(findings: Sequence[Finding], finding: str, n: int = TOP) -> list[dict[str, Any]]:
    """The codes with the most findings of a kind, worth first among equal counts."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], Finding] = {}
    for f in findings:
        if f.finding == finding:
            key = (f.system, f.code)
            counts[key] += 1
            first.setdefault(key, f)
    ranked = sorted(counts, key=lambda k: (-counts[k], -first[k].worth, k))
    return [
        {
            "system": k[0],
            "code": k[1],
            "description": first[k].description,
            "count": counts[k],
            "impact": first[k].impact,
            "worth": first[k].worth,
        }
        for k in ranked[:n]
    ]
