"""Usage errors: one line, ``error: ...``, exit code 2; help shows no metavar on flags."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["frobnicate"], "error: no such command 'frobnicate' (see `codesuggest --help`)"),
        (["suggest"], "error: missing argument 'FILE|-' (see `codesuggest suggest --help`)"),
        (
            ["serve", "--port", "http"],
            "error: invalid value for '--port': Input should be a valid integer, unable to "
            "parse string as an integer (see `codesuggest serve --help`)",
        ),
        (
            ["suggest", "note.txt", "--age", "200"],
            "error: invalid value for '--age': Input should be less than or equal to 130 "
            "(see `codesuggest suggest --help`)",
        ),
        (
            ["keys", "create", "--name", "x"],
            "error: missing option '--role' (see `codesuggest keys create --help`)",
        ),
        (
            ["models", "show"],
            "error: missing argument 'name' (see `codesuggest models show --help`)",
        ),
    ],
)
def test_usage_error_is_one_line_with_exit_code_2(
    runner: CliRunner, args: list[str], line: str
) -> None:
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")


def test_usage_group_without_command_prints_its_help_with_exit_code_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 2
    assert "build-default" in result.output and "promote" in result.output


@pytest.mark.parametrize(
    "command", [[], ["suggest"], ["batch"], ["train"], ["models", "build-default"]]
)
def test_usage_help_shows_no_metavar_on_flags(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout
