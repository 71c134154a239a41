"""The data files packaged under ``codesets/data`` (code-set tables, our phrasings, the
Alphabetic Index), read one way."""

from __future__ import annotations

from importlib import resources

from codesuggest.io.tables import package_rows


def data_bytes(name: str) -> bytes:
    """The bytes of packaged data file ``name``."""
    return resources.files("codesuggest.codesets").joinpath("data").joinpath(name).read_bytes()


def data_text(name: str) -> str:
    """The UTF-8 text of packaged data file ``name``."""
    return data_bytes(name).decode("utf-8")


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of packaged tab-separated file ``name`` by its header, ``#`` lines left out."""
    return package_rows("codesuggest.codesets", name)
