"""Both engines decode with the same settings: the model's generation config, then overrides."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from summarize.engines.generation import GenerationOverrides, Target

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
    from summarize.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(
        str(folder), device="cpu", dtype="float32", batch_size=4, overrides=overrides
    )
    seen: list[dict] = []
    generate = engine.model.generate

    def spy(**kwargs):
        # The engine passes a whole generation_config; generate() fills what it leaves unset
        # from the model's own, then applies any other keyword.
        effective = copy.deepcopy(kwargs.get("generation_config", engine.model.generation_config))
        effective.update(**engine.model.generation_config.to_dict(), defaults_only=True)
        effective.update(
            **{
                k: v
                for k, v in kwargs.items()
                if k not in ("input_ids", "attention_mask", "generation_config")
            }
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
    from summarize.engines.ctranslate2_engine import CTranslate2Engine

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


# --- Settings that live outside generation_config.json (issue: real checkpoints' layouts) ---

#: distilBART-style decoding keys, kept in config.json as checkpoints saved before 2023 do.
LEGACY_KEYS = {
    "num_beams": 4,
    "min_length": 12,
    "max_length": 30,
    "length_penalty": 2.0,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
    "force_bos_token_to_be_generated": True,
}


def _without_generation_config(source: Path, dest: Path, **config_values) -> Path:
    """A copy of a tiny model without generation_config.json, ``config_values`` in config.json."""
    shutil.copytree(source, dest)
    (dest / "generation_config.json").unlink()
    path = dest / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text("utf-8")), **config_values}), "utf-8")
    return dest


def test_settings_only_in_config_json_reach_both_engines(tiny_models, tmp_path) -> None:
    """A checkpoint without generation_config.json keeps its beams and lengths in config.json:
    CTranslate2 used to decode it greedily for 19 tokens."""
    folder = _without_generation_config(tiny_models["bart"], tmp_path / "bart", **LEGACY_KEYS)
    torch_side = transformers_settings(folder, GenerationOverrides(), Target())
    ct2_side, prefix = ctranslate2_settings(
        folder, tmp_path / "ct2", GenerationOverrides(), Target()
    )
    # max_length / min_length count the decoder start token; BART forces its end token too.
    assert (torch_side["num_beams"], ct2_side["beam_size"]) == (4, 4)
    assert (torch_side["min_new_tokens"], torch_side["max_new_tokens"]) == (11, 29)
    assert (ct2_side["min_decoding_length"], ct2_side["max_decoding_length"]) == (11, 28)
    assert torch_side["forced_eos_token_id"] == 2
    assert torch_side["length_penalty"] == ct2_side["length_penalty"] == 2.0
    assert torch_side["no_repeat_ngram_size"] == ct2_side["no_repeat_ngram_size"] == 3
    assert torch_side["early_stopping"] is True
    # force_bos_token_to_be_generated (a legacy key) forces <s> first, on both engines.
    assert torch_side["forced_bos_token_id"] == 0
    assert prefix is not None and {tuple(p) for p in prefix} == {("<s>",)}


def test_a_length_flag_counts_the_forced_end_token_on_both_engines(tiny_models, tmp_path) -> None:
    """With --max-summary-tokens (or a retry's cap) CTranslate2 decoded one token more than
    transformers, whose forced end token takes the last place."""
    folder = _without_generation_config(tiny_models["bart"], tmp_path / "bart", **LEGACY_KEYS)
    cap = GenerationOverrides(max_new_tokens=15)
    torch_side = transformers_settings(folder, cap, Target())
    ct2_side, _ = ctranslate2_settings(folder, tmp_path / "ct2", cap, Target())
    assert torch_side["max_new_tokens"] == 15 and torch_side["forced_eos_token_id"] == 2
    assert ct2_side["max_decoding_length"] == 14


def test_a_t5_task_entry_sets_beams_and_lengths_on_both_engines(tiny_models, tmp_path) -> None:
    """T5 keeps each task's beams and lengths in task_specific_params, next to its prefix; both
    engines used only the prefix and stopped at transformers' default of 19 tokens."""
    folder = tmp_path / "t5"
    shutil.copytree(tiny_models["t5"], folder)
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text("utf-8"))
    config["task_specific_params"]["summarization"] = {
        "early_stopping": True,
        "length_penalty": 2.0,
        "max_length": 40,
        "min_length": 10,
        "no_repeat_ngram_size": 3,
        "num_beams": 4,
        "prefix": "summarize: ",
    }
    config_path.write_text(json.dumps(config), "utf-8")
    # As t5-small's: token ids only.
    (folder / "generation_config.json").write_text(
        json.dumps({"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0}), "utf-8"
    )
    target = Target(prefix="summarize: ", task="summarization")
    torch_side = transformers_settings(folder, GenerationOverrides(), target)
    ct2_side, _ = ctranslate2_settings(folder, tmp_path / "ct2", GenerationOverrides(), target)
    assert (torch_side["num_beams"], torch_side["min_new_tokens"]) == (4, 9)
    assert torch_side["max_new_tokens"] == 39
    assert (ct2_side["beam_size"], ct2_side["min_decoding_length"]) == (4, 9)
    assert ct2_side["max_decoding_length"] == 39
    assert torch_side["length_penalty"] == ct2_side["length_penalty"] == 2.0
    # Without a task (or for one the checkpoint lacks) no length is set at all: the bound is
    # the model's input limit, never transformers' default of 20.
    plain = transformers_settings(folder, GenerationOverrides(), Target(prefix="summarize: "))
    assert plain["num_beams"] == 1 and plain["max_new_tokens"] == 128


def test_ids_the_tokenizer_cannot_decode_are_never_generated(tiny_models, tmp_path) -> None:
    """Embedding rows padded past the vocabulary (resize_token_embeddings(pad_to_multiple_of))
    decode to nothing, or fail detokenising: they are suppressed."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    folder = tmp_path / "bart"
    shutil.copytree(tiny_models["bart"], folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder)
    model.resize_token_embeddings(len(tokenizer), pad_to_multiple_of=64)
    model.save_pretrained(folder)
    padded = model.config.vocab_size
    assert padded > len(tokenizer)
    torch_side = transformers_settings(folder, GenerationOverrides(), Target())
    assert set(range(len(tokenizer), padded)) <= set(torch_side["suppress_tokens"])
