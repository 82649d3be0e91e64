"""Cache, resume, interruption and per-article failure isolation, on tiny models."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import SEED
from support.caches import cache_entries
from support.cli import tiny_model_flags
from support.configs import marian_config
from support.spies import GenerateSpy

from summarize.core.errors import RunInterrupted
from summarize.stages.translator import ModelTranslator


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED, folder / "a_seed.txt")
    (folder / "b.txt").write_text("Markets rallied on Monday. The forint gained.", "utf-8")
    (folder / "c.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    return folder


def load_report(output: Path) -> dict:
    return json.loads((output / "run.json").read_text("utf-8"))


def results(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "results.jsonl").read_text("utf-8").splitlines()]


def test_second_identical_run_loads_no_model_and_reports_cached(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    config = marian_config(tiny_models, (news,), tmp_path / "out")
    first = run(config)
    assert (first.report["done"], first.report["cached"]) == (3, 0)
    before = results(config.output)

    spy = GenerateSpy(monkeypatch)
    inspected: list[str] = []
    from summarize.engines import transformers_engine as engine

    original_inspect = engine.inspect_model
    monkeypatch.setattr(
        engine, "inspect_model", lambda name: inspected.append(name) or original_inspect(name)
    )
    second = run(config)
    assert spy.loads == [] and spy.batches == [] and inspected == []
    report = second.report
    assert (report["articles"], report["done"], report["cached"], report["failed"]) == (3, 0, 3, 0)
    assert [item["status"] for item in report["items"]] == ["cached"] * 3
    assert results(config.output) == before


def test_changing_one_setting_recomputes_exactly_what_it_affects(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    config = marian_config(tiny_models, (news,), tmp_path / "out")
    run(config)

    # A different Hungarian model: only Hungarian is recomputed.
    other_hu = tmp_path / "other-hu"
    shutil.copytree(tiny_models["marian"], other_hu)
    spy = GenerateSpy(monkeypatch)
    outcome = run(
        replace(config, translation_models={**config.translation_models, "hu": str(other_hu)})
    )
    assert [Path(name).name for name in spy.loads] == ["other-hu"]
    assert outcome.report["done"] == 3

    # A different summary length: summaries and every translation are recomputed.
    spy.loads.clear()
    run(replace(config, max_summary_tokens=6, min_summary_tokens=6))
    assert [Path(n).name for n in spy.loads] == [
        "bart",
        "marian",
        "marian_multi_zh",
        "marian_multi_zle",
    ]


def test_a_local_model_is_keyed_by_its_files_not_its_path_spelling(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    monkeypatch.chdir(tmp_path)
    shutil.copytree(tiny_models["bart"], tmp_path / "models" / "mine")
    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"),
        summary_model="models/mine",
        languages=("hu",),
    )
    assert run(config).report["done"] == 3

    # The same folder spelled otherwise is the same model: nothing is recomputed.
    spy = GenerateSpy(monkeypatch)
    for spelling in ("./models/mine", str(tmp_path / "models" / "mine")):
        assert run(replace(config, summary_model=spelling)).report["cached"] == 3
    assert spy.loads == []

    # Another model put at the same path is another model: its summaries are its own.
    shutil.rmtree(tmp_path / "models" / "mine")
    shutil.copytree(tiny_models["t5"], tmp_path / "models" / "mine")
    report = run(config).report
    assert (report["done"], report["cached"]) == (3, 0)
    assert [Path(name).name for name in spy.loads] == ["mine", "marian"]


def test_no_cache_recomputes_and_writes_no_cache(tiny_models, news, tmp_path, monkeypatch) -> None:
    from summarize.runners.local import run

    config = replace(marian_config(tiny_models, (news,), tmp_path / "out"), no_cache=True)
    run(config)
    spy = GenerateSpy(monkeypatch)
    outcome = run(config)
    assert len(spy.loads) == 4 and outcome.report["done"] == 3
    assert not (config.output / ".cache").exists()


def test_cache_dir_moves_the_cache(tiny_models, news, tmp_path) -> None:
    from summarize.runners.local import run

    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"), cache_dir=tmp_path / "c"
    )
    run(config)
    assert list((tmp_path / "c").rglob("*.json"))
    assert not (config.output / ".cache").exists()


def test_output_and_cache_inside_the_input_folder_are_not_read_back(
    tiny_models, news, tmp_path
) -> None:
    from summarize.runners.local import run

    config = replace(
        marian_config(tiny_models, (news,), news / "out"),
        cache_dir=news / "cache",
        languages=("hu",),
    )
    run(config)
    assert (news / "out" / "results.jsonl").is_file() and list((news / "cache").rglob("*.json"))
    report = run(config).report
    assert (report["articles"], report["cached"], report["failed"]) == (3, 3, 0)
    assert [item["id"] for item in report["items"]] == ["a_seed", "b", "c"]


def test_one_failing_article_does_not_stop_the_others(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    from summarize.engines.transformers_engine import TransformersEngine
    from summarize.runners.local import run

    (news / "d_poison.txt").write_text("POISON pill sentence here.", "utf-8")
    original = TransformersEngine.generate

    def generate(self, texts, *args, **kwargs):
        if any("POISON" in text for text in texts):
            raise RuntimeError("simulated model failure")
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(TransformersEngine, "generate", generate)
    outcome = run(marian_config(tiny_models, (news,), tmp_path / "out"))
    report = outcome.report
    assert (report["done"], report["failed"]) == (3, 1)
    failed = [item for item in report["items"] if item["status"] == "failed"]
    assert failed[0]["source"].endswith("d_poison.txt")
    assert "simulated model failure" in failed[0]["reason"]
    assert len(results(tmp_path / "out")) == 3
    assert "d_poison.txt" in (tmp_path / "out" / "about.html").read_text("utf-8")


def test_interrupt_writes_what_is_done_and_the_rerun_resumes(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    config = marian_config(tiny_models, (news,), tmp_path / "out")
    original = ModelTranslator.translate_sentences

    def translate_sentences(self, texts, target, **kwargs):
        if target == "zh":
            raise KeyboardInterrupt
        return original(self, texts, target, **kwargs)

    monkeypatch.setattr(ModelTranslator, "translate_sentences", translate_sentences)
    with pytest.raises(RunInterrupted, match="resume"):
        run(config)
    report = load_report(config.output)
    assert report["status"] == "interrupted"
    assert [item["status"] for item in report["items"]] == ["skipped"] * 3
    assert results(config.output) == []  # only finished articles are published
    assert (config.output / "index.html").is_file()

    monkeypatch.setattr(ModelTranslator, "translate_sentences", original)
    spy = GenerateSpy(monkeypatch)
    outcome = run(config)
    # Summaries and Hungarian were saved before the interruption: only zh, ru, uk remain.
    assert [Path(name).name for name in spy.loads] == ["marian_multi_zh", "marian_multi_zle"]
    assert outcome.report["done"] == 3 and outcome.report["status"] == "finished"
    assert all(set(r["translations"]) == {"hu", "zh", "ru", "uk"} for r in results(config.output))


def translation_entries(cache: Path) -> dict[Path, list[list[str]]]:
    """The cache's translation entries (summaries' and headlines'): file -> sentence pairs."""
    return cache_entries(cache, "sentences")


def cached_translations(cache: Path) -> int:
    """How many translation entries the cache holds (each keeps its sentence pairs)."""
    return len(translation_entries(cache))


def short_news(folder: Path, count: int) -> Path:
    """``count`` one-sentence articles: each is one batch of one input with --batch-size 1."""
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:02d}.txt").write_text(
            f"Story {number}: the council met on Monday and approved the budget.", "utf-8"
        )
    return folder


@pytest.mark.parametrize("stop_at", [3, 5])
def test_ctrl_c_keeps_every_batch_that_ended(tiny_models, tmp_path, monkeypatch, stop_at) -> None:
    """Finished work is saved as each engine batch ends, not when its wave (32 summaries, 64
    translations) ends: Ctrl-C in the middle of a wave loses only the batch in flight."""
    from summarize.engines.transformers_engine import TransformersEngine
    from summarize.runners.local import run

    news = short_news(tmp_path / "news", 6)
    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"), batch_size=1, languages=("hu",)
    )
    original = TransformersEngine._generate_batch
    calls: list[str] = []

    def generate_batch(self, batch, settings):
        calls.append(self.name)
        if len(calls) == stop_at:
            raise KeyboardInterrupt
        return original(self, batch, settings)

    monkeypatch.setattr(TransformersEngine, "_generate_batch", generate_batch)
    with pytest.raises(RunInterrupted):
        run(config)
    cache = config.output / ".cache"
    # Every batch before the one interrupted is in the cache: one summary each.
    assert cached_summaries(cache) == stop_at - 1
    assert cached_translations(cache) == 0

    monkeypatch.setattr(TransformersEngine, "_generate_batch", original)
    spy = GenerateSpy(monkeypatch)
    outcome = run(config)
    assert outcome.report["done"] == 6
    summary_batches = [name for name, _, _ in spy.batches if name == config.summary_model]
    assert len(summary_batches) == 6 - (stop_at - 1)


def test_ctrl_c_keeps_every_translation_batch_that_ended(
    tiny_models, tmp_path, monkeypatch
) -> None:
    """The same for translations: a summary whose sentences are all translated is saved as
    soon as the batch with its last sentence ends."""
    from summarize.engines.transformers_engine import TransformersEngine
    from summarize.runners.local import run

    news = short_news(tmp_path / "news", 4)
    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"), batch_size=1, languages=("hu",)
    )
    first = run(replace(config, languages=()))  # the summaries, cached
    summaries = {r["summary"] for r in results(config.output)}
    assert len(summaries) == 4, "the articles need distinct summaries"
    assert first.report["done"] == 4
    original = TransformersEngine._generate_batch
    batches: list[list[int]] = []

    def generate_batch(self, batch, settings):
        assert self.name != config.summary_model, "the summaries are cached"
        if len(batches) == 3:
            raise KeyboardInterrupt
        batches.append(batch)
        return original(self, batch, settings)

    monkeypatch.setattr(TransformersEngine, "_generate_batch", generate_batch)
    with pytest.raises(RunInterrupted):
        run(config)
    # Three sentences were translated before Ctrl-C (longest first, one per batch): each
    # summary whose every sentence was among them is saved although its wave never ended.
    kept = translation_entries(config.output / ".cache")
    assert len(kept) >= 1
    resumed: list[list[int]] = []

    def count_batch(self, batch, settings):
        resumed.append(batch)
        return original(self, batch, settings)

    monkeypatch.setattr(TransformersEngine, "_generate_batch", count_batch)
    outcome = run(config)
    assert outcome.report["done"] + outcome.report["cached"] == 4
    # Only the units (summaries and headlines) not kept are translated again: their
    # sentences, one per batch.
    now = translation_entries(config.output / ".cache")
    resent = {source for path, pairs in now.items() if path not in kept for source, _ in pairs}
    assert len(now) > len(kept)
    assert len(resumed) == len(resent)


def cached_summaries(cache: Path) -> int:
    """How many whole summary entries the cache holds (language entries have no chunks)."""
    return len(cache_entries(cache, "chunks"))


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_long_run(
    tiny_models: dict[str, Path], tmp_path: Path
) -> tuple[subprocess.Popen, list[str]]:
    """Start the installed command on 80 articles; return once its first wave is cached."""
    news = tmp_path / "news"
    news.mkdir()
    for number in range(80):
        (news / f"{number:03d}.txt").write_text(
            f"Story {number} begins here. " + SEED.read_text("utf-8"), "utf-8"
        )
    script = shutil.which("summarize", path=str(Path(sys.executable).parent))
    command = [
        script,
        "run",
        "news",
        "-o",
        "out",
        "--device",
        "cpu",
        "--languages",
        "hu",
        # 80 copies of one story are the load here: each must be summarised.
        "--keep-duplicates",
        *tiny_model_flags(tiny_models, ("hu",)),
    ]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # A test run started in the background (`.ci/run &`) ignores SIGINT, and a child keeps
        # that: Python then installs no Ctrl-C handler, as Unix expects of background jobs.
        preexec_fn=_default_sigint,
    )
    cache = tmp_path / "out" / ".cache"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if cached_summaries(cache) >= 32:  # the first wave of summaries is saved
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be stopped; make it longer"
    return process, command


def test_ctrl_c_saves_what_is_done_and_exits_130(tiny_models, tmp_path) -> None:
    process, _ = start_long_run(tiny_models, tmp_path)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "resume" in stderr and "Traceback" not in stderr
    report = load_report(tmp_path / "out")
    assert report["status"] == "interrupted" and report["articles"] == 80
    assert (tmp_path / "out" / "index.html").is_file()


def test_killed_run_resumes_from_the_cache(tiny_models, tmp_path) -> None:
    """kill -9 in the middle of a real run, then the same command again."""
    process, command = start_long_run(tiny_models, tmp_path)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    # Every entry the killed run left is whole (a temp file may remain; it is never read).
    for entry in (tmp_path / "out" / ".cache").rglob("*.json"):
        assert json.loads(entry.read_text("utf-8"))["key"] == entry.stem

    finished = subprocess.run(
        command, cwd=tmp_path, env=os.environ.copy(), capture_output=True, text=True, timeout=600
    )
    assert finished.returncode == 0, finished.stderr
    report = load_report(tmp_path / "out")
    assert report["articles"] == 80 and report["failed"] == 0
    assert report["done"] + report["cached"] == 80
    summaries_cached = sum(1 for item in report["items"] if "summary" not in item["seconds"])
    assert summaries_cached >= 32
    assert len(results(tmp_path / "out")) == 80


def test_a_cache_that_cannot_be_written_stops_the_run_not_the_article(
    tiny_models, tmp_path, monkeypatch
) -> None:
    """Finished work is kept while its wave runs, inside the batch's own error handling; a
    full disk there must still stop the run (exit 4), not fail the article it was keeping."""
    from summarize.core.cache import WorkCache
    from summarize.core.errors import WriteFailed
    from summarize.runners.local import run

    news = short_news(tmp_path / "news", 3)
    config = replace(marian_config(tiny_models, (news,), tmp_path / "out"), languages=("hu",))
    original = WorkCache.put
    tries: list[str] = []

    def put(self, key, value):
        if "chunks" in value:  # a summary
            tries.append(key)
            raise WriteFailed("cannot write the cache: no space left on the device")
        return original(self, key, value)

    monkeypatch.setattr(WorkCache, "put", put)
    with pytest.raises(WriteFailed, match="no space"):
        run(config)
    # The first write that failed stopped the run: no article was retried on its own for it.
    assert len(tries) == 1
