"""Retrospective audits of billed codes (``codesuggest audit``, :func:`run_audit`): which
billed codes the notes do not support, which supported codes were never billed, where a billed
code could be more specific and which billed combinations break coding rules, each priced by
its MS-DRG severity and CMS-HCC category."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["AuditResult", "run_audit"]

if TYPE_CHECKING:
    from codesuggest.audit.run import AuditResult, run_audit


def __getattr__(name: str) -> Any:  # the engine's imports are slow: load them when asked
    if name in __all__:
        from codesuggest.audit import run

        return getattr(run, name)
    raise AttributeError(name)
