"""The engine seam: what the summarise and translate stages need from a seq2seq backend.

Torch-free, so stages, fakes and future engines (CTranslate2, multi-process runners) share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Protocol


@dataclass(frozen=True)
class GenerationOverrides:
    """Decoding settings the user set; None keeps the model's own generation_config.json value."""

    #: Beam width (1 = greedy).
    num_beams: int | None = None
    #: Upper bound on generated tokens per output.
    max_new_tokens: int | None = None
    #: Lower bound on generated tokens per output.
    min_new_tokens: int | None = None
    #: Penalty on tokens already generated (1.0: none; 1.2 discourages loops).
    repetition_penalty: float | None = None
    #: No n-gram of this many tokens is generated twice (0: no limit).
    no_repeat_ngram_size: int | None = None

    def merged(self, other: GenerationOverrides | None) -> GenerationOverrides:
        """These settings with every value ``other`` sets replacing this one's."""
        if other is None:
            return self
        return replace(
            self,
            **{
                f.name: getattr(other, f.name)
                for f in fields(other)
                if getattr(other, f.name) is not None
            },
        )


def lengths_with_overrides(
    model_min: int, model_max: int, overrides: GenerationOverrides
) -> tuple[int, int]:
    """(min, max) generated tokens once the user's bounds replace the model's.

    A bound the user sets wins over the model's other one: a minimum above the model's maximum
    raises the maximum (``--min-summary-tokens 200`` for a model that stops at 141 gets 200),
    a maximum below its minimum lowers the minimum. Both set by the user are checked earlier.
    """
    low = model_min if overrides.min_new_tokens is None else overrides.min_new_tokens
    high = model_max if overrides.max_new_tokens is None else overrides.max_new_tokens
    if overrides.max_new_tokens is None:
        high = max(high, low)
    return min(low, high), high


@dataclass(frozen=True)
class Target:
    """How to ask a model for one output language (empty for single-language models)."""

    #: Text put before every input, e.g. ``>>rus<< `` (Marian) or ``summarize: `` (T5).
    prefix: str = ""
    #: Source-language code the tokenizer needs (NLLB ``eng_Latn``, M2M100 ``en``, mBART ``en_XX``).
    src_lang: str | None = None
    #: Token forced as the first generated token (NLLB ``hun_Latn``, M2M100 ``__hu__``, ...).
    forced_bos_token: str | None = None
    #: The checkpoint's ``task_specific_params`` entry whose settings apply (``summarization``,
    #: ``translation_en_to_de``); None: the checkpoint's general settings.
    task: str | None = None


@dataclass(frozen=True)
class ModelInfo:
    """What a model can do, read from its config and tokenizer before any weights load."""

    #: Hub id or local path, as the user gave it.
    name: str
    #: ``config.model_type``: bart, marian, m2m_100, mbart, t5, pegasus, ...
    model_type: str
    #: Vocabulary entries that select a language: ``>>hun<<``, ``__hu__``, ``hun_Latn``, ``hu_HU``.
    language_tokens: frozenset[str]
    #: Task -> text prefix from ``config.task_specific_params`` (T5 style).
    task_prefixes: Mapping[str, str] = field(default_factory=dict)
    #: ``config.json``'s own ``prefix`` for every input (distilBART: ``" "``), if it has one.
    prefix: str | None = None
    #: Longest input the model accepts, in tokens, special tokens included.
    max_input_tokens: int = 512
    #: Output ids its tokenizer can turn into text (0 to n - 1); None: not known.
    decodable_ids: int | None = None


class Engine(Protocol):
    """A loaded seq2seq model: a batch of texts in, generated texts out, in the same order."""

    #: Longest input accepted, in tokens, special tokens included.
    max_input_tokens: int

    def count_tokens(self, texts: Sequence[str], *, special_tokens: bool = False) -> list[int]:
        """Number of tokens of each text."""
        ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of each token of ``text``, without special tokens.

        Tokenising once with offsets lets long texts be split in time linear in their length.
        """
        ...

    def generate(
        self,
        texts: Sequence[str],
        target: Target = Target(),
        on_batch: Callable[[Mapping[int, str]], None] | None = None,
        *,
        overrides: GenerationOverrides | None = None,
    ) -> list[str]:
        """Generate one output per input text.

        ``on_batch`` hears the outputs of each batch as it ends, by position in ``texts``,
        each output once: finished work can be kept before the call returns.

        ``overrides`` changes decoding for this call only (over the engine's own settings).
        """
        ...

    def close(self) -> None:
        """Free the model's memory."""
        ...
