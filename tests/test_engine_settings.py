"""Both engines decode with the same settings: the model's generation config, then overrides."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from summarize.generation import GenerationOverrides, Target

pytest.importorskip("ctranslate2")

TEXTS = ["The government announced a new budget.", "Prices rose again in the spring."]

#: What a checkpoint's generation_config.json may set, each a value no default has.
MODEL_SETTINGS = {
    "num_beams": 3,
    "max_new_tokens": 9,
    "min_new_tokens": 2,
    "length_penalty": 0.6,
    "repetition_penalty": 1.2,
    "no_repeat_ngram_size": 3,
}
OVERRIDES = GenerationOverrides(
    num_beams=2, max_new_tokens=5, min_new_tokens=4, repetition_penalty=1.5, no_repeat_ngram_size=2
)
#: transformers' GenerationConfig field -> CTranslate2's translate_batch keyword.
CT2_NAMES = {
    "num_beams": "beam_size",
    "max_new_tokens": "max_decoding_length",
    "min_new_tokens": "min_decoding_length",
    "length_penalty": "length_penalty",
    "repetition_penalty": "repetition_penalty",
    "no_repeat_ngram_size": "no_repeat_ngram_size",
}


@pytest.fixture(scope="module")
def configured(tiny_models, tmp_path_factory) -> dict[str, Path]:
    """The tiny Marian and NLLB models with every decoding setting in generation_config.json."""
    folders = {}
    for family in ("marian", "nllb"):
        folder = tmp_path_factory.mktemp("settings") / family
        shutil.copytree(tiny_models[family], folder)
        path = folder / "generation_config.json"
        config = json.loads(path.read_text("utf-8"))
        config.pop("forced_eos_token_id", None)  # CTranslate2 stops one step early for it
        path.write_text(json.dumps({**config, **MODEL_SETTINGS}), "utf-8")
        folders[family] = folder
    return folders


def transformers_settings(folder: Path, overrides: GenerationOverrides, target: Target) -> dict:
    """The settings transformers' generate() ends up with: the model's config updated by the
    keyword arguments the engine passes."""
    from summarize.engine import TransformersEngine

    engine = TransformersEngine(
        str(folder), device="cpu", dtype="float32", batch_size=4, overrides=overrides
    )
    seen: list[dict] = []
    generate = engine.model.generate

    def spy(**kwargs):
        effective = copy.deepcopy(engine.model.generation_config)
        effective.update(
            **{k: v for k, v in kwargs.items() if k not in ("input_ids", "attention_mask")}
        )
        seen.append(effective.to_dict())
        return generate(**kwargs)

    engine.model.generate = spy
    engine.generate(TEXTS, target)
    engine.close()
    return seen[0]


def ctranslate2_settings(
    folder: Path, cache: Path, overrides: GenerationOverrides, target: Target
) -> tuple[dict, list | None]:
    """The options and target prefix CTranslate2's translate_batch receives."""
    from summarize.ct2_engine import CTranslate2Engine

    engine = CTranslate2Engine(
        str(folder),
        device="cpu",
        dtype="float32",
        batch_size=4,
        overrides=overrides,
        cache_root=cache,
    )
    seen: list[tuple[dict, list | None]] = []
    translator = engine._translator

    class Spy:
        def translate_batch(self, source, target_prefix=None, **options):
            seen.append((options, target_prefix))
            return translator.translate_batch(source, target_prefix, **options)

        def __getattr__(self, name):
            return getattr(translator, name)

    engine._translator = Spy()
    engine.generate(TEXTS, target)
    engine.close()
    return seen[0]


@pytest.mark.parametrize("overrides", [GenerationOverrides(), OVERRIDES], ids=["model", "flags"])
def test_both_engines_decode_with_the_same_settings(configured, tmp_path, overrides) -> None:
    expected = {**MODEL_SETTINGS, **{k: v for k, v in vars(overrides).items() if v is not None}}
    torch_side = transformers_settings(configured["marian"], overrides, Target())
    ct2_side, prefix = ctranslate2_settings(configured["marian"], tmp_path, overrides, Target())
    for name, value in expected.items():
        assert torch_side[name] == value, name
        assert ct2_side[CT2_NAMES[name]] == value, name
    assert prefix is None


@pytest.mark.parametrize(
    ("overrides", "lengths"),
    [
        # The model's own bounds are 2..9 new tokens (MODEL_SETTINGS).
        (GenerationOverrides(min_new_tokens=12), (12, 12)),  # the minimum raises the maximum
        (GenerationOverrides(max_new_tokens=1), (1, 1)),  # the maximum lowers the minimum
        (GenerationOverrides(min_new_tokens=4), (4, 9)),
    ],
    ids=["min-above-model-max", "max-below-model-min", "within"],
)
def test_a_length_flag_wins_over_the_models_other_bound_on_both_engines(
    configured, tmp_path, overrides, lengths
) -> None:
    torch_side = transformers_settings(configured["marian"], overrides, Target())
    ct2_side, _ = ctranslate2_settings(configured["marian"], tmp_path, overrides, Target())
    assert (torch_side["min_new_tokens"], torch_side["max_new_tokens"]) == lengths
    assert (ct2_side["min_decoding_length"], ct2_side["max_decoding_length"]) == lengths


def test_both_engines_force_the_same_target_language_token(configured, tmp_path) -> None:
    from transformers import AutoTokenizer

    target = Target(src_lang="eng_Latn", forced_bos_token="hun_Latn")
    torch_side = transformers_settings(configured["nllb"], GenerationOverrides(), target)
    _, prefix = ctranslate2_settings(configured["nllb"], tmp_path, GenerationOverrides(), target)
    tokenizer = AutoTokenizer.from_pretrained(configured["nllb"])
    assert torch_side["forced_bos_token_id"] == tokenizer.convert_tokens_to_ids("hun_Latn")
    assert prefix is not None and {tuple(p) for p in prefix} == {("hun_Latn",)}
