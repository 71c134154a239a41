"""Every code block of the README runs, so that the README cannot drift from the code.

The Python block runs as a script; the shell blocks run in bash (``set -euo pipefail``) in a
folder laid out like a checkout (the home is its ``var/``, holding the suite's default model),
with the files they name created here and ``codesuggest`` on the PATH running this checkout's
code; the ``curl`` calls go to the real ``codesuggest serve`` on a free port, with
``--fail-with-body`` so that an HTTP error fails the block. The JSON block must have the shape
of a real result. A block that cannot run (``make serve`` runs until stopped) is marked
``<!-- not-run: reason -->`` just before it, and such blocks stay few.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codesuggest.engine import Engine
from codesuggest.types import Note
from tests.utils.server import cli_env, running_server
from tests.utils.trained import tiny_corpus

CHECKOUT = Path(__file__).resolve().parents[1]
README = CHECKOUT / "README.md"
MOST_NOT_RUN = 2
README_URL = "http://127.0.0.1:8000"
# the shell blocks by section, in the order they run: the HTTP section's calls store the note
# and the decision that the retraining section's feedback: source reads
SHELL_SECTIONS = ["Command line", "HTTP API and review page", "Retraining on your coded notes"]
FENCE = re.compile(
    r"^(?:<!-- not-run: (?P<why>[^\n]*?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
PREAMBLE = """set -euo pipefail
trap 'echo "README command failed: $BASH_COMMAND" >&2' ERR
curl() { command curl --fail-with-body "$@"; }
"""


@dataclass(frozen=True)
class Block:
    section: str
    lang: str
    body: str
    not_run: str | None


def readme_blocks(text: str | None = None) -> list[Block]:
    """The fenced code blocks of the README with the section each is in."""
    text = README.read_text("utf-8") if text is None else text
    blocks = []
    for match in FENCE.finditer(text):
        headings = re.findall(r"^##+ (.+)$", text[: match.start()], re.MULTILINE)
        section = headings[-1].strip() if headings else ""
        blocks.append(Block(section, match["lang"], match["body"], match["why"]))
    return blocks


def test_readme_marks_few_blocks_as_not_run() -> None:
    blocks = readme_blocks()
    not_run = [b for b in blocks if b.not_run is not None]
    assert len(not_run) <= MOST_NOT_RUN, [b.section for b in not_run]
    assert all(b.not_run and b.not_run.strip() for b in not_run)
    runnable = [b for b in blocks if b.not_run is None]
    assert sorted(b.lang for b in runnable) == sorted(["python", "json"] + ["bash"] * 3)
    assert [b.section for b in runnable if b.lang == "bash"] == [
        "Command line",
        "Retraining on your coded notes",
        "HTTP API and review page",
    ]
    assert README.read_text("utf-8").count("<!-- not-run:") == len(not_run)


def test_readme_json_block_has_the_shape_of_a_result(engine: Engine) -> None:
    (block,) = [b for b in readme_blocks() if b.lang == "json"]
    shown = json.loads(block.body)
    real = engine.suggest(
        Note(text="Assessment: essential hypertension.", note_id="enc-1"), top=3
    ).to_dict()
    assert _shape(shown) == _shape(real)


def _shape(value: Any) -> Any:
    """Keys and value types, with a list's shape taken from its first item."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__ if not isinstance(value, int | float) else "number"


def _workdir(root: Path, model_dir: Path) -> Path:
    """A folder laid out like a checkout after ``make install``, with the README's files."""
    work = root / "checkout"
    (work / "var" / "models").mkdir(parents=True)
    (work / "var" / "models" / "default").symlink_to(model_dir, target_is_directory=True)
    (work / "note.txt").write_text(
        "Assessment: essential hypertension. Type 2 diabetes mellitus. Denies chest pain.\n",
        "utf-8",
    )
    (work / "notes").mkdir()
    (work / "notes" / "enc-1.txt").write_text("Essential hypertension, stable.\n", "utf-8")
    (work / "notes" / "enc-2.txt").write_text("Community acquired pneumonia.\n", "utf-8")
    rows = [
        {"id": "enc-3", "text": "Urinary tract infection.", "age": 54, "sex": "F"},
        {"id": "enc-4", "text": "COPD, stable on tiotropium.", "date_of_service": "2024-05-01"},
    ]
    (work / "notes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    (work / "notes.csv").write_text(
        "id,text,age,sex\nenc-5,Type 2 diabetes mellitus.,67,M\nenc-6,Acute bronchitis.,,\n",
        "utf-8",
    )
    (work / "billed.csv").write_text(
        "note_id,code\nenc-3,N39.0\nenc-4,J44.9\nenc-4,S72.001A\nenc-9,I10\n", "utf-8"
    )
    tiny_corpus(work / "coded.jsonl")
    tiny_corpus(work / "dev.jsonl")
    (work / "more.csv").write_text(
        "id,text,code,system\n"
        "more-1,Essential hypertension on amlodipine.,I10,icd10cm\n"
        "more-2,Type 2 diabetes and hypertension.,E11.9,icd10cm\n"
        "more-2,Type 2 diabetes and hypertension.,I10,icd10cm\n",
        "utf-8",
    )
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "codesuggest"  # this checkout's code, whatever is installed
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m codesuggest.cli.main "$@"\n', "utf-8")
    shim.chmod(0o755)
    return work


def _run(args: list[str], work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=work, env=env, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.slow
def test_readme_code_blocks_run(model_dir: Path, tmp_path: Path) -> None:
    work = _workdir(tmp_path, model_dir)
    env = cli_env(work / "var")
    env["PATH"] = f"{tmp_path / 'bin'}:{env['PATH']}"
    blocks = [b for b in readme_blocks() if b.not_run is None]

    (python,) = [b for b in blocks if b.lang == "python"]
    ran = _run([sys.executable, "-c", python.body], work, env)
    assert ran.returncode == 0, ran.stderr
    assert re.search(r"^I10 \d\.\d\d \* Essential \(primary\) hypertension$", ran.stdout, re.M)
    many = [line for line in ran.stdout.splitlines() if line.startswith(("enc-2 [", "note ["))]
    assert len(many) == 2 and "'E11.9'" in many[0], ran.stdout

    shell = {b.section: b.body for b in blocks if b.lang == "bash"}
    assert sorted(shell) == sorted(SHELL_SECTIONS)
    outputs: dict[str, str] = {}
    for section in SHELL_SECTIONS:
        body = shell[section]
        if README_URL in body:
            with running_server(work / "var") as served:
                script = PREAMBLE + body.replace(README_URL, served.url)
                ran = _run(["bash", "-c", script], work, env)
        else:
            ran = _run(["bash", "-c", PREAMBLE + body], work, env)
        assert ran.returncode == 0, f"{section}:\n{ran.stderr[-3000:]}"
        outputs[section] = ran.stdout

    assert (work / "results.jsonl").is_file()
    assert '"note_id": "enc-1"' in outputs["HTTP API and review page"].replace('":"', '": "')
    assert "key 'j.smith'" in outputs["HTTP API and review page"]
    assert (work / "var" / "models" / "site-adapted").is_dir()
    assert (work / "var" / "models" / "ACTIVE").read_text("utf-8").strip() == "site-2026"
