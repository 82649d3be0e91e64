"""The tiny offline models load through the real Auto* classes and behave like their families."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import huggingface_hub.constants
import pytest
import torch
from support.tiny_models import MAX_POSITIONS, NEW_TOKENS, build_all
from transformers import (
    AutoConfig,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

# Family of each tiny model: config model_type, tokenizer class AutoTokenizer returns (v5),
# decoder start token, and the text prefix it needs (Marian multi-target: the target token).
FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "bart": ("bart", "RobertaTokenizer", "eos", ""),
    "marian": ("marian", "MarianTokenizer", "pad", ""),
    "marian_multi_zh": ("marian", "MarianTokenizer", "pad", ">>cmn_Hans<< "),
    "marian_multi_zle": ("marian", "MarianTokenizer", "pad", ">>rus<< "),
    "nllb": ("m2m_100", "NllbTokenizer", "eos", ""),
    "m2m100": ("m2m_100", "M2M100Tokenizer", "eos", ""),
    "mbart50": ("mbart", "MBart50Tokenizer", "eos", ""),
    "t5": ("t5", "T5Tokenizer", "pad", "summarize: "),
}

# Loading MarianTokenizer without sacremoses warns; the product's tests decide about that.
pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses:UserWarning")

TEXTS = (
    "The government announced a new budget on Monday after weeks of talks.",
    "Heavy rain caused floods in several villages; rescue teams worked all night.",
    "Exports grew by 3.5% in May, helped by a weaker currency, official figures showed.",
)


def _load(path: Path) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
    """Tokenizer and model, loaded the way the product loads a downloaded checkpoint."""
    return AutoTokenizer.from_pretrained(path), AutoModelForSeq2SeqLM.from_pretrained(path)


def _generate(
    path: Path, texts: list[str], **kwargs: object
) -> tuple[PreTrainedTokenizerBase, torch.Tensor]:
    """Tokenizer and the generated ids for ``texts`` (decoder start token included)."""
    tokenizer, model = _load(path)
    inputs = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        return tokenizer, model.generate(**inputs, **kwargs)


def test_tests_run_offline_with_a_temp_hf_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    # huggingface_hub reads these once, at import: conftest's pytest_configure set them first.
    assert huggingface_hub.constants.HF_HUB_OFFLINE
    assert huggingface_hub.constants.HF_HOME.startswith(tempfile.gettempdir())
    # ... and the autouse fixture sets them for subprocesses and late readers.
    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert Path(os.environ["HF_HOME"]).is_relative_to(tmp_path_factory.getbasetemp())


def test_builds_every_family(tiny_models: dict[str, Path]) -> None:
    assert set(tiny_models) == set(FAMILIES)
    for path in tiny_models.values():
        assert (path / "config.json").is_file()
        assert (path / "generation_config.json").is_file()
        assert (path / "model.safetensors").is_file()


@pytest.mark.parametrize("name", FAMILIES)
def test_loads_through_auto_classes(tiny_models: dict[str, Path], name: str) -> None:
    model_type, tokenizer_class, _, _ = FAMILIES[name]
    path = tiny_models[name]

    assert AutoConfig.from_pretrained(path).model_type == model_type
    tokenizer, model = _load(path)
    assert type(tokenizer).__name__ == tokenizer_class
    assert model.config.model_type == model_type
    # The input limit is small and discoverable from both the tokenizer and the config.
    assert tokenizer.model_max_length == MAX_POSITIONS
    if model_type == "t5":  # relative positions: the config only records the limit
        assert model.config.n_positions == MAX_POSITIONS
    else:
        assert model.config.max_position_embeddings == MAX_POSITIONS
    assert model.config.vocab_size >= len(tokenizer)


@pytest.mark.parametrize("name", FAMILIES)
def test_generation_config_fixes_length(tiny_models: dict[str, Path], name: str) -> None:
    start = FAMILIES[name][2]
    path = tiny_models[name]
    saved = json.loads((path / "generation_config.json").read_text(encoding="utf-8"))
    tokenizer, model = _load(path)
    generation = model.generation_config

    assert saved["min_new_tokens"] == saved["max_new_tokens"] == NEW_TOKENS
    assert saved["num_beams"] == 1
    # A saved max_length would cap long inputs; max_new_tokens alone must decide.
    assert "max_length" not in saved
    assert generation.eos_token_id == tokenizer.eos_token_id
    assert generation.pad_token_id == tokenizer.pad_token_id
    expected_start = tokenizer.eos_token_id if start == "eos" else tokenizer.pad_token_id
    assert generation.decoder_start_token_id == expected_start
    assert model.config.decoder_start_token_id == expected_start
    # Special tokens are banned (never generated), except eos, which min_new_tokens holds back.
    banned = {ids[0] for ids in generation.bad_words_ids}
    assert tokenizer.unk_token_id in banned
    assert tokenizer.eos_token_id not in banned


@pytest.mark.parametrize("name", FAMILIES)
def test_generate_gives_fixed_length_readable_text(tiny_models: dict[str, Path], name: str) -> None:
    prefix = FAMILIES[name][3]
    tokenizer, output = _generate(tiny_models[name], [prefix + text for text in TEXTS])

    # One decoder start token, then exactly NEW_TOKENS generated ones per row.
    assert output.shape == (len(TEXTS), 1 + NEW_TOKENS)
    texts = tokenizer.batch_decode(output, skip_special_tokens=True)
    assert all(text.strip() for text in texts), texts
    assert "\ufffd" not in "".join(texts)
    # Output depends on the input, so tests can tell results (and their order) apart.
    assert len(set(texts)) > 1, texts


@pytest.mark.parametrize("name", ["bart", "marian", "nllb", "t5"])
def test_long_input_still_gets_all_new_tokens(tiny_models: dict[str, Path], name: str) -> None:
    tokenizer, model = _load(tiny_models[name])
    words = " ".join(TEXTS * 10).split()
    inputs = tokenizer([" ".join(words)], return_tensors="pt", truncation=True)
    # Longer than generation's default max_length (20), within the model's limit.
    assert 20 < inputs.input_ids.shape[1] <= MAX_POSITIONS
    with torch.inference_mode():
        output = model.generate(**inputs)
    assert output.shape[1] == 1 + NEW_TOKENS


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("marian_multi_zh", ">>cmn_Hans<<"),
        ("marian_multi_zh", ">>cmn_Hant<<"),
        ("marian_multi_zh", ">>yue<<"),
        ("marian_multi_zle", ">>rus<<"),
        ("marian_multi_zle", ">>ukr<<"),
        ("marian_multi_zle", ">>bel<<"),
    ],
)
def test_marian_target_tokens_are_single_tokens(
    tiny_models: dict[str, Path], name: str, token: str
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models[name])
    token_id = tokenizer.convert_tokens_to_ids(token)

    assert token_id != tokenizer.unk_token_id
    assert token in tokenizer.supported_language_codes
    assert tokenizer(f"{token} Hello world").input_ids[0] == token_id
    assert tokenizer.tokenize(f"{token} Hello")[0] == token


def test_single_target_marian_has_no_target_tokens(tiny_models: dict[str, Path]) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["marian"])
    assert tokenizer.supported_language_codes == []


@pytest.mark.parametrize("code", ["hun_Latn", "zho_Hans", "rus_Cyrl", "ukr_Cyrl", "eng_Latn"])
def test_nllb_language_codes_are_single_tokens(tiny_models: dict[str, Path], code: str) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["nllb"])
    assert tokenizer.convert_tokens_to_ids(code) != tokenizer.unk_token_id
    assert tokenizer.tokenize(code) == [code]


def test_nllb_source_code_leads_the_input(tiny_models: dict[str, Path]) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["nllb"])
    tokenizer.src_lang = "eng_Latn"
    ids = tokenizer("Hello world").input_ids
    # Non-legacy NLLB layout: [src_lang] tokens </s>.
    assert ids[0] == tokenizer.convert_tokens_to_ids("eng_Latn")
    assert ids[-1] == tokenizer.eos_token_id


@pytest.mark.parametrize("code", ["hu", "zh", "ru", "uk", "en"])
def test_m2m100_language_ids(tiny_models: dict[str, Path], code: str) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["m2m100"])
    lang_id = tokenizer.get_lang_id(code)

    assert lang_id != tokenizer.unk_token_id
    assert tokenizer.convert_ids_to_tokens(lang_id) == f"__{code}__"
    assert tokenizer.convert_tokens_to_ids(f"__{code}__") == lang_id
    # Special, so decoding a translation drops it.
    assert tokenizer.decode([lang_id], skip_special_tokens=True) == ""


def test_m2m100_source_code_leads_the_input(tiny_models: dict[str, Path]) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["m2m100"])
    tokenizer.src_lang = "en"
    ids = tokenizer("Hello world").input_ids
    assert ids[0] == tokenizer.get_lang_id("en")
    assert ids[-1] == tokenizer.eos_token_id


@pytest.mark.parametrize("code", ["zh_CN", "ru_RU", "uk_UA", "en_XX"])
def test_mbart50_language_codes_are_single_tokens(tiny_models: dict[str, Path], code: str) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["mbart50"])
    assert tokenizer.convert_tokens_to_ids(code) != tokenizer.unk_token_id
    assert tokenizer.tokenize(code) == [code]


def test_mbart50_has_no_hungarian_like_the_real_model(tiny_models: dict[str, Path]) -> None:
    # facebook/mbart-large-50-* know 52 languages and Hungarian is not one: "hu_HU" is <unk>.
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["mbart50"])
    assert tokenizer.convert_tokens_to_ids("hu_HU") == tokenizer.unk_token_id


def test_mbart50_source_code_leads_the_input(tiny_models: dict[str, Path]) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["mbart50"])
    tokenizer.src_lang = "en_XX"
    ids = tokenizer("Hello world").input_ids
    assert ids[0] == tokenizer.convert_tokens_to_ids("en_XX")
    assert ids[-1] == tokenizer.eos_token_id


@pytest.mark.parametrize(
    ("name", "target"), [("nllb", "zho_Hans"), ("m2m100", "__uk__"), ("mbart50", "ru_RU")]
)
def test_forced_target_token_survives_the_ban(
    tiny_models: dict[str, Path], name: str, target: str
) -> None:
    # Language tokens are in bad_words_ids, yet forced_bos_token_id still forces them: the
    # ban runs before ForcedBOSTokenLogitsProcessor.
    tokenizer = AutoTokenizer.from_pretrained(tiny_models[name])
    target_id = tokenizer.convert_tokens_to_ids(target)
    tokenizer, output = _generate(tiny_models[name], list(TEXTS[:2]), forced_bos_token_id=target_id)

    assert output[:, 1].tolist() == [target_id, target_id]
    assert output.shape[1] == 1 + NEW_TOKENS
    assert all(text.strip() for text in tokenizer.batch_decode(output, skip_special_tokens=True))


def test_t5_has_task_prefixes_and_knows_them(tiny_models: dict[str, Path]) -> None:
    tokenizer, model = _load(tiny_models["t5"])
    params = model.config.task_specific_params
    assert params["summarization"]["prefix"] == "summarize: "
    assert params["translation_en_to_de"]["prefix"] == "translate English to German: "
    ids = tokenizer("summarize: " + TEXTS[0]).input_ids
    assert tokenizer.unk_token_id not in ids


def test_builds_are_reproducible(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    again = build_all(tmp_path)
    for name, path in tiny_models.items():
        files = sorted(p.name for p in path.iterdir())
        assert files == sorted(p.name for p in again[name].iterdir()), name
        for file in files:
            assert (path / file).read_bytes() == (again[name] / file).read_bytes(), (name, file)
