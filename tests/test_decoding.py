"""A checkpoint's decoding settings, wherever it keeps them (summarize.engines.decoding)."""

from __future__ import annotations

import pytest
from support import replica_facts

from summarize.engines.decoding import Decoding, checkpoint_decoding
from summarize.engines.generation import GenerationOverrides, ModelInfo
from summarize.stages.summarizer import summary_prefix

#: config.json of a BART summariser saved before generation_config.json existed (the keys
#: sshleifer/distilbart-cnn-12-6 publishes; sizes do not matter here).
DISTILBART = {**replica_facts.DISTILBART_CNN_CONFIG, "vocab_size": 50264}


def test_config_json_settings_apply_when_there_is_no_generation_config():
    decoding = checkpoint_decoding(DISTILBART, None, task="summarization", input_limit=1024)
    assert decoding == Decoding(
        num_beams=4,
        min_new_tokens=55,
        max_new_tokens=141,
        length_penalty=2.0,
        no_repeat_ngram_size=3,
        early_stopping=True,
        forced_bos_token_id=0,
        origin="config.json + task_specific_params[summarization]",
    )


def test_a_generation_config_wins_whole_as_in_transformers():
    generation = {"num_beams": 2, "max_length": 60, "decoder_start_token_id": 2}
    decoding = checkpoint_decoding(DISTILBART, generation, input_limit=1024)
    # config.json's min_length, penalties and forced bos are not mixed in.
    assert (decoding.num_beams, decoding.min_new_tokens, decoding.max_new_tokens) == (2, 0, 59)
    assert decoding.length_penalty == 1.0 and decoding.forced_bos_token_id is None
    assert decoding.origin == "generation_config.json"


def test_a_task_entry_replaces_what_it_sets():
    config = {
        "model_type": "t5",
        "vocab_size": 32128,
        "task_specific_params": {
            "translation_en_to_de": {"max_length": 300, "num_beams": 4, "prefix": "x: "}
        },
    }
    generation = {"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0}
    decoding = checkpoint_decoding(config, generation, task="translation_en_to_de", input_limit=512)
    assert (decoding.num_beams, decoding.max_new_tokens) == (4, 299)
    assert decoding.origin == "generation_config.json + task_specific_params[translation_en_to_de]"
    other = checkpoint_decoding(config, generation, task="summarization", input_limit=512)
    assert other.num_beams == 1


def test_no_length_anywhere_means_the_input_limit_not_19_tokens():
    decoding = checkpoint_decoding({"model_type": "t5"}, {}, input_limit=512)
    assert decoding.max_new_tokens == 512
    assert "no output length" in decoding.notes[0]


def test_padded_embedding_rows_are_suppressed():
    config = {"model_type": "bart", "vocab_size": 64, "suppress_tokens": [3]}
    decoding = checkpoint_decoding(config, None, input_limit=128, decodable_ids=60)
    assert decoding.suppress_tokens == (3, 60, 61, 62, 63)
    assert checkpoint_decoding(config, None, input_limit=128, decodable_ids=64).suppress_tokens == (
        3,
    )


@pytest.mark.parametrize(
    ("overrides", "lengths"),
    [
        (GenerationOverrides(min_new_tokens=200), (200, 200)),
        (GenerationOverrides(max_new_tokens=30), (30, 30)),
        (GenerationOverrides(max_new_tokens=100), (55, 100)),
    ],
)
def test_user_bounds_win_over_the_checkpoints_other_bound(overrides, lengths):
    decoding = checkpoint_decoding(DISTILBART, None, input_limit=1024).overridden(overrides)
    assert (decoding.min_new_tokens, decoding.max_new_tokens) == lengths


def test_a_summariser_uses_its_configs_own_prefix():
    """distilBART's config.json has prefix " ": it was fine-tuned on articles that start with a
    space, and the summarisation pipelines of transformers v4 put it before every article."""
    info = ModelInfo(name="m", model_type="bart", language_tokens=frozenset(), prefix=" ")
    assert summary_prefix(info) == " "
    t5 = ModelInfo(name="t", model_type="t5", language_tokens=frozenset())
    assert summary_prefix(t5) == "summarize: "
