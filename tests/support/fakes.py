"""Fake engines for fast unit tests of the stages (no torch, no models)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from summarize.engines.generation import GenerationOverrides, Target


class WordEngine:
    """Counts words as tokens (plus 2 special tokens) and 'generates' a fixed-length echo."""

    def __init__(self, max_input_tokens: int = 50, output_words: int = 5) -> None:
        self.max_input_tokens = max_input_tokens
        self.output_words = output_words
        self.calls: list[tuple[list[str], Target]] = []
        #: Per-call decoding overrides, one entry per generate() call (None: none given).
        self.overrides: list[GenerationOverrides | None] = []
        self.closed = False

    def count_tokens(self, texts: Sequence[str], *, special_tokens: bool = False) -> list[int]:
        extra = 2 if special_tokens else 0
        return [len(text.split()) + extra for text in texts]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return [(match.start(), match.end()) for match in re.finditer(r"\S+", text)]

    def generate(
        self,
        texts: Sequence[str],
        target: Target = Target(),
        on_batch: Callable[[Mapping[int, str]], None] | None = None,
        *,
        overrides: GenerationOverrides | None = None,
    ) -> list[str]:
        self.calls.append((list(texts), target))
        self.overrides.append(overrides)
        for text in texts:
            if len(text.split()) + 2 > self.max_input_tokens:
                raise ValueError(f"input too long: {len(text.split())} words")
        outputs = []
        for text in texts:
            words = text.removeprefix(target.prefix).split()
            echo = " ".join(words[: self.output_words - 1])
            outputs.append(f"{echo} [{len(words)}].")
        if on_batch is not None:
            on_batch(dict(enumerate(outputs)))
        return outputs

    def close(self) -> None:
        self.closed = True
