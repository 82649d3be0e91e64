"""What every stage of one run needs besides the articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from summarize.core.cache import WorkCache, cache_folder
from summarize.core.config import RunConfig
from summarize.core.progress import ProgressFactory
from summarize.core.records import LanguageUnavailable
from summarize.engines.backends import EngineChoice, dtype_for_keys, engine_for_keys
from summarize.engines.hub import ModelSources, go_offline


@dataclass(frozen=True)
class StageContext:
    """What every stage of one run needs besides the articles."""

    config: RunConfig
    cache: WorkCache
    #: Resolved torch device, e.g. ``cpu`` or ``cuda:0``.
    device: str
    progress: ProgressFactory
    #: Where each model loads from (models folder, pinned revision).
    sources: ModelSources
    #: Model -> its identity for cache keys, worked out once per run (it stats the files).
    identities: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    #: Model -> transformers, for models ``auto`` gave to CTranslate2 whose conversion failed
    #: when they loaded: later loads skip CTranslate2, and run.json says why.
    fallbacks: dict[str, EngineChoice] = field(default_factory=dict, compare=False)
    #: Target language -> why this run cannot produce it (its model failed to load, or failed
    #: on every article): its articles are published without it.
    unavailable: dict[str, LanguageUnavailable] = field(default_factory=dict, compare=False)

    @cached_property
    def output_fields(self) -> dict[str, str]:
        """Settings beyond the model that change outputs, for cache keys; worked out once (on
        a GPU, ``--dtype auto`` asks the card), not for every key."""
        return {
            "engine": engine_for_keys(self.config.engine, self.device),
            "dtype": dtype_for_keys(self.config.dtype, self.device),
            "device": self.device.partition(":")[0],
        }


def make_context(config: RunConfig, device: str, progress: ProgressFactory) -> StageContext:
    """What every stage needs besides the articles: settings, cache, device, progress bars."""
    cache = WorkCache(None if config.no_cache else cache_folder(config))
    sources = ModelSources.open(config.revisions, config.models_dir)
    if config.offline or config.models_dir is not None:
        go_offline()
    return StageContext(
        config=config, cache=cache, device=device, progress=progress, sources=sources
    )
