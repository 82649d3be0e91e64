"""Every replica of a real checkpoint on both engines: the checkpoint's own decoding settings
reach generate() / translate_batch, outputs stay within its lengths, the language is right.

The replicas (tests/support/replicas.py) have the published files, config keys and token
layout of the checkpoints users download; the engines are loaded through the tool's own code
(inspect_model, resolve_target, summary_prefix), as `summarize run` loads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.replicas import CHECKPOINTS, REPLICAS, ReplicaSpec, replica_matrix

from summarize.engines.generation import Target

ENGINES = ("transformers", "ctranslate2")
TEXTS = ["The government announced a new budget on Monday.", "Prices rose again."]
#: Languages a translation replica is asked for, first one it serves.
PREFERRED = ("hu", "zh", "ru", "uk")

CASES = [
    pytest.param(hub_id, variant, engine, id=f"{hub_id}@{variant}-{engine}")
    for hub_id, variant in replica_matrix()
    for engine in ENGINES
]


def test_the_matrix_holds_every_replica_and_variant_on_both_engines():
    """A replica or variant left out of the matrix fails here."""
    covered = {(hub_id, variant) for hub_id, variant, _ in (case.values for case in CASES)}
    assert covered == {
        (spec.hub_id, variant) for spec in REPLICAS.values() for variant in spec.variants
    }
    assert set(CHECKPOINTS) <= {hub_id for hub_id, _ in covered}
    engines = {engine for _, _, engine in (case.values for case in CASES)}
    assert engines == set(ENGINES)


def _target(spec: ReplicaSpec, folder: Path) -> tuple[Target, str | None]:
    """The target the tool asks this checkpoint for, and the language token it must use."""
    from summarize.core.languages import ENGLISH, get_language
    from summarize.engines.transformers_engine import inspect_model
    from summarize.stages.summarizer import SUMMARY_TASK, summary_prefix
    from summarize.stages.translator import resolve_target

    info = inspect_model(str(folder))
    if spec.role == "summary":
        return Target(prefix=summary_prefix(info), task=SUMMARY_TASK), None
    if spec.role == "pivot":
        source = next(code for code in spec.source_languages if code != "en")
        target = resolve_target(info, ENGLISH, get_language(source))
        return target, target.forced_bos_token
    code = next(
        (c for c in PREFERRED if c in spec.target_languages),
        next(c for c in spec.target_languages if c != "en"),
    )
    target = resolve_target(info, get_language(code))
    token = target.forced_bos_token or (target.prefix.strip() or None)
    return target, token


def _expected(
    spec: ReplicaSpec, variant: str, task: str | None, tokenizer: Any, limit: int
) -> dict:
    """What the checkpoint specifies, as generated-token bounds and token ids."""
    settings = dict(spec.decoding)
    if task is not None and task in spec.tasks:
        settings |= spec.tasks[task]
    tokens = dict(spec.decoding_tokens)
    max_length = settings.get("max_length")
    expected = {
        "num_beams": settings.get("num_beams", 1),
        # max_length / min_length count the decoder start token.
        "max_new_tokens": max_length - 1 if max_length else limit,
        "min_new_tokens": max(0, settings.get("min_length", 0) - 1),
        "length_penalty": settings.get("length_penalty", 1.0),
        "no_repeat_ngram_size": settings.get("no_repeat_ngram_size", 0),
        "early_stopping": settings.get("early_stopping", False) is True,
        "forced_eos_token_id": settings.get("forced_eos_token_id"),
        "prefix": settings.get("prefix"),
    }
    if tokens.get("forced_eos_token_id"):
        expected["forced_eos_token_id"] = tokenizer.convert_tokens_to_ids(
            tokens["forced_eos_token_id"]
        )
    # A generation_config.json replaces config.json's keys whole (transformers' rule); without
    # one, config.json's legacy force_bos_token_to_be_generated forces <s> first.
    if spec.variant(variant).generation_config and spec.generation_config is not None:
        expected["forced_bos_token_id"] = spec.generation_config.get("forced_bos_token_id")
    elif spec.config.get("force_bos_token_to_be_generated"):
        expected["forced_bos_token_id"] = spec.config.get("bos_token_id")
    else:
        expected["forced_bos_token_id"] = spec.config.get("forced_bos_token_id")
    if not isinstance(expected["forced_bos_token_id"], int):  # a language code, set per call
        expected["forced_bos_token_id"] = None
    if tokens.get("bad_words_ids"):
        expected["bad_words_ids"] = [
            tokenizer.convert_tokens_to_ids(list(words)) for words in tokens["bad_words_ids"]
        ]
    return expected


def _check_fallback(spec: ReplicaSpec) -> None:
    """A family the CTranslate2 engine does not run (PEGASUS): --engine auto runs it with
    transformers and says why; --engine ctranslate2 is a configuration error before work."""
    from summarize.core.errors import ConfigError
    from summarize.engines.backends import choose_engine

    choice = choose_engine("auto", spec.family, "cpu")
    assert choice.engine == "transformers"
    assert choice.fallback_reason and spec.family in choice.fallback_reason
    with pytest.raises(ConfigError, match="--engine ctranslate2"):
        choose_engine("ctranslate2", spec.family, "cpu")


def _run_transformers(folder: Path, target: Target, generate: bool) -> dict:
    """Load the transformers engine, generate, and keep what reached model.generate()."""
    import torch

    from summarize.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(str(folder), device="cpu", dtype="float32", batch_size=4)
    seen: dict[str, Any] = {}
    original = engine.model.generate

    def spy(**kwargs):
        seen["config"] = kwargs["generation_config"]
        seen["inputs"] = kwargs["input_ids"].tolist()
        if generate:
            seen["outputs"] = original(**kwargs)
        else:  # the settings are what this variant checks; decoding itself is the same
            config = kwargs["generation_config"]
            rows = len(seen["inputs"])
            seen["outputs"] = torch.tensor([[config.decoder_start_token_id, config.eos_token_id]])
            seen["outputs"] = seen["outputs"].repeat(rows, 1)
        return seen["outputs"]

    engine.model.generate = spy
    seen["texts"] = engine.generate(TEXTS, target)
    seen["engine"] = engine
    return seen


def _run_ctranslate2(folder: Path, target: Target, cache: Path) -> dict:
    from summarize.engines.ctranslate2_engine import CTranslate2Engine

    engine = CTranslate2Engine(
        str(folder), device="cpu", dtype="float32", batch_size=4, cache_root=cache
    )
    seen: dict[str, Any] = {"calls": []}
    translator = engine._translator

    class Spy:
        def translate_batch(self, source, target_prefix=None, **options):
            futures = translator.translate_batch(source, target_prefix, **options)
            seen["calls"].append((source, target_prefix, options, futures))
            return futures

        def __getattr__(self, name):
            return getattr(translator, name)

    engine._translator = Spy()
    seen["texts"] = engine.generate(TEXTS, target)
    seen["engine"] = engine
    return seen


@pytest.mark.parametrize(("hub_id", "variant", "engine_name"), CASES)
def test_a_replica_decodes_with_its_checkpoints_settings(
    replicas, tmp_path, hub_id, variant, engine_name
):
    spec = REPLICAS[hub_id]
    folder = replicas[hub_id if variant == "published" else f"{hub_id}@{variant}"]
    if engine_name == "ctranslate2":
        pytest.importorskip("ctranslate2")
        from summarize.engines.ctranslate2_engine import SUPPORTED_MODEL_TYPES

        if spec.family not in SUPPORTED_MODEL_TYPES:
            _check_fallback(spec)
            return
    target, language_token = _target(spec, folder)

    if engine_name == "transformers":
        seen = _run_transformers(folder, target, generate=variant == "published")
    else:
        seen = _run_ctranslate2(folder, target, tmp_path / "ct2")
    engine = seen["engine"]
    tokenizer = engine.tokenizer
    expected = _expected(spec, variant, target.task, tokenizer, engine.max_input_tokens)
    assert len(seen["texts"]) == len(TEXTS)
    if spec.role == "summary" and expected["prefix"] is not None:
        assert target.prefix == expected["prefix"]

    if engine_name == "transformers":
        config = seen["config"]
        for name in (
            "num_beams",
            "max_new_tokens",
            "min_new_tokens",
            "length_penalty",
            "no_repeat_ngram_size",
            "early_stopping",
            "forced_eos_token_id",
        ):
            assert getattr(config, name) == expected[name], name
        if "bad_words_ids" in expected:
            assert config.bad_words_ids == expected["bad_words_ids"]
        if language_token is not None and target.forced_bos_token is not None:
            assert config.forced_bos_token_id == tokenizer.convert_tokens_to_ids(language_token)
        else:
            assert config.forced_bos_token_id == expected["forced_bos_token_id"]
        inputs = seen["inputs"]
        # Generated tokens after the decoder start, up to and including the end token.
        eos, pad = config.eos_token_id, config.pad_token_id
        for row in seen["outputs"].tolist():
            generated = row[1:]
            length = generated.index(eos) + 1 if eos in generated else len(generated)
            assert length <= expected["max_new_tokens"]
            if seen["outputs"].shape[1] > 2:  # real decoding, not the settings-only stub
                assert length >= expected["min_new_tokens"] or all(t == pad for t in row[1:])
    else:
        source, prefix, options, futures = seen["calls"][0]
        forced_eos = expected["forced_eos_token_id"] is not None
        assert options["beam_size"] == expected["num_beams"]
        # CTranslate2 stops one step early where transformers forces the end token.
        assert options["max_decoding_length"] == expected["max_new_tokens"] - forced_eos
        assert options["min_decoding_length"] == min(
            expected["min_new_tokens"], options["max_decoding_length"]
        )
        assert options["length_penalty"] == expected["length_penalty"]
        assert options["no_repeat_ngram_size"] == expected["no_repeat_ngram_size"]
        if target.forced_bos_token is not None:
            assert prefix == [[language_token]] * len(prefix)
        elif expected["forced_bos_token_id"] is not None:
            token = tokenizer.convert_ids_to_tokens(expected["forced_bos_token_id"])
            assert prefix == [[token]] * len(prefix)
        else:
            assert prefix is None
        inputs = [tokenizer.convert_tokens_to_ids(tokens) for tokens in source]
        for future in futures:
            length = len(future.result().hypotheses[0])
            assert options["min_decoding_length"] <= length <= options["max_decoding_length"]

    # The language token is where the family wants it: Marian's >>xxx<< first in the input,
    # NLLB / M2M100 / mBART's target code forced first in the output (checked above).
    if language_token is not None and target.forced_bos_token is None:
        token_id = tokenizer.convert_tokens_to_ids(language_token)
        assert token_id != tokenizer.unk_token_id
        assert all(ids[0] == token_id for ids in inputs)
    if target.src_lang is not None:
        # NLLB and mBART name the source by its token, M2M100 by a code it wraps as __xx__.
        m2m100 = spec.family == "m2m_100" and "__en__" in tokenizer.get_vocab()
        source_token = f"__{target.src_lang}__" if m2m100 else target.src_lang
        source_id = tokenizer.convert_tokens_to_ids(source_token)
        assert source_id != tokenizer.unk_token_id
        assert all(source_id in ids[:2] for ids in inputs)
    engine.close()
