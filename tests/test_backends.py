"""Engine choice: CTranslate2 where it works, transformers otherwise, and never a surprise."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from support.articles import SEED
from support.configs import marian_config

from summarize.core.errors import ConfigError
from summarize.engines.backends import EngineChoice, choose_engine


def test_auto_picks_ctranslate2_for_supported_architectures_on_cpu() -> None:
    for model_type in ("bart", "marian", "m2m_100", "mbart", "t5"):
        assert choose_engine("auto", model_type, "cpu") == EngineChoice("ctranslate2")


def test_auto_falls_back_to_transformers_and_says_why() -> None:
    choice = choose_engine("auto", "pegasus", "cpu")
    assert choice.engine == "transformers"
    assert "pegasus" in (choice.fallback_reason or "")
    assert "MPS" in (choose_engine("auto", "marian", "mps").fallback_reason or "")


def test_asking_for_ctranslate2_where_it_cannot_run_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"--engine ctranslate2.*pegasus"):
        choose_engine("ctranslate2", "pegasus", "cpu")
    assert choose_engine("transformers", "marian", "cpu") == EngineChoice("transformers")


def test_default_run_uses_ctranslate2_int8_and_records_it(
    tiny_models, tmp_path, monkeypatch
) -> None:
    from summarize.engines import ctranslate2_engine as ct2_engine
    from summarize.runners.local import run

    loaded: list[str] = []
    original = ct2_engine.CTranslate2Engine.__init__

    def init(self, name, **kwargs):
        loaded.append(name)
        original(self, name, **kwargs)

    monkeypatch.setattr(ct2_engine.CTranslate2Engine, "__init__", init)
    config = replace(
        marian_config(tiny_models, (SEED,), tmp_path / "out"), engine="auto", languages=("hu",)
    )
    outcome = run(config)
    assert outcome.failed == 0
    assert loaded == [str(tiny_models["bart"]), str(tiny_models["marian"])]
    engines = outcome.report["settings"]["engines"]
    assert {e["engine"] for e in engines.values()} == {"ctranslate2"}
    assert {e["precision"] for e in engines.values()} == {"int8"}
    assert outcome.briefing.run.dtype == "int8 (CTranslate2)"
    record = json.loads((tmp_path / "out" / "results.jsonl").read_text("utf-8"))
    assert record["summary"] and record["translations"]["hu"]


def test_engine_and_dtype_are_part_of_the_cache_key(tiny_models, tmp_path) -> None:
    from summarize.runners.local import run

    config = replace(marian_config(tiny_models, (SEED,), tmp_path / "out"), languages=("hu",))
    run(config)
    assert run(config).report["cached"] == 1
    switched = run(replace(config, engine="auto"))
    assert (switched.report["done"], switched.report["cached"]) == (1, 0)


def test_a_dtype_that_runs_otherwise_than_asked_is_said_once() -> None:
    from summarize.engines.backends import dtype_notices

    (notice,) = dtype_notices({"ctranslate2"}, "cpu", "bfloat16")
    assert "CTranslate2 has no 16-bit float types on CPU, so its models run int8" in notice
    both = dtype_notices({"ctranslate2", "transformers"}, "cpu", "float16")
    assert len(both) == 2 and "float16 on CPU is slow" in both[1]
    assert dtype_notices({"transformers"}, "cpu", "bfloat16") == []  # torch runs bfloat16
    assert dtype_notices({"ctranslate2"}, "cuda:0", "float16") == []
    assert dtype_notices({"ctranslate2"}, "cpu", "auto") == []
