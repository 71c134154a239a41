"""The ``codesuggest`` command line: one typer app, one module per command."""
