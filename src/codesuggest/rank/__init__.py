"""Ranking: (note, candidate) features and a calibrated scikit-learn classifier."""
