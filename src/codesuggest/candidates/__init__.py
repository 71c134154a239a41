"""Candidate generation: which codes a note could carry, with the evidence for each."""
