from __future__ import annotations

import json
import re
from pathlib import Path

from codesuggest.audit import run_audit
from codesuggest.audit.findings import Finding
from codesuggest.audit.report import highlight
from codesuggest.engine import Engine


def test_the_report_is_self_contained_and_shows_the_totals_and_evidence(
    reuse_engine: Engine, model_dir: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    notes, billed = inputs
    result = run_audit(notes, billed, tmp_path / "out", model=model_dir, echo=lambda _: None)
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "@import" not in page and "<link" not in page
    assert page.count("<svg") >= 2
    for kind, n in result.summary["by_finding"].items():
        assert f"<b>{n:,}</b>{kind.replace('_', ' ')}" in page
    assert "<mark" in page and "Acute respiratory failure with hypoxia</mark>" in page
    assert "absent_note" in page  # the bad input is listed
    assert "v43.0 (FY2026)" in page and "V28" in page


def test_highlight_escapes_the_note_and_marks_each_span() -> None:
    text = "a <b> pain & fever"
    spans = [{"start": 6, "end": 10, "text": "pain", "assertion": "negated", "kind": "mention"}]
    f = Finding("n", "R52", "ICD-10-CM", "unsupported", 0.1, json.dumps(spans))
    out = highlight(text, [f])
    assert out.startswith("a &lt;b&gt; <mark")
    assert ">pain</mark> &amp; fever" in out
    assert 'title="R52"' in out
