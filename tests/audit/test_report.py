from __future__ import annotations

import html
import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from codesuggest.audit import run_audit
from codesuggest.audit.findings import FINDINGS, Finding
from codesuggest.audit.report import COLOURS, highlight
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


def _highlight_char_by_char(text: str, findings: list[Finding]) -> str:
    """The reference: each character's colour and title decided on its own."""
    owner: list[str | None] = [None] * len(text)
    titles: list[str | None] = [None] * len(text)
    spans, codes = [], {}
    for f in findings:
        for span in json.loads(f.evidence):
            start, end = max(0, int(span["start"])), min(len(text), int(span["end"]))
            if start < end:
                spans.append((start, end, f.finding))
                codes.setdefault((start, end), []).append(f.code)
    for start, end, finding in sorted(spans):
        for i in range(start, end):
            owner[i] = owner[i] or finding
    for (start, end), cs in codes.items():
        for i in range(start, end):
            titles[i] = titles[i] or ", ".join(cs)
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and (owner[j], titles[j]) == (owner[i], titles[i]):
            j += 1
        piece = html.escape(text[i:j])
        if owner[i] is None:
            out.append(piece)
        else:
            colour = COLOURS[owner[i]]
            out.append(
                f'<mark style="background:{colour}33;border-bottom:2px solid {colour}" '
                f'title="{html.escape(titles[i] or "")}">{piece}</mark>'
            )
        i = j
    return "".join(out)


@given(
    text=st.text(alphabet="ab <&\n", max_size=60),
    spans=st.lists(
        st.tuples(
            st.integers(-3, 65), st.integers(-3, 65),
            st.sampled_from(FINDINGS), st.sampled_from(["I10", "E11.9", "J18.9"]),
        ),
        max_size=8,
    ),
)  # fmt: skip
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_highlight_marks_each_character_as_deciding_it_alone_would(
    text: str, spans: list[tuple[int, int, str, str]]
) -> None:
    findings = [
        Finding("n", code, "ICD-10-CM", finding, 0.5, json.dumps([{"start": s, "end": e}]))
        for s, e, finding, code in spans
    ]
    assert highlight(text, findings) == _highlight_char_by_char(text, findings)
