"""A translation model that cannot load or run costs its language, not the briefing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping, Sequence

from support.articles import ENGLISH, HUNGARIAN
from support.cli import run_cli, tiny_model_flags
from support.configs import TINY_TRANSLATORS
from support.damage import swap_a_weight_shape
from support.fakes import WordEngine

from summarize.core.config import RunConfig
from summarize.core.progress import silent_progress
from summarize.core.records import Article
from summarize.engines.backends import EngineChoice
from summarize.engines.generation import GenerationOverrides, Target
from summarize.stages.context import make_context
from summarize.stages.plan import TranslationPlan
from summarize.stages.stage import Wave
from summarize.stages.translation import TranslationStage
from summarize.stages.work import WorkItem


def test_a_translation_model_that_cannot_load_leaves_the_other_editions(
    tiny_models, tmp_path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(f"Forint gains\n\n{ENGLISH}", "utf-8")
    (news / "b.txt").write_text(f"Rain ahead\n\n{ENGLISH} Rain is expected tomorrow.", "utf-8")
    broken = tmp_path / "broken-zh"
    shutil.copytree(tiny_models[TINY_TRANSLATORS["zh"]], broken)
    swap_a_weight_shape(broken)
    flags = [*tiny_model_flags(tiny_models), "--device", "cpu", "--engine", "transformers"]
    flags += ["--translation-model", f"zh={broken}"]
    output = tmp_path / "out"
    done = run_cli(["run", str(news), "-o", str(output), *flags], cwd=tmp_path)

    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("  unavailable: ")]
    assert len(lines) == 1 and lines[0].startswith("  unavailable: zh: the translation model")
    report = json.loads((output / "run.json").read_text("utf-8"))
    (entry,) = report["unavailable"]
    assert (entry["language"], entry["reason"]) == ("zh", "model_failed_to_load")
    assert "size mismatch" in entry["detail"] or "mismatch" in entry["detail"].lower()
    assert (report["done"], report["failed"]) == (2, 0)
    records = [json.loads(line) for line in (output / "results.jsonl").read_text().splitlines()]
    assert len(records) == 2
    for record in records:
        assert list(record["translations"]) == ["hu", "ru", "uk"]
        assert set(record["headlines"]) == {"hu", "ru", "uk"}
    assert (output / "index.html").exists() and (output / "briefing.hu.html").exists()
    # Readers never see the library's message.
    for page in output.glob("*.html"):
        text = page.read_text("utf-8")
        assert "ignore_mismatched_sizes" not in text and "mismatch" not in text, page.name


class FailingEngine(WordEngine):
    """A WordEngine that fails on any batch holding a text with ``poison`` in it."""

    def __init__(self, poison: str) -> None:
        super().__init__(max_input_tokens=200)
        self.poison = poison

    def generate(
        self,
        texts: Sequence[str],
        target: Target = Target(),
        on_batch: Callable[[Mapping[int, str]], None] | None = None,
        *,
        overrides: GenerationOverrides | None = None,
    ) -> list[str]:
        if any(self.poison in text for text in texts):
            raise RuntimeError("CUDA error: device-side assert triggered")
        return super().generate(texts, target, on_batch, overrides=overrides)


def translate(items: list[WorkItem], poison: str):
    """Run the translation stage into Hungarian on ``items`` with an engine that fails on
    ``poison``; the run's context, to see what it made unavailable."""
    from summarize.core.records import Summary

    for item in items:
        item.summary = Summary(item.article.id, item.article.text, 1)
    config = RunConfig(no_cache=True, languages=("hu",), quiet=True)
    context = make_context(config, "cpu", silent_progress)
    plan = TranslationPlan("fake", {"hu": Target()}, EngineChoice("transformers"))
    stage = TranslationStage(plan)
    stage.run_wave(Wave(items, "hu"), FailingEngine(poison), context, silent_progress("", 0))
    return context


def article(name: str, text: str, title: str = "A headline") -> WorkItem:
    return WorkItem(Article(id=name, slug=name, title=title, text=text, source=f"{name}.txt"))


def test_a_model_that_fails_on_every_article_makes_its_language_unavailable() -> None:
    items = [article("a", "Shares rose."), article("b", "Rain fell.")]
    context = translate(items, poison="")  # every text has "": every call fails
    entry = context.unavailable["hu"]
    assert entry.reason == "model_failed"
    assert "every article" in entry.detail and "device-side assert" in entry.detail
    assert all(item.failure is None and "hu" not in item.translations for item in items)


def test_an_article_the_model_fails_on_fails_alone() -> None:
    items = [article("a", "Shares rose."), article("b", "POISON fell.")]
    context = translate(items, poison="POISON")
    assert context.unavailable == {}
    assert "hu" in items[0].translations and "hu" in items[0].headlines
    assert items[1].failure is not None and "device-side assert" in items[1].failure


def test_a_headline_that_fails_to_translate_does_not_fail_its_article() -> None:
    items = [article("a", "Shares rose.", title="POISON headline"), article("b", "Rain fell.")]
    context = translate(items, poison="POISON")
    assert context.unavailable == {}
    assert items[0].failure is None and "hu" in items[0].translations
    assert "hu" not in items[0].headlines  # the pages show the original
    assert "hu" in items[1].headlines


def test_an_article_missing_only_an_unavailable_language_is_done() -> None:
    from summarize.core.records import LanguageUnavailable, Summary
    from summarize.runners.local import Computation

    item = article("a", HUNGARIAN)
    item.summary = Summary("a", "A summary.", 1)
    item.translations = {"hu": "Összefoglaló."}
    item.headlines = {"hu": "Cím"}
    item.computed = True
    lost = LanguageUnavailable("zh", "model_failed", "the model failed")
    computation = Computation(
        work=[item], engines={}, device="cpu", interrupted=False, versions={}, unavailable=(lost,)
    )
    results = computation.results(("hu", "zh"))
    (outcome,) = results.articles
    assert outcome.status == "done" and results.unavailable == (lost,)


def test_a_ray_actor_whose_model_fails_to_load_tells_the_driver_the_language_is_unavailable(
    tmp_path, monkeypatch
) -> None:
    from summarize.core.errors import ModelLoadError
    from summarize.core.records import LanguageUnavailable, Summary
    from summarize.runners.cluster import StageActor, encode_row, take_results
    from summarize.stages import loading

    def load(name, *args, **kwargs):
        raise ModelLoadError("out of memory")

    monkeypatch.setattr(loading, "load_engine", load)
    config = RunConfig(no_cache=True, languages=("hu",), quiet=True, output=tmp_path / "out")
    plan = TranslationPlan(str(tmp_path / "model"), {"hu": Target()}, EngineChoice("transformers"))
    actor = StageActor(config, "cpu", TranslationStage(plan))
    item = article("a", "Shares rose.")
    item.summary = Summary("a", "Shares rose.", 1)
    work = [item]
    batch = actor({"row": [encode_row(0, item)]})
    rows = [{key: values[0] for key, values in batch.items()}]
    unavailable: dict[str, LanguageUnavailable] = {}
    take_results(rows, work, {}, unavailable)
    assert unavailable["hu"].reason == "model_failed_to_load"
    assert "out of memory" in unavailable["hu"].detail
    assert work[0].failure is None and work[0].summary is not None
