"""Spies on the real engines: which models load and what each generate() batch receives."""

from __future__ import annotations

import pytest


class GenerateSpy:
    """Records model loads and the inputs and settings each generate() batch received."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from summarize.engines import transformers_engine as engine

        self.loads: list[str] = []
        self.batches: list[tuple[str, list[list[int]], dict]] = []
        original_init = engine.TransformersEngine.__init__
        original_batch = engine.TransformersEngine._generate_batch
        spy = self

        def init(self, name, **kwargs):
            spy.loads.append(name)
            original_init(self, name, **kwargs)

        def generate_batch(self, batch, settings):
            spy.batches.append((self.name, batch, settings.to_dict()))
            return original_batch(self, batch, settings)

        monkeypatch.setattr(engine.TransformersEngine, "__init__", init)
        monkeypatch.setattr(engine.TransformersEngine, "_generate_batch", generate_batch)
