"""The speed benchmark's own logic: model configs, sampling, estimates and the stage sums.

The benchmarks themselves take minutes and are run by hand (benchmarks/README.md); these tests
keep the parts that decide what they print correct, on tiny inputs.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import checkpoints, common, end_to_end, engine_speed, raw_ct2_briefing, speed
from summarize.core.languages import DEFAULT_SUMMARY_MODEL, LANGUAGES
from summarize.engines.ctranslate2_engine import ctranslate2_available

BENCHMARKS = Path(checkpoints.__file__).resolve().parent

#: Short English news articles (the raw-script tests' input).
TEXTS = (
    "The central bank raised interest rates on Tuesday. Markets fell in early trading. "
    "Analysts expect another rise before the end of the year.",
    "Heavy rain flooded several streets in the capital. The city closed two schools. "
    "Officials said the water would recede by the weekend.",
    "The football club signed a new coach. He said the team would play attacking football.",
)


def test_configs_cover_every_default_model() -> None:
    defaults = {DEFAULT_SUMMARY_MODEL} | {
        LANGUAGES[code].default_model for code in ["hu", "zh", "ru", "uk"]
    }
    specs = [checkpoints.load_spec(path.stem) for path in (BENCHMARKS / "configs").glob("*.json")]
    default_specs = {spec.name for spec in specs if spec.checkpoint in defaults}
    assert {spec.checkpoint for spec in specs} == defaults | {"facebook/nllb-200-distilled-600M"}
    for spec in specs:
        assert set(spec.estimated) <= set(spec.config), spec.name
        assert spec.sizes["vocab_size"] > 1000 and spec.max_positions >= 512
        assert spec.num_beams == 4
    assert {w.model for w in engine_speed.WORKLOADS.values()} == default_specs
    assert {w.model for w in engine_speed.OPTIONAL_WORKLOADS.values()} == {
        spec.name for spec in specs
    } - default_specs


#: Small stand-ins for the real sizes: the same builder, config keys and vocabulary padding.
_SMALL_SIZES = {
    "d_model": 16,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 32,
    "decoder_ffn_dim": 32,
}


@pytest.mark.slow  # 10-20 s of benchmark runs; CI runs the slow tier
@pytest.mark.skipif(not ctranslate2_available(), reason="ctranslate2 is not installed")
def test_nllb_workload_forces_its_language_in_every_variant(tmp_path: Path) -> None:
    """The optional NLLB workload, built from its spec at a small size: the naive loop, the
    product's engine and the raw anchor all start their output with the target language code
    and make the forced number of tokens (the code counted, as transformers counts it)."""
    from transformers import AutoTokenizer

    spec = checkpoints.load_spec(engine_speed.NLLB.model)
    small = replace(spec, config={**spec.config, **_SMALL_SIZES, "vocab_size": 3000})
    workload = replace(engine_speed.NLLB, new_tokens=6)
    path = checkpoints.build(small, tmp_path / "models", workload.new_tokens)
    tokenizer = AutoTokenizer.from_pretrained(path)
    assert tokenizer.convert_tokens_to_ids("hun_Latn") != tokenizer.unk_token_id
    texts = list(TEXTS)

    naive = engine_speed.run_naive(workload, path, texts, "cpu", 1)
    product = engine_speed.run_ctranslate2(workload, path, texts, "cpu", 1)
    anchor, _ = engine_speed.run_ct2_anchor(
        workload, path, texts, 1, lambda line: None, settings=[(2, None, "examples")]
    )
    for result in (naive, product, anchor):
        assert (result.rows, result.wrong_lengths, result.empty_outputs) == (3, 0, 0)

    model_dir, options, prefix = common.product_options(path, "int8", tokenizer)
    assert prefix == ["hun_Latn"]
    import ctranslate2

    translator = ctranslate2.Translator(str(model_dir), compute_type="int8")
    results = common.hand_written_ct2(translator, tokenizer, texts, options, prefix)
    assert [result.hypotheses[0][0] for result in results] == ["hun_Latn"] * len(texts)
    # The model has 3000 rows and the small tokenizer far fewer; the rest are never chosen.
    vocabulary = tokenizer.get_vocab()
    assert all(token in vocabulary for result in results for token in result.hypotheses[0])


@pytest.mark.slow  # 10-20 s of benchmark runs; CI runs the slow tier
@pytest.mark.skipif(not ctranslate2_available(), reason="ctranslate2 is not installed")
def test_head_to_head_runs_each_side_in_a_process_set_up_as_its_own(tmp_path: Path) -> None:
    """The product's side has summarize's allocator settings (on glibc), the raw anchor's
    side a script's defaults; both take their turns and force the workload's length."""
    from benchmarks import turns
    from summarize.engines import allocator

    spec = checkpoints.load_spec(engine_speed.TC_BIG_HU.model)
    small = replace(spec, config={**spec.config, **_SMALL_SIZES, "vocab_size": 3000})
    workload = replace(engine_speed.TC_BIG_HU, new_tokens=5)
    path = checkpoints.build(small, tmp_path / "models", workload.new_tokens)
    texts = list(TEXTS)
    lines: list[str] = []
    line, product_s, anchor_s = engine_speed.head_to_head(
        workload, path, texts, (2, 2, "examples"), 3, lines.append
    )
    assert (len(product_s), len(anchor_s), len(lines)) == (3, 3, 3)
    assert "product/anchor" in line

    request = turns.Request(
        turns.ANCHOR,
        str(path),
        texts,
        "cpu",
        workload.new_tokens,
        False,
        setting=(2, 2, "examples"),
    )
    with turns.TurnTaker(request) as anchor:
        assert not anchor.tuned
        assert anchor.run_pass().wrong_lengths == 0
        anchor.stop()
    with engine_speed.product_turns(workload, path, texts, "cpu", "ctranslate2", "auto") as product:
        # Whatever this test process has, the child decides for itself, as summarize run does.
        assert product.tuned == allocator.reuse_freed_memory("cpu", mallopt=lambda *_: 1)
        assert product.run_pass().wrong_lengths == 0
        product.stop()


def test_builder_applies_a_checkpoints_config_values(tmp_path: Path) -> None:
    from support import tiny_models
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    tiny_models.build_marian(
        tmp_path,
        target_tokens=(">>rus<<",),
        config_values={
            "activation_function": "relu",
            "scale_embedding": True,
            "normalize_embedding": False,  # a legacy key real checkpoints still carry
            "pad_token_id": 65000,  # the real tokenizer's id: the trained one's wins
            "model_type": "marian",
        },
        init_std=0.02,
    )
    config = AutoConfig.from_pretrained(tmp_path)
    assert config.activation_function == "relu" and config.scale_embedding is True
    assert json.loads((tmp_path / "config.json").read_text())["normalize_embedding"] is False
    assert config.pad_token_id < 65000
    weights = AutoModelForSeq2SeqLM.from_pretrained(tmp_path).model.encoder.layers[0].fc1.weight
    assert float(weights.detach().std()) == pytest.approx(0.02, rel=0.2)


def test_spread_sample_takes_inputs_across_the_lengths() -> None:
    texts = [f"t{i}" for i in range(8)]
    lengths = [80, 10, 70, 20, 60, 30, 50, 40]
    sample = engine_speed.spread_sample(texts, lengths, 4)
    chosen = sorted(lengths[texts.index(text)] for text in sample)
    assert chosen == [20, 40, 60, 80]
    assert sample == sorted(sample, key=texts.index)  # input order kept
    assert engine_speed.spread_sample(texts, lengths, None) == texts
    assert engine_speed.spread_sample(texts, lengths, 20) == texts


def test_naive_estimate_scales_generation_not_start_up() -> None:
    timings = {"load_s": 5.0, "summarise_s": 40.0, "translate_s": {"hu": 20.0, "ru": 20.0}}
    # 100 s on 4 of 16 articles, 80 s of it generating: 3 more times that for the other 12.
    assert end_to_end.naive_estimate(100.0, timings, 4, 16) == pytest.approx(340.0)
    assert end_to_end.naive_estimate(100.0, timings, 16, 16) == pytest.approx(100.0)


def test_like_for_like_charges_the_naive_script_for_every_sentence(capsys) -> None:
    run = end_to_end.Run("x", 10.0, 100.0, 0)
    result = end_to_end.EndToEnd(
        count=16,
        naive_count=2,
        naive=run,
        # 2 summaries translated into each language in 5 s: 2.5 s per forced-length output.
        naive_timings={"load_s": 5.0, "summarise_s": 20.0, "translate_s": {"hu": 5.0, "ru": 5.0}},
        naive_estimate_s=300.0,
        product=replace(run, seconds=30.0),
        anchor=run,
        anchor_timings={"sentences": {"hu": 24, "ru": 16}},
        pairs=1,
        problems="",
        largest_model_mib=1000.0,
    )
    # hu: 24 outputs where the estimate counted 16, 8 more at 2.5 s; ru: as many as counted.
    assert end_to_end.like_for_like_naive_s(result) == pytest.approx(320.0)
    assert end_to_end.like_for_like_naive_s(replace(result, anchor_timings={})) is None
    speed.print_end_to_end(result)
    printed = capsys.readouterr().out
    # The measure decides the target; the like-for-like ratio is printed beside it.
    assert "end to end x naive: 10.00x, met" in printed
    assert "like for like: 10.67x" in printed


def _result(
    workload: str, variant: str, rows: int, seconds: tuple[float, ...]
) -> engine_speed.Result:
    return engine_speed.Result(
        workload=workload,
        variant=variant,
        dtype="int8",
        batch_size=1,
        rows=rows,
        new_tokens=10,
        load_s=1.0,
        pass_s=seconds,
        rss_mib=100.0,
        peak_rss_mib=200.0 if workload == "a" else 300.0,
        peak_rss_is_own=True,
        cuda_peak_mib=None,
        wrong_lengths=0,
        empty_outputs=0,
    )


def test_stage_summary_charges_every_variant_for_the_same_work() -> None:
    results = [
        # The naive loop ran samples: 2 inputs of "a" (10 tok/s), 1 of "b" (5 tok/s).
        _result("a", engine_speed.NAIVE, 2, (2.0,)),
        _result("b", engine_speed.NAIVE, 1, (2.0,)),
        # The product ran all inputs: "a" twice (50 and 100 tok/s), "b" once (25 tok/s).
        _result("a", engine_speed.PRODUCT_CT2, 10, (2.0, 1.0)),
        _result("b", engine_speed.PRODUCT_CT2, 10, (4.0,)),
        _result("other", engine_speed.PRODUCT_CT2, 10, (9.0,)),  # another stage's model
    ]
    work = {"a": 100, "b": 100}
    naive = speed.stage_summary(results, engine_speed.NAIVE, work, speed.median_rate)
    best = speed.stage_summary(results, engine_speed.PRODUCT_CT2, work, speed.best_rate)
    assert naive is not None and best is not None
    assert naive.tokens_per_s == pytest.approx(200 / (100 / 10 + 100 / 5))
    assert best.tokens_per_s == pytest.approx(200 / (100 / 100 + 100 / 25))
    assert best.peak_rss_mib == 300.0 and best.load_s == 2.0
    assert speed.stage_summary(results, engine_speed.ANCHOR, work, speed.best_rate) is None


def test_product_rows_gain_their_head_to_head_passes() -> None:
    results = [
        _result("a", engine_speed.PRODUCT_CT2, 10, (3.0,)),
        _result("a", engine_speed.PRODUCT_H2H, 10, (1.0, 2.0)),
        _result("a", engine_speed.ANCHOR, 10, (1.5,)),
    ]
    merged = speed.with_head_to_head_passes(results)
    assert [r.pass_s for r in merged] == [(3.0, 1.0, 2.0), (1.0, 2.0), (1.5,)]
    assert merged[0].median_tokens_per_s == pytest.approx(100 / 2.0)


def test_end_to_end_anchor_gets_each_models_fastest_sweep_setting() -> None:
    results = [
        replace(
            _result("distilbart", engine_speed.ANCHOR, 16, (1.0,)),
            anchor_setting=(2, 4, "examples"),
        ),
        replace(
            _result("tc-big-en-zle", engine_speed.ANCHOR, 32, (1.0,)),
            anchor_setting=(2, None, "examples"),
        ),
        replace(
            _result("tc-big-en-zle", engine_speed.PRODUCT_CT2, 32, (1.0,)),
            anchor_setting=(1, 8, "examples"),
        ),
    ]
    summariser, hu, zle = Path("/m/bart"), Path("/m/hu"), Path("/m/zle")
    settings = speed.anchor_settings_by_model(results, summariser, {"hu": hu, "ru": zle, "uk": zle})
    # hu had no sweep: the raw script keeps its default for it.
    assert settings == {summariser: (2, 4, "examples"), zle: (2, None, "examples")}


def test_raw_script_settings_parse_and_refuse_garbage() -> None:
    assert raw_ct2_briefing.parse_setting("/m/a=b=2,16,examples") == ("/m/a=b", (2, 16, "examples"))
    assert raw_ct2_briefing.parse_setting("/m/zle=2,even,examples") == (
        "/m/zle",
        (2, None, "examples"),
    )
    for bad in ("/m/a=2,16", "/m/a=2,x,examples", "/m/a=2,16,sentences", "2,16,examples"):
        with pytest.raises(argparse.ArgumentTypeError):
            raw_ct2_briefing.parse_setting(bad)


@pytest.mark.skipif(not ctranslate2_available(), reason="ctranslate2 is not installed")
def test_raw_script_does_the_products_generation_work(tiny_models, tmp_path: Path) -> None:
    """The end-to-end anchor decodes what ``summarize run`` decodes, from its converted models."""
    from summarize.commands.cli import main as summarize_main

    articles = tmp_path / "articles"
    articles.mkdir()
    for index, text in enumerate(TEXTS):
        (articles / f"a{index}.txt").write_text(text + "\n", "utf-8")
    flags = ["--summary-model", str(tiny_models["bart"])]
    flags += ["--translation-model", f"hu={tiny_models['marian']}"]
    flags += ["--translation-model", f"ru={tiny_models['marian_multi_zle']}"]
    product = ["run", str(articles), "-o", str(tmp_path / "product"), "--languages", "hu,ru"]
    assert summarize_main([*product, *flags, "--quiet", "--no-cache"]) == 0
    timings = tmp_path / "timings.json"
    raw = [str(articles), str(tmp_path / "raw"), *flags, "--timings", str(timings)]
    raw += [f"--setting={tiny_models['marian']}=2,even,examples"]
    assert raw_ct2_briefing.main(raw) == 0

    def lines(path: Path) -> list[dict]:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]

    made = lines(tmp_path / "raw" / "raw.jsonl")
    expected = lines(tmp_path / "product" / "results.jsonl")
    assert [r["summary"] for r in made] == [r["summary"] for r in expected]
    assert all(set(r["translations"]) == {"hu", "ru"} for r in made)
    recorded = json.loads(timings.read_text())
    assert recorded["articles"] == len(TEXTS)
    assert set(recorded["translate_s"]) == set(recorded["sentences"]) == {"hu", "ru"}
    assert recorded["sentences"]["hu"] >= len(TEXTS)


def test_short_sweep_keeps_one_worker_settings_off_two_cores_only() -> None:
    for long_inputs in (False, True):
        two_cores = engine_speed.short_anchor_settings(long_inputs, 2)
        assert two_cores and all(inter == 2 for inter, _, _ in two_cores)
        many_cores = engine_speed.short_anchor_settings(long_inputs, 8)
        assert any(inter == 1 for inter, _, _ in many_cores)
    # Articles on 2 cores: batches of 4, the setting that won every full sweep there.
    assert engine_speed.short_anchor_settings(True, 2) == ((2, 4, "examples"),)


def test_runs_taken_in_turns_are_summed_up_by_their_median() -> None:
    runs = [
        end_to_end.Run("summarize run", 60.0, 1300.0, 0),
        end_to_end.Run("summarize run", 70.0, 1400.0, 0),
        end_to_end.Run("summarize run", 62.0, 1350.0, 3),
    ]
    typical = end_to_end.typical(runs)
    assert typical == end_to_end.Run("summarize run", 62.0, 1400.0, 3)
    assert end_to_end.typical(runs[:2]).seconds == 65.0
