"""The HTTP API: ``create_app`` builds a FastAPI app around one loaded engine."""
