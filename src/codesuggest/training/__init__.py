"""Training: corpus readers, synthetic notes, model builders and metrics."""
