"""Readers for notes on disk: folders of ``.txt`` files, JSONL and CSV."""

from codesuggest.io.notes import BadRecord, read_notes, read_text

__all__ = ["BadRecord", "read_notes", "read_text"]
