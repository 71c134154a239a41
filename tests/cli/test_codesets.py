"""``codesuggest codesets add | list | remove``: user catalogs from the command line (catalogs
written for the tests: invented descriptors)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from tests.cli.conftest import one_error_line

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "catalogs"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> Path:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path))
    monkeypatch.setenv("CODESUGGEST_MODEL", str(model_dir))
    return tmp_path


def test_add_list_remove(runner: CliRunner, home: Path) -> None:
    added = runner.invoke(
        app, ["codesets", "add", "cpt", str(RESOURCES / "cpt_invented.tsv"), "--release", "T 1"]
    )
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("registered CPT T 1: 5 codes (sha256 ")

    listed = runner.invoke(app, ["codesets", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["system", "kind", "source", "codes", "release"]
    assert [line.split()[0] for line in lines[1:]] == ["ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS"]
    assert "user catalog" in lines[3] and " 5 " in lines[3] and "from cpt_invented.tsv" in lines[3]
    assert "billable" in lines[1] and "FY20" in lines[1]

    rows = [
        json.loads(line)
        for line in runner.invoke(app, ["codesets", "list", "--json"]).stdout.splitlines()
    ]
    by_system = {row["system"]: row for row in rows}
    assert by_system["CPT"]["codes"] == 5 and by_system["CPT"]["release"] == "T 1"
    assert by_system["ICD-10-CM"]["codes"] > 70_000
    assert by_system["HCPCS"]["source"] == "labels only"
    assert by_system["ICD-10-PCS"]["source"] == "shipped"
    assert by_system["ICD-10-PCS"]["release"].startswith("FY")
    assert {row["kind"] for row in rows if row["system"] != "ICD-10-CM"} == {"procedure"}

    removed = runner.invoke(app, ["codesets", "remove", "CPT"])
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.startswith("removed CPT T 1 (5 codes)")
    again = runner.invoke(app, ["codesets", "remove", "cpt"])
    assert again.exit_code == 1
    assert one_error_line(again.stderr) == "error: no CPT catalog is registered"


@pytest.mark.parametrize(
    ("args", "content", "error"),
    [
        (["cpx"], "90001\tA\n", "error: unknown code system 'cpx': a user catalog is CPT or HCPCS"),
        (
            ["hcpcs"],
            "A0001\tA\nA0001\tB\n",
            "error: bad.tsv:2: duplicate code A0001 (first on line 1)",
        ),
        (
            ["cpt"],
            "90001,Appendectomy\n",
            "error: bad.tsv:1: expected code<TAB>descriptor, found no tab",
        ),
    ],
)
def test_add_bad_input_is_one_line_and_changes_nothing(
    runner: CliRunner, home: Path, args: list[str], content: str, error: str
) -> None:
    bad = home / "bad.tsv"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["codesets", "add", *args, str(bad)])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == error
    assert not (home / "codesets" / "catalogs.json").exists()


def test_add_a_missing_file(runner: CliRunner, home: Path) -> None:
    result = runner.invoke(app, ["codesets", "add", "cpt", str(home / "none.tsv")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr).endswith("none.tsv: No such file or directory")


def test_suggest_and_batch_propose_a_registered_catalog_and_keep_the_systems_asked_for(
    runner: CliRunner, home: Path
) -> None:
    from tests.utils.catalogs import PROCEDURE_NOTE

    note = home / "proc.txt"
    note.write_text(PROCEDURE_NOTE, encoding="utf-8")
    assert (
        runner.invoke(
            app, ["codesets", "add", "cpt", str(RESOURCES / "cpt_invented.tsv")]
        ).exit_code
        == 0
    )

    shown = runner.invoke(app, ["suggest", str(note), "--json", "--system", "cpt"])
    assert shown.exit_code == 0, shown.output
    payload = json.loads(shown.stdout)
    assert {s["system"] for s in payload["suggestions"]} == {"CPT"}
    assert "90001" in {s["code"] for s in payload["suggestions"]}

    notes = home / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "text": PROCEDURE_NOTE}) + "\n", encoding="utf-8")
    out = home / "out.jsonl"
    done = runner.invoke(app, ["batch", str(notes), "--out", str(out), "--system", "icd10cm,cpt"])
    assert done.exit_code == 0, done.output
    [result] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {s["system"] for s in result["suggestions"]} == {"ICD-10-CM", "CPT"}


@pytest.mark.parametrize("command", ["suggest", "batch", "evaluate"])
def test_an_unknown_system_is_a_usage_error(runner: CliRunner, home: Path, command: str) -> None:
    note = home / "n.txt"
    note.write_text("Essential hypertension.", encoding="utf-8")
    args = {
        "suggest": ["suggest", str(note)],
        "batch": ["batch", str(home), "--out", str(home / "o.jsonl")],
        "evaluate": ["evaluate", "--data", f"jsonl:{home / 'c.jsonl'}"],
    }[command]
    result = runner.invoke(app, [*args, "--system", "cpt,snomed"])
    assert result.exit_code == 2
    assert "unknown code system 'snomed'; known: ICD-10-CM, ICD-10-PCS, CPT, HCPCS" in result.stderr
