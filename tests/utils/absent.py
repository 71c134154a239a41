"""A package made absent for one test, as the interpreter sees one that is not installed."""

from __future__ import annotations

import sys

import pytest


def hide_package(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """``import name`` (and its submodules) raises ImportError until the test ends."""
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, name, None)  # what an absent package imports as
