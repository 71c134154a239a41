"""Extraction: spaCy + medspaCy pipeline turning a note into asserted term mentions."""
