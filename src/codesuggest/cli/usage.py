"""The command line's root group: usage errors on one line and flags without metavars.

Click (through typer and rich) prints a usage error as a framed, multi-line box; the README
promises ``error: ...`` on one line with exit code 2, like every other error of the command
line (exit code 1). Typer also shows a ``<bool>`` metavar on flags, which take no value.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer._click import exceptions as errors  # typer vendors click: its classes, not click's
from typer.core import TyperGroup, TyperOption
from typer.models import Context

USAGE_EXIT = 2


class CliGroup(TyperGroup):
    """The ``codesuggest`` group: its :meth:`main` turns click's errors into one line."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        plain_flags(self)
        try:
            outcome = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = outcome if isinstance(outcome, int) else 0
        except errors.NoArgsIsHelpError as exc:  # `codesuggest models`: its help
            exc.show()
            code = USAGE_EXIT
        except errors.UsageError as exc:
            typer.echo(f"error: {usage_line(exc)}", err=True)
            code = USAGE_EXIT
        except errors.ClickException as exc:
            typer.echo(f"error: {one_line(exc.format_message())}", err=True)
            code = exc.exit_code
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code)


def usage_line(exc: errors.UsageError) -> str:
    """A usage error as one line, pointing to the command's help."""
    message = one_line(exc.format_message())
    if message and message[0].isupper() and not message[:2].isupper():
        message = message[0].lower() + message[1:]
    if exc.ctx is None:
        return message
    return f"{message.rstrip('.')} (see `{exc.ctx.command_path} --help`)"


def one_line(text: str) -> str:
    return " ".join(text.split())


def plain_flags(command: Any) -> None:
    """Give every boolean flag of the command tree an empty metavar (typer shows ``<bool>``)."""
    help_option = command.get_help_option(Context(command, info_name=command.name))
    for param in [*command.params, help_option]:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        plain_flags(sub)
