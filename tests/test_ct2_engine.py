"""CTranslate2 engine on the tiny models: same output as transformers, caching, settings."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from summarize.engines.generation import GenerationOverrides, Target

ctranslate2 = pytest.importorskip("ctranslate2")

from summarize.engines.ctranslate2_engine import (  # noqa: E402  (after the importorskip)
    SUPPORTED_MODEL_TYPES,
    CTranslate2Engine,
    compute_type_for,
    converted_model_dir,
)

TEXTS = [
    "The government announced a new budget.",
    "Prices rose.",
    "The central bank raised interest rates by a quarter of a percentage point after weeks.",
]

# Family -> target that selects its output language, as the translator stage passes it.
TARGETS = {
    "bart": Target(),
    "marian": Target(),
    "marian_multi_zle": Target(prefix=">>ukr<< "),
    "nllb": Target(src_lang="eng_Latn", forced_bos_token="hun_Latn"),
    "m2m100": Target(src_lang="en", forced_bos_token="__uk__"),
    "mbart50": Target(src_lang="en_XX", forced_bos_token="ru_RU"),
    "t5": Target(prefix="summarize: "),
}


def _engine(path: Path, cache: Path, **kwargs) -> CTranslate2Engine:
    kwargs = {"device": "cpu", "dtype": "float32", "batch_size": 2, **kwargs}
    return CTranslate2Engine(str(path), cache_root=cache, **kwargs)


@pytest.fixture(scope="module")
def checkpoints(tiny_models, tmp_path_factory) -> dict[str, Path]:
    """The tiny models, with Marian's ``<pad>`` embedding zeroed as in real OPUS-MT checkpoints.

    Marian decoders start from ``<pad>``, whose embedding row is zero in real checkpoints;
    CTranslate2's Marian converter relies on that (``start_from_zero_embedding``). The tiny
    builder randomises every embedding row, pad included, which changes transformers' first
    decoder step only, so both engines are compared on a copy with the real layout.
    """
    import shutil

    import torch
    from transformers import AutoModelForSeq2SeqLM

    models = dict(tiny_models)
    for family in ("marian", "marian_multi_zle"):
        folder = tmp_path_factory.mktemp("zero-pad") / family
        shutil.copytree(tiny_models[family], folder)
        model = AutoModelForSeq2SeqLM.from_pretrained(folder)
        with torch.no_grad():
            model.get_input_embeddings().weight[model.config.pad_token_id].zero_()
        model.save_pretrained(folder)
        models[family] = folder
    return models


def _hashes(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


@pytest.mark.parametrize("family", list(TARGETS))
def test_float32_output_equals_transformers(checkpoints, tmp_path, family):
    from summarize.engines.transformers_engine import TransformersEngine

    reference = TransformersEngine(
        str(checkpoints[family]), device="cpu", dtype="float32", batch_size=2
    )
    expected = reference.generate(TEXTS, TARGETS[family])
    reference.close()
    engine = _engine(checkpoints[family], tmp_path)
    assert engine.compute_type == "float32"
    assert engine.generate(TEXTS, TARGETS[family]) == expected
    assert all(expected)
    engine.close()


def _free_length_beams(model, tokenizer) -> None:
    """Let outputs end on their own at many lengths, so a length penalty changes the ranking.

    The raised end-of-sequence bias makes ending compete with every other token (random
    weights rarely end otherwise). The search stops at ``num_beams`` ended outputs and blocks
    nothing (no banned ids, no minimum length): the two details in which CTranslate2's beam
    search differs from transformers' (docs/models.md, Engines) stay out of the comparison.
    """
    import torch

    with torch.no_grad():
        model.final_logits_bias[0, tokenizer.eos_token_id] += 6.0
    config = model.generation_config
    config.min_new_tokens = config.max_new_tokens = config.bad_words_ids = None
    config.max_length, config.num_beams, config.early_stopping = 16, 4, True


def test_beam_search_with_a_length_penalty_equals_transformers(tmp_path):
    """Beam search ranks finished outputs by score / length ** penalty in both engines.

    CTranslate2 and transformers must count the same length (the end token included) and
    stop at the same point, or the default models' 4 beams would pick different outputs.
    """
    from support.tiny_models import CORPUS, build_bart

    from summarize.engines.transformers_engine import TransformersEngine

    folder = build_bart(tmp_path / "bart", init_std=0.3, before_save=_free_length_beams)
    texts = [text for text in CORPUS if 20 < len(text) < 200][:24]
    outputs = {}
    for penalty in (0.0, 2.0):
        config_path = folder / "generation_config.json"
        config = json.loads(config_path.read_text("utf-8"))
        config_path.write_text(json.dumps({**config, "length_penalty": penalty}), "utf-8")
        reference = TransformersEngine(str(folder), device="cpu", dtype="float32", batch_size=8)
        expected = reference.generate(texts)
        reference.close()
        engine = _engine(folder, tmp_path / f"cache-{penalty}", batch_size=8)
        assert engine.options()[0]["length_penalty"] == penalty
        assert engine.generate(texts) == expected
        engine.close()
        outputs[penalty] = expected
    # The check has teeth: outputs end at many lengths, and the penalty changes most of them.
    assert len({len(text) for text in outputs[2.0]}) >= 5
    assert sum(a != b for a, b in zip(outputs[0.0], outputs[2.0], strict=True)) >= len(texts) // 2


def test_supported_model_types_cover_the_tested_families(tiny_models):
    import json

    types = {
        json.loads((tiny_models[family] / "config.json").read_text())["model_type"]
        for family in TARGETS
    }
    assert types == SUPPORTED_MODEL_TYPES


@pytest.mark.parametrize("family", ["marian", "bart"])
def test_int8_on_cpu_gives_outputs_of_the_forced_length(tiny_models, tmp_path, family):
    from support.tiny_models import NEW_TOKENS

    engine = _engine(tiny_models[family], tmp_path, dtype="auto")
    assert engine.compute_type == "int8"
    outputs = engine.generate(TEXTS)
    assert len(outputs) == len(TEXTS)
    assert all(outputs)
    # Token count straight from CTranslate2 (decoded text has no fixed length).
    results = engine._translator.translate_batch(
        [
            engine.tokenizer.convert_ids_to_tokens(ids)
            for ids in engine.tokenizer(TEXTS)["input_ids"]
        ],
        **engine.options()[0],
    )
    assert [len(result.hypotheses[0]) for result in results] == [NEW_TOKENS] * len(TEXTS)


def test_compute_type_choices():
    assert compute_type_for("cpu", "auto") == "int8"
    assert compute_type_for("cpu", "bfloat16") == "int8"
    assert compute_type_for("cpu", "float32") == "float32"
    assert compute_type_for("cuda", "auto") == "int8_float16"
    assert compute_type_for("cuda:1", "bfloat16") == "bfloat16"
    assert compute_type_for("cuda", "float16") == "float16"


def test_conversion_is_cached_and_leaves_the_model_folder_alone(
    tiny_models, tmp_path, monkeypatch, caplog
):
    converter = ctranslate2.converters.TransformersConverter
    calls: list[str | None] = []
    original = converter.convert

    def spy(self, output_dir, vmap=None, quantization=None, force=False):
        calls.append(quantization)
        return original(self, output_dir, vmap=vmap, quantization=quantization, force=force)

    monkeypatch.setattr(converter, "convert", spy)
    # BART takes the linked-copy path (legacy config keys restored).
    folder = tiny_models["bart"]
    before = _hashes(folder)
    with caplog.at_level(logging.INFO, logger="summarize.engines.ctranslate2_engine"):
        first = converted_model_dir(str(folder), compute_type="float32", cache_root=tmp_path)
    assert calls == ["float32"]
    assert "converting" in caplog.text and "first use only" in caplog.text
    again = converted_model_dir(str(folder), compute_type="float32", cache_root=tmp_path)
    assert again == first and calls == ["float32"]
    _engine(folder, tmp_path).close()  # an engine reuses it too
    assert calls == ["float32"]
    other = converted_model_dir(str(folder), compute_type="int8", cache_root=tmp_path)
    assert other != first and calls == ["float32", "int8"]
    assert _hashes(folder) == before
    # Only the finished models are left: no temp folders from the conversions.
    assert sorted(path.name for path in (tmp_path / "ct2").iterdir()) == sorted(
        [first.name, other.name]
    )


def _record_options(engine: CTranslate2Engine) -> list[dict]:
    """Keep the options of every translate_batch call the engine makes from now on."""
    seen: list[dict] = []
    translator = engine._translator

    class Spy:
        def translate_batch(self, source, target_prefix=None, **options):
            seen.append(options)
            return translator.translate_batch(source, target_prefix, **options)

        def __getattr__(self, name):
            return getattr(translator, name)

    engine._translator = Spy()
    return seen


def test_overrides_reach_translate_batch_and_change_length(tiny_models, tmp_path, monkeypatch):
    engine = _engine(
        tiny_models["marian"],
        tmp_path,
        overrides=GenerationOverrides(num_beams=2, max_new_tokens=3, min_new_tokens=3),
    )
    seen = _record_options(engine)
    short = engine.generate(TEXTS)
    assert {(o["beam_size"], o["max_decoding_length"], o["min_decoding_length"]) for o in seen} == {
        (2, 3, 3)
    }
    default = _engine(tiny_models["marian"], tmp_path).generate(TEXTS)
    assert all(len(s) < len(d) for s, d in zip(short, default, strict=True))


def test_per_call_overrides_change_one_call_only(tiny_models, tmp_path):
    """A retry's safer decoding reaches translate_batch; the next call decodes as before."""
    engine = _engine(tiny_models["marian"], tmp_path, overrides=GenerationOverrides(num_beams=2))
    seen = _record_options(engine)
    safer = GenerationOverrides(max_new_tokens=4, repetition_penalty=1.3, no_repeat_ngram_size=3)
    engine.generate(TEXTS, overrides=safer)
    engine.generate(TEXTS)
    keys = ("beam_size", "max_decoding_length", "repetition_penalty", "no_repeat_ngram_size")
    first, second = ({tuple(o[k] for k in keys)} for o in (seen[0], seen[-1]))
    assert first == {(2, 4, 1.3, 3)}
    assert second == {(2, engine.options()[0]["max_decoding_length"], 1.0, 0)}


def test_order_kept_across_sorted_batches(checkpoints, tmp_path):
    engine = _engine(checkpoints["marian"], tmp_path, batch_size=2, threads=2)
    texts = [TEXTS[1], TEXTS[2], TEXTS[0], TEXTS[1] + " " + TEXTS[0], TEXTS[2]]
    done: list[dict[int, str]] = []
    outputs = engine.generate(texts, on_batch=done.append)
    singles = [engine.generate([text])[0] for text in texts]
    assert outputs == singles
    # 5 inputs, batches of at most 2, 2 workers: 4 batches (2 + 1 + 1 + 1), each reported as
    # it ends with its outputs by position in the texts, every text once.
    assert len(done) == 4
    assert {i: text for batch in done for i, text in batch.items()} == dict(enumerate(outputs))
    assert sum(len(batch) for batch in done) == len(texts)


def test_cpu_workers_share_evenly_filled_batches(tiny_models, tmp_path):
    """Two CPU workers get a whole wave of batches at once, filled evenly and in a multiple
    of the workers, so neither idles while the other ends a batch; the batch size and the
    token budget still bound each batch."""
    engine = _engine(tiny_models["marian"], tmp_path, batch_size=2, threads=2)
    texts = [f"{TEXTS[i % 3]} {i}" for i in range(10)]
    batches: list[int] = []
    translator = engine._translator

    class Spy:
        def translate_batch(self, source, target_prefix=None, **options):
            assert options["asynchronous"]  # submitted together, not one after another
            batches.append(len(source))
            return translator.translate_batch(source, target_prefix, **options)

        def __getattr__(self, name):
            return getattr(translator, name)

    engine._translator = Spy()
    outputs = engine.generate(texts)
    assert batches == [2, 2, 2, 2, 1, 1]  # 5 batches of 2 would leave a worker idle
    assert outputs == [engine.generate([text])[0] for text in texts]

    batches.clear()
    assert engine.generate(texts[:3]) == outputs[:3]
    assert batches == [2, 1]  # a small wave still gives each worker a batch

    engine.batch_size = 4
    batches.clear()
    assert engine.generate(texts[:9]) == outputs[:9]
    assert batches == [3, 2, 2, 2]  # not 4 + 4 + 1

    longest = max(len(ids) for ids in engine.tokenizer(texts)["input_ids"])
    engine.max_batch_tokens = longest  # room for one input per batch
    batches.clear()
    assert engine.generate(texts) == outputs
    assert batches == [1] * 10


def test_counting_a_text_over_the_limit_warns_nothing(tiny_models, tmp_path, caplog):
    """Texts are counted to find the ones to split; transformers' 'will result in indexing
    errors' warning would be false there."""
    engine = _engine(tiny_models["bart"], tmp_path)
    with caplog.at_level(logging.WARNING):
        assert engine.count_tokens(["word " * 500])[0] > engine.max_input_tokens
    assert "maximum sequence length" not in caplog.text
    engine.close()


def test_over_long_input_is_refused(tiny_models, tmp_path):
    engine = _engine(tiny_models["marian"], tmp_path)
    with pytest.raises(ValueError, match="limit"):
        engine.generate([" ".join(["budget"] * (engine.max_input_tokens + 5))])
    plain, with_specials = (
        engine.count_tokens(["Prices rose."]),
        engine.count_tokens(["Prices rose."], special_tokens=True),
    )
    assert with_specials[0] == plain[0] + 1  # Marian appends </s>
    engine.close()
    engine.close()  # idempotent
