"""Shared test helpers (imported as ``support.<module>``; ``tests/`` is on ``sys.path``)."""
