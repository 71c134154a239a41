"""Declarative coding edits applied after ranking; each rule is data with a name."""
