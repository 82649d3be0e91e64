"""What each published checkpoint looks like, less its sizes: the facts behind ``replicas``.

Values are the published ``config.json`` / ``generation_config.json`` / tokenizer files as far as
they could be established offline; where each comes from (and what could not be confirmed) is
in ``REPLICAS.md``. ``TOKEN`` marks a value that is a token id of the real vocabulary (Marian's
``<pad>``): the builder fills in the tiny vocabulary's id. Sizes (``d_model``, layers, heads,
FFN, ``vocab_size``) are left out: the builder sets tiny ones.
"""

from __future__ import annotations

from typing import Any

#: Placeholder for a value that is the tiny vocabulary's ``<pad>`` id (Marian only).
TOKEN = "<pad id of the tiny vocabulary>"

_LABELS = {"id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}}
_LABEL_IDS = {"label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2}}

# --- BART (CNN/DailyMail summarisers) ---------------------------------------------------------

_CNN_SETTINGS = {
    "early_stopping": True,
    "length_penalty": 2.0,
    "max_length": 142,
    "min_length": 56,
    "no_repeat_ngram_size": 3,
    "num_beams": 4,
}

DISTILBART_CNN_CONFIG: dict[str, Any] = {
    "_num_labels": 3,
    "activation_dropout": 0.0,
    "activation_function": "gelu",
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "architectures": ["BartForConditionalGeneration"],
    "attention_dropout": 0.0,
    "bos_token_id": 0,
    "classif_dropout": 0.0,
    "decoder_layerdrop": 0.0,
    "decoder_start_token_id": 2,
    "dropout": 0.1,
    "encoder_layerdrop": 0.0,
    "eos_token_id": 2,
    "extra_pos_embeddings": 2,
    "force_bos_token_to_be_generated": True,
    **_LABELS,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    **_LABEL_IDS,
    "max_position_embeddings": 1024,
    "model_type": "bart",
    "normalize_before": False,
    "normalize_embedding": True,
    "output_past": True,
    "pad_token_id": 1,
    "prefix": " ",
    "scale_embedding": False,
    "static_position_embeddings": False,
    "student_decoder_layers": None,
    "student_encoder_layers": None,
    **_CNN_SETTINGS,
    "task_specific_params": {"summarization": dict(_CNN_SETTINGS)},
}

BART_LARGE_CNN_CONFIG: dict[str, Any] = {
    **{k: v for k, v in DISTILBART_CNN_CONFIG.items() if not k.startswith("student_")},
    "classifier_dropout": 0.0,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
    "gradient_checkpointing": False,
    "transformers_version": "4.7.0.dev0",
    "use_cache": True,
}
# bart-large-cnn's config has no add_bias_logits / static_position_embeddings (later upload).
for _key in ("add_bias_logits", "static_position_embeddings", "extra_pos_embeddings"):
    BART_LARGE_CNN_CONFIG.pop(_key)

BART_LARGE_CNN_GENERATION: dict[str, Any] = {
    "_from_model_config": True,
    "bos_token_id": 0,
    "decoder_start_token_id": 2,
    "eos_token_id": 2,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
    "pad_token_id": 1,
    **_CNN_SETTINGS,
}

# --- Marian (OPUS-MT) -------------------------------------------------------------------------


def opus_mt_config(*, activation: str, max_positions: int, tc_big: bool) -> dict[str, Any]:
    """config.json of an OPUS-MT conversion (convert_marian_to_pytorch.py), sizes left out."""
    config: dict[str, Any] = {
        "_name_or_path": "/tmp/Helsinki-NLP/opus-mt",
        "activation_dropout": 0.0,
        "activation_function": activation,
        "architectures": ["MarianMTModel"],
        "attention_dropout": 0.0,
        "bad_words_ids": [[TOKEN]],
        "bos_token_id": 0,
        "classif_dropout": 0.0,
        "classifier_dropout": 0.0,
        "decoder_layerdrop": 0.0,
        "decoder_start_token_id": TOKEN,
        "dropout": 0.1,
        "encoder_layerdrop": 0.0,
        "eos_token_id": 0,
        "forced_eos_token_id": 0,
        "init_std": 0.02,
        "is_encoder_decoder": True,
        "max_length": 512,
        "max_position_embeddings": max_positions,
        "model_type": "marian",
        "normalize_embedding": False,
        "num_beams": 4,
        "pad_token_id": TOKEN,
        "scale_embedding": True,
        "static_position_embeddings": True,
        "use_cache": True,
    }
    if tc_big:
        # Conversions from 2022 on (transformers 4.18+) write these two as well.
        config.update(
            share_encoder_decoder_embeddings=True,
            decoder_vocab_size=TOKEN,
            torch_dtype="float16",
            transformers_version="4.18.0.dev0",
        )
    else:
        # Conversions of 2020 (transformers 3.x/4.0) kept BART's legacy keys; the
        # extra_pos_embeddings value is the vocabulary size, a quirk of that converter.
        config.update(
            add_bias_logits=False,
            add_final_layer_norm=False,
            extra_pos_embeddings=TOKEN,
            gradient_checkpointing=False,
            normalize_before=False,
            **_LABELS,
            **_LABEL_IDS,
            transformers_version="4.12.0.dev0",
        )
    return config


#: generation_config.json that the Hub bot added to OPUS-MT repositories in 2023.
OPUS_MT_GENERATION: dict[str, Any] = {
    "bad_words_ids": [[TOKEN]],
    "bos_token_id": 0,
    "decoder_start_token_id": TOKEN,
    "eos_token_id": 0,
    "forced_eos_token_id": 0,
    "max_length": 512,
    "num_beams": 4,
    "pad_token_id": TOKEN,
    "renormalize_logits": True,
}

TC_BIG_SPECIAL_TOKENS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}


def tc_big_tokenizer_config(source: str, target: str, release: str) -> dict[str, Any]:
    """tokenizer_config.json of a 2022 tc-big conversion."""
    return {
        "source_lang": source,
        "target_lang": target,
        **TC_BIG_SPECIAL_TOKENS,
        "model_max_length": 512,
        "sp_model_kwargs": {},
        "separate_vocabs": False,
        "special_tokens_map_file": None,
        "name_or_path": f"marian-models/{release}/{source}-{target}",
        "tokenizer_class": "MarianTokenizer",
    }


# Target labels in the vocabulary: the release's target languages (Tatoeba-Challenge yml/README).
EN_ZLE_LABELS = (">>bel<<", ">>orv_Cyrl<<", ">>rue<<", ">>rus<<", ">>ukr<<")
EN_ZH_LABELS = tuple(
    f">>{code}<<"
    for code in (
        "cjy_Hans",
        "cjy_Hant",
        "cmn",
        "cmn_Hans",
        "cmn_Hant",
        "gan",
        "lzh",
        "lzh_Hans",
        "nan",
        "wuu",
        "yue",
        "yue_Hans",
        "yue_Hant",
    )
)

# --- fairseq translators (M2M100, NLLB-200, mBART-50) -----------------------------------------

M2M100_418M_CONFIG: dict[str, Any] = {
    "_name_or_path": "hf_models/m2m100_418M",
    "activation_dropout": 0.0,
    "activation_function": "relu",
    "architectures": ["M2M100ForConditionalGeneration"],
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "decoder_layerdrop": 0.05,
    "decoder_start_token_id": 2,
    "dropout": 0.1,
    "early_stopping": True,
    "encoder_layerdrop": 0.05,
    "eos_token_id": 2,
    "gradient_checkpointing": False,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    "max_length": 200,
    "max_position_embeddings": 1024,
    "model_type": "m2m_100",
    "num_beams": 5,
    "pad_token_id": 1,
    "scale_embedding": True,
    "transformers_version": "4.4.0.dev0",
    "use_cache": True,
}
M2M100_GENERATION: dict[str, Any] = {
    "_from_model_config": True,
    "bos_token_id": 0,
    "decoder_start_token_id": 2,
    "early_stopping": True,
    "eos_token_id": 2,
    "max_length": 200,
    "num_beams": 5,
    "pad_token_id": 1,
}

NLLB_600M_CONFIG: dict[str, Any] = {
    "_name_or_path": "facebook/nllb-200-distilled-600M",
    "activation_dropout": 0.0,
    "activation_function": "relu",
    "architectures": ["M2M100ForConditionalGeneration"],
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "decoder_layerdrop": 0,
    "decoder_start_token_id": 2,
    "dropout": 0.1,
    "encoder_layerdrop": 0,
    "eos_token_id": 2,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    "max_length": 200,
    "max_position_embeddings": 1024,
    "model_type": "m2m_100",
    "pad_token_id": 1,
    "scale_embedding": True,
    "tokenizer_class": "NllbTokenizer",
    "torch_dtype": "float32",
    "transformers_version": "4.21.0.dev0",
    "use_cache": True,
}
NLLB_GENERATION: dict[str, Any] = {
    "_from_model_config": True,
    "bos_token_id": 0,
    "decoder_start_token_id": 2,
    "eos_token_id": 2,
    "max_length": 200,
    "pad_token_id": 1,
}

MBART50_MMT_CONFIG: dict[str, Any] = {
    "_name_or_path": "/home/suraj/projects/mbart-50/hf_models/mbart-50-large-many-to-many/",
    "_num_labels": 3,
    "activation_dropout": 0.0,
    "activation_function": "relu",
    "add_bias_logits": False,
    "add_final_layer_norm": True,
    "architectures": ["MBartForConditionalGeneration"],
    "attention_dropout": 0.0,
    "bos_token_id": 0,
    "classif_dropout": 0.0,
    "classifier_dropout": 0.0,
    "decoder_layerdrop": 0.0,
    "decoder_start_token_id": 2,
    "dropout": 0.1,
    "early_stopping": True,
    "encoder_layerdrop": 0.0,
    "eos_token_id": 2,
    "forced_eos_token_id": 2,
    "gradient_checkpointing": False,
    **_LABELS,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    **_LABEL_IDS,
    "max_length": 200,
    "max_position_embeddings": 1024,
    "model_type": "mbart",
    "normalize_before": True,
    "normalize_embedding": True,
    "num_beams": 5,
    "output_past": True,
    "pad_token_id": 1,
    "scale_embedding": True,
    "static_position_embeddings": False,
    "tokenizer_class": "MBart50Tokenizer",
    "transformers_version": "4.4.0.dev0",
    "use_cache": True,
}
MBART50_GENERATION: dict[str, Any] = {
    "_from_model_config": True,
    "bos_token_id": 0,
    "decoder_start_token_id": 2,
    "early_stopping": True,
    "eos_token_id": 2,
    "forced_eos_token_id": 2,
    "max_length": 200,
    "num_beams": 5,
    "pad_token_id": 1,
}

# --- T5 ---------------------------------------------------------------------------------------

T5_TASKS: dict[str, dict[str, Any]] = {
    "summarization": {
        "early_stopping": True,
        "length_penalty": 2.0,
        "max_length": 200,
        "min_length": 30,
        "no_repeat_ngram_size": 3,
        "num_beams": 4,
        "prefix": "summarize: ",
    },
    "translation_en_to_de": {
        "early_stopping": True,
        "max_length": 300,
        "num_beams": 4,
        "prefix": "translate English to German: ",
    },
    "translation_en_to_fr": {
        "early_stopping": True,
        "max_length": 300,
        "num_beams": 4,
        "prefix": "translate English to French: ",
    },
    "translation_en_to_ro": {
        "early_stopping": True,
        "max_length": 300,
        "num_beams": 4,
        "prefix": "translate English to Romanian: ",
    },
}
T5_SMALL_CONFIG: dict[str, Any] = {
    "architectures": ["T5ForConditionalGeneration"],
    "decoder_start_token_id": 0,
    "dropout_rate": 0.1,
    "eos_token_id": 1,
    "initializer_factor": 1.0,
    "is_encoder_decoder": True,
    "layer_norm_epsilon": 1e-06,
    "model_type": "t5",
    "n_positions": 512,
    "output_past": True,
    "pad_token_id": 0,
    "relative_attention_num_buckets": 32,
    "task_specific_params": T5_TASKS,
}
T5_GENERATION: dict[str, Any] = {
    "_from_model_config": True,
    "decoder_start_token_id": 0,
    "eos_token_id": 1,
    "pad_token_id": 0,
}

# --- PEGASUS ----------------------------------------------------------------------------------

PEGASUS_XSUM_CONFIG: dict[str, Any] = {
    "activation_dropout": 0.1,
    "activation_function": "relu",
    "add_bias_logits": False,
    "add_final_layer_norm": True,
    "architectures": ["PegasusForConditionalGeneration"],
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "classif_dropout": 0.0,
    "decoder_layerdrop": 0.0,
    "decoder_start_token_id": 0,
    "dropout": 0.1,
    "encoder_layerdrop": 0.0,
    "eos_token_id": 1,
    "extra_pos_embeddings": 1,
    "force_bos_token_to_be_generated": False,
    "forced_eos_token_id": 1,
    "gradient_checkpointing": False,
    **_LABELS,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    **_LABEL_IDS,
    "length_penalty": 0.6,
    "max_length": 64,
    "max_position_embeddings": 512,
    "model_type": "pegasus",
    "normalize_before": True,
    "normalize_embedding": False,
    "num_beams": 8,
    "pad_token_id": 0,
    "scale_embedding": True,
    "static_position_embeddings": True,
    "task_specific_params": {
        "summarization_xsum": {
            "length_penalty": 0.6,
            "max_length": 64,
            "max_position_embeddings": 512,
        }
    },
    "transformers_version": "4.5.0.dev0",
    "use_cache": True,
}
PEGASUS_SPECIAL_TOKENS = {
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask_2>",
}
