"""A checkpoint's own decoding settings, read from its files the same way for every engine.

Published checkpoints keep these settings in different places: ``generation_config.json``
(newer uploads), legacy keys of ``config.json`` (checkpoints saved before 2023, such as
``sshleifer/distilbart-cnn-12-6``), and per-task entries of ``config.json``'s
``task_specific_params`` (T5 keeps beams, lengths and the prefix for each task there, with a
``generation_config.json`` that holds only token ids). transformers reads the first two when it
loads a model, and its pipelines (gone in v5) applied the third; CTranslate2 reads none of
them. So both engines take their settings from :func:`checkpoint_decoding`, which reads the
files as JSON and follows transformers' own rules, and pass every setting explicitly.

Torch-free: ``summarize models list`` shows the settings without loading a model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from summarize.engines.generation import GenerationOverrides, lengths_with_overrides

#: The file newer checkpoints keep their decoding settings in.
GENERATION_CONFIG_FILE = "generation_config.json"

# Decoding keys a checkpoint may set, as transformers names them (config.json's legacy keys
# and generation_config.json share the names). Token ids for the decoder (start, eos, pad)
# stay with each engine's own loading: they are not decoding choices.
_KEYS = (
    "num_beams",
    "max_length",
    "max_new_tokens",
    "min_length",
    "min_new_tokens",
    "length_penalty",
    "repetition_penalty",
    "no_repeat_ngram_size",
    "early_stopping",
    "bad_words_ids",
    "suppress_tokens",
    "forced_bos_token_id",
    "forced_eos_token_id",
)


@dataclass(frozen=True)
class Decoding:
    """How a model decodes: the checkpoint's settings, completed with transformers' defaults.

    Lengths count generated tokens (the decoder start token not included; a forced first
    token and the end token included), as ``generate``'s ``*_new_tokens`` do.
    """

    num_beams: int = 1
    min_new_tokens: int = 0
    max_new_tokens: int = 19
    #: Beam scores are divided by length ** length_penalty (> 1 favours longer outputs).
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    #: No n-gram of this many tokens is generated twice (0: no limit).
    no_repeat_ngram_size: int = 0
    #: Beam search stops once ``num_beams`` outputs have ended (CTranslate2 always does).
    early_stopping: bool = False
    #: Token sequences never generated.
    bad_words_ids: tuple[tuple[int, ...], ...] = ()
    #: Tokens never generated: the checkpoint's, plus ids its tokenizer cannot decode.
    suppress_tokens: tuple[int, ...] = ()
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None
    #: Where the settings came from, for people: ``generation_config.json``, ``config.json``,
    #: each followed by ``+ task_specific_params[TASK]`` when a task entry applied.
    origin: str = "library defaults"
    #: Settings that were not in the checkpoint and were chosen here, with why.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def overridden(self, overrides: GenerationOverrides | None) -> Decoding:
        """These settings with every value ``overrides`` sets replacing this one's.

        A length bound the user sets wins over the checkpoint's other one (see
        :func:`summarize.engines.generation.lengths_with_overrides`).
        """
        if overrides is None:
            return self
        changed = {
            f.name: getattr(overrides, f.name)
            for f in fields(overrides)
            if getattr(overrides, f.name) is not None
        }
        low, high = lengths_with_overrides(self.min_new_tokens, self.max_new_tokens, overrides)
        return replace(self, **{**changed, "min_new_tokens": low, "max_new_tokens": high})

    def describe(self) -> dict[str, Any]:
        """The settings as plain values, for ``models list --verbose``."""
        values = asdict(self)
        values.pop("notes")
        values["bad_words_ids"] = [list(ids) for ids in self.bad_words_ids]
        values["suppress_tokens"] = list(self.suppress_tokens)
        return values


def checkpoint_decoding(
    model_config: Mapping[str, Any],
    generation_config: Mapping[str, Any] | None,
    *,
    task: str | None = None,
    input_limit: int,
    decodable_ids: int | None = None,
) -> Decoding:
    """The decoding settings a checkpoint specifies for ``task``.

    ``model_config`` is ``config.json``; ``generation_config`` is ``generation_config.json``,
    None when the checkpoint has none. As transformers does when it loads a model, the
    generation config wins whole when present, else ``config.json``'s keys apply (with its
    legacy ``force_bos_token_to_be_generated``). Then ``task_specific_params[task]`` (when the
    checkpoint has that task) replaces what it sets, as transformers' pipelines did.

    A checkpoint that bounds no output length would decode 19 tokens (transformers' default
    ``max_length`` of 20): such outputs are cut mid-sentence, so the bound becomes the model's
    input limit ``input_limit`` instead, and a note says so. Ids from ``decodable_ids`` up to
    the model's ``vocab_size`` (embedding rows past the tokenizer, left by
    ``resize_token_embeddings(pad_to_multiple_of=...)``) are suppressed: the tokenizer could not
    turn them into text.
    """
    if generation_config is not None:
        values = {key: generation_config.get(key) for key in _KEYS}
        origin = GENERATION_CONFIG_FILE
    else:
        values = {key: model_config.get(key) for key in _KEYS}
        if values["forced_bos_token_id"] is None and model_config.get(
            "force_bos_token_to_be_generated"
        ):
            values["forced_bos_token_id"] = model_config.get("bos_token_id")
        origin = "config.json"
    task_values = task_settings(model_config, task)
    if task_values:
        values |= {key: task_values[key] for key in _KEYS if key in task_values}
        origin += f" + task_specific_params[{task}]"

    notes = []
    max_new = values["max_new_tokens"]
    if max_new is None and values["max_length"] is not None:
        # max_length counts the decoder start token, which is fed in, not generated.
        max_new = max(1, int(values["max_length"]) - 1)
    if max_new is None:
        max_new = input_limit
        notes.append(
            f"the checkpoint sets no output length; up to {input_limit} tokens (its input limit) "
            "instead of transformers' default of 19"
        )
    min_new = values["min_new_tokens"]
    if min_new is None:
        min_new = max(0, int(values["min_length"] or 0) - 1)

    suppress = [int(i) for i in values["suppress_tokens"] or ()]
    vocab_size = _vocab_size(model_config)
    if decodable_ids is not None and vocab_size is not None and vocab_size > decodable_ids:
        suppress += range(decodable_ids, vocab_size)
        notes.append(
            f"ids {decodable_ids}-{vocab_size - 1} are embedding rows its tokenizer cannot "
            "decode; they are never generated"
        )
    return Decoding(
        num_beams=int(values["num_beams"] or 1),
        min_new_tokens=min(int(min_new), int(max_new)),
        max_new_tokens=int(max_new),
        length_penalty=_number(values["length_penalty"], 1.0),
        repetition_penalty=_number(values["repetition_penalty"], 1.0),
        no_repeat_ngram_size=int(values["no_repeat_ngram_size"] or 0),
        # "never" is a beam-search setting of its own; only True stops at num_beams outputs.
        early_stopping=values["early_stopping"] is True,
        bad_words_ids=tuple(tuple(int(i) for i in ids) for ids in values["bad_words_ids"] or ()),
        suppress_tokens=tuple(dict.fromkeys(suppress)),
        forced_bos_token_id=_token_id(values["forced_bos_token_id"]),
        forced_eos_token_id=_token_id(values["forced_eos_token_id"]),
        origin=origin,
        notes=tuple(notes),
    )


def task_settings(model_config: Mapping[str, Any], task: str | None) -> dict[str, Any]:
    """``config.json``'s ``task_specific_params[task]``, or an empty dict."""
    params = model_config.get("task_specific_params")
    if task is None or not isinstance(params, dict):
        return {}
    entry = params.get(task)
    return dict(entry) if isinstance(entry, dict) else {}


def _vocab_size(model_config: Mapping[str, Any]) -> int | None:
    # Marian with separate vocabularies generates from the decoder's.
    for key in ("decoder_vocab_size", "vocab_size"):
        value = model_config.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _number(value: Any, default: float) -> float:
    return default if value is None else float(value)


def _token_id(value: Any) -> int | None:
    return None if value is None else int(value)
