"""What codesuggest does with characters that cannot travel: one policy for the API, the CLI,
``batch`` and ``audit``.

* **Free text** (a note's text, a feedback reason): a lone surrogate (U+D800-U+DFFF, what a
  browser makes of a split emoji) or a NUL becomes U+FFFD, one character for one, so evidence
  offsets still point into the text the caller sent. Nothing else is changed. Neither can be
  encoded as UTF-8 or stored by PostgreSQL, and neither carries clinical meaning.
* **Identifiers and short fields** (note ids, settings, codes): a control character (Unicode
  category Cc: NUL, newline, tab, escape...) or a lone surrogate is refused, naming the field.
  An id that holds a newline could forge a line in a log; one with a NUL could not be stored.
  A note id must also hold something other than white space.
* **Logs**: :func:`log_safe` escapes control characters in a value before it is logged.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_UNSAFE_IN_TEXT = re.compile("[\x00\ud800-\udfff]")
# category Cc (C0, DEL, C1) and the surrogates
_UNSAFE_IN_ID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# the rule as a JSON Schema ``pattern`` for the API's contract: the control characters
# themselves (JSON escapes them; a "\\u0000" escape is not read by every tool); a lone
# surrogate cannot be written in a JSON document, so the pattern leaves them to the validator
IDENTIFIER_PATTERN = "^[^\x00-\x1f\x7f-\x9f]*$"
# a note id also holds one character that is not white space (the store matches ids as sent)
NOTE_ID_PATTERN = "^[^\x00-\x1f\x7f-\x9f]*[^\\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"


def clean_text(text: str) -> str:
    """``text`` with each lone surrogate and NUL replaced by U+FFFD (the same length)."""
    if _UNSAFE_IN_TEXT.search(text) is None:
        return text
    return _UNSAFE_IN_TEXT.sub(REPLACEMENT, text)


def identifier_problem(value: str) -> str | None:
    """Why ``value`` cannot be an identifier, or ``None`` when it can."""
    found = _UNSAFE_IN_ID.search(value)
    if found is None:
        return None
    char = found.group()
    kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return f"holds {kind} ({_escaped(char)}) at position {found.start() + 1}"


def check_identifier(value: str) -> str:
    """``value`` itself, or :class:`ValueError` saying where it holds a control character or a
    lone surrogate (a validator: the caller's error names the field)."""
    problem = identifier_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def check_note_id(value: str) -> str:
    """:func:`check_identifier`, and not blank: a note id must name the note."""
    if not value.strip():
        raise ValueError("is blank")
    return check_identifier(value)


def log_safe(value: object) -> str:
    """``str(value)`` with control characters and lone surrogates escaped (``\\n``, ``\\x00``),
    so a caller's value cannot start a line of its own in a log."""
    text = str(value)
    if _UNSAFE_IN_ID.search(text) is None:
        return text
    return _UNSAFE_IN_ID.sub(lambda m: _escaped(m.group()), text)


def _escaped(char: str) -> str:
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")
