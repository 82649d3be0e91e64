"""What the two hand-written briefing scripts share: model loading, a lap timer, the output.

``naive_briefing.py`` (the baseline) and ``raw_ct2_briefing.py`` (the anchor) write the same
records and the same timings, so ``end_to_end.py`` checks and prints them alike.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

#: Target-language tokens of multi-target Marian models (OPUS-MT), put before the source text.
MARIAN_TOKENS = {"zh": ">>cmn_Hans<<", "ru": ">>rus<<", "uk": ">>ukr<<", "hu": ">>hun<<"}

Model = TypeVar("Model")


def job_parser(description: str) -> argparse.ArgumentParser:
    """The arguments both scripts take: the job (articles, output, models) and ``--timings``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("articles", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--summary-model", required=True)
    parser.add_argument("--translation-model", action="append", default=[], metavar="LANG=PATH")
    parser.add_argument(
        "--timings", type=Path, help="write load and generation seconds per stage to this JSON"
    )
    return parser


def by_language(specs: Sequence[str], load: Callable[[str], Model]) -> Iterator[tuple[str, Model]]:
    """(language, model) for each ``LANG=PATH``, each path loaded once and one model in memory
    at a time (languages sharing a model, such as ru and uk, should come one after another)."""
    loaded: dict[str, Model] = {}
    for spec in specs:
        language, _, path = spec.partition("=")
        if path not in loaded:
            loaded.clear()  # frees the previous model before loading the next
            loaded[path] = load(path)
        yield language, loaded[path]


def marian_prefix(language: str, vocabulary: Collection[str]) -> str:
    """The text to put before a source sentence to pick ``language`` (multi-target Marian)."""
    token = MARIAN_TOKENS.get(language)
    return f"{token} " if token in vocabulary else ""


class Laps:
    """Seconds since the previous lap (or since creation), one call at a time."""

    def __init__(self) -> None:
        self._clock = time.perf_counter()

    def __call__(self) -> float:
        now = time.perf_counter()
        seconds, self._clock = now - self._clock, now
        return seconds


def write_outputs(
    path: Path,
    files: Sequence[Path],
    summaries: Sequence[str],
    translations: dict[str, list[str]],
    timings: dict,
    timings_path: Path | None,
) -> None:
    """One JSON line per article (its id, summary and translations) into ``path``, and the
    script's ``timings`` with the article count into ``timings_path`` when one is given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for index, article in enumerate(files):
            record = {
                "id": article.stem,
                "summary": summaries[index],
                "translations": {code: texts[index] for code, texts in translations.items()},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if timings_path is not None:
        timings_path.write_text(json.dumps({**timings, "articles": len(files)}))
