"""Run configurations on the tiny models (see the ``tiny_models`` fixture)."""

from __future__ import annotations

from pathlib import Path

from summarize.core.config import RunConfig

#: Target language -> the tiny Marian model that translates into it.
TINY_TRANSLATORS = {
    "hu": "marian",
    "zh": "marian_multi_zh",
    "ru": "marian_multi_zle",
    "uk": "marian_multi_zle",
}


def marian_config(tiny: dict[str, Path], inputs: tuple[Path, ...], output: Path) -> RunConfig:
    """A quiet CPU run: tiny BART summaries, tiny Marian translations into hu, zh, ru and uk."""
    return RunConfig(
        inputs=inputs,
        output=output,
        summary_model=str(tiny["bart"]),
        translation_models={code: str(tiny[family]) for code, family in TINY_TRANSLATORS.items()},
        device="cpu",
        engine="transformers",
        quiet=True,
    )
