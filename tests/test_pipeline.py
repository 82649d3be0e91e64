"""End to end on tiny random models: the real loading, generation and rendering code."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.articles import LONG_ARTICLE, SEED
from support.configs import TINY_TRANSLATORS, marian_config
from support.spies import GenerateSpy

from summarize.core.config import RunConfig
from summarize.core.errors import ModelLoadError, RunInterrupted, UnsupportedLanguageError


class LangCollector(HTMLParser):
    """Collects the text of every element that carries a lang attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        if tag in {"meta", "link", "br", "img", "input"}:
            return
        self.stack.append(dict(attrs).get("lang"))

    def handle_endtag(self, tag) -> None:
        if self.stack and tag not in {"meta", "link", "br", "img", "input"}:
            self.stack.pop()

    def handle_data(self, data) -> None:
        for lang in reversed(self.stack):
            if lang:
                self.texts[lang] = self.texts.get(lang, "") + data
                return


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("news")
    shutil.copy(SEED, folder / "000_seed.txt")
    (folder / "b_long.txt").write_text("Budget grows again\n\n" + LONG_ARTICLE, encoding="utf-8")
    (folder / "c_note.md").write_text(
        "# Markets rally\n\nShares **rose** on Monday. Analysts were [surprised](http://x.test).\n",
        encoding="utf-8",
    )
    (folder / "d_more.jsonl").write_text(
        json.dumps(
            {
                "id": "wire-1",
                "title": "Wire <script>alert(1)</script>",
                "text": "The minister said {{ 7*7 }} times that talks would resume.",
                "url": "https://example.test/wire-1",
            }
        )
        + "\n"
        + json.dumps({"id": "wire-2", "text": "Rain is expected across the region tomorrow."})
        + "\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def marian_run(tiny_models, news, tmp_path_factory):
    from summarize.runners.local import run

    monkeypatch = pytest.MonkeyPatch()
    spy = GenerateSpy(monkeypatch)
    output = tmp_path_factory.mktemp("out")
    try:
        outcome = run(marian_config(tiny_models, (news,), output))
    finally:
        monkeypatch.undo()
    return outcome, output, spy


def test_every_article_gets_a_page_a_record_and_four_translations(marian_run) -> None:
    outcome, output, _ = marian_run
    records = [
        json.loads(line) for line in (output / "results.jsonl").read_text("utf-8").splitlines()
    ]
    assert [r["id"] for r in records] == ["000_seed", "b_long", "c_note", "wire-1", "wire-2"]
    assert outcome.failed == 0
    for record in records:
        assert record["summary"].strip()
        assert set(record["translations"]) == {"hu", "zh", "ru", "uk"}
        assert all(text.strip() for text in record["translations"].values())
        assert (
            record["models"]["translation"]["uk"].endswith("marian_multi_zle")
            or record["models"]["translation"]["uk"]
        )
        page = output / f"{record['slug']}.html"
        collector = LangCollector()
        collector.feed(page.read_text("utf-8"))
        for lang, html_lang in [("hu", "hu"), ("zh", "zh-Hans"), ("ru", "ru"), ("uk", "uk")]:
            assert record["translations"][lang].split()[0] in collector.texts[html_lang]
    assert (output / "index.html").is_file()


def test_long_article_is_chunked_not_truncated(marian_run) -> None:
    _, output, spy = marian_run
    records = {
        r["id"]: r
        for r in map(json.loads, (output / "results.jsonl").read_text("utf-8").splitlines())
    }
    assert records["b_long"]["chunks"] > 1
    assert records["000_seed"]["chunks"] > 1  # the seed is longer than the tiny BART's 128 tokens
    assert records["c_note"]["chunks"] == 1
    # No input given to any model exceeded its 128-token limit.
    assert all(len(ids) <= 128 for _, batch, _ in spy.batches for ids in batch)


def test_models_load_once_each_in_stage_order(marian_run, tiny_models) -> None:
    _, _, spy = marian_run
    names = [Path(name).name for name in spy.loads]
    assert names == ["bart", "marian", "marian_multi_zh", "marian_multi_zle"]


def test_marian_multi_target_tokens_reach_generate(marian_run, tiny_models) -> None:
    from transformers import AutoTokenizer

    _, _, spy = marian_run
    for key, tokens in [
        ("marian_multi_zh", {">>cmn_Hans<<"}),
        ("marian_multi_zle", {">>rus<<", ">>ukr<<"}),
    ]:
        tokenizer = AutoTokenizer.from_pretrained(tiny_models[key])
        expected = {tokenizer.convert_tokens_to_ids(token) for token in tokens}
        first_ids = {
            batch_ids[0]
            for name, batch, _ in spy.batches
            if name.endswith(key)
            for batch_ids in batch
        }
        assert first_ids == expected


def test_untrusted_text_is_escaped_everywhere(marian_run) -> None:
    _, output, _ = marian_run
    for page in output.glob("*.html"):
        html = page.read_text("utf-8")
        assert "<script>alert(1)" not in html
    index = (output / "index.html").read_text("utf-8")
    assert "Wire &lt;script&gt;alert(1)&lt;/script&gt;" in index


@pytest.mark.parametrize(
    ("model", "languages", "tokens"),
    [
        (
            "nllb",
            ("hu", "zh", "ru", "uk"),
            ("eng_Latn", ["hun_Latn", "zho_Hans", "rus_Cyrl", "ukr_Cyrl"]),
        ),
        ("m2m100", ("hu", "zh", "ru", "uk"), ("__en__", ["__hu__", "__zh__", "__ru__", "__uk__"])),
        ("mbart50", ("zh", "ru", "uk"), ("en_XX", ["zh_CN", "ru_RU", "uk_UA"])),
        # A language outside the built-in table, described from its ISO code.
        ("nllb", ("fi",), ("eng_Latn", ["fin_Latn"])),
    ],
)
def test_multilingual_models_get_source_and_forced_target_tokens(
    tiny_models, tmp_path, monkeypatch, model, languages, tokens
) -> None:
    from transformers import AutoTokenizer

    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    source_token, target_tokens = tokens
    outcome = run(
        RunConfig(
            inputs=(SEED,),
            output=tmp_path,
            languages=languages,
            summary_model=str(tiny_models["t5"]),
            translation_model=str(tiny_models[model]),
            device="cpu",
            engine="transformers",
        )
    )
    assert outcome.failed == 0
    assert [Path(name).name for name in spy.loads] == ["t5", model]  # one load for all languages
    tokenizer = AutoTokenizer.from_pretrained(tiny_models[model])
    source_id = tokenizer.convert_tokens_to_ids(source_token)
    translation_batches = [(batch, s) for name, batch, s in spy.batches if name.endswith(model)]
    assert all(source_id in ids for batch, _ in translation_batches for ids in batch)
    forced = [s["forced_bos_token_id"] for _, s in translation_batches]
    assert sorted(set(forced)) == sorted(tokenizer.convert_tokens_to_ids(t) for t in target_tokens)
    record = json.loads((tmp_path / "results.jsonl").read_text("utf-8"))
    assert list(record["translations"]) == list(languages)


def test_t5_summariser_gets_its_prefix(tiny_models, tmp_path, monkeypatch) -> None:
    from transformers import AutoTokenizer

    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    run(
        RunConfig(
            inputs=(SEED,),
            output=tmp_path,
            languages=("de",),
            summary_model=str(tiny_models["t5"]),
            translation_models={"de": str(tiny_models["t5"])},
            device="cpu",
            engine="transformers",
        )
    )
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["t5"])
    texts = [tokenizer.decode(ids) for name, batch, _ in spy.batches for ids in batch]
    assert any(text.startswith("summarize:") for text in texts)
    # Like t5-small, the tiny T5 lists its translation prefixes in task_specific_params.
    assert any(text.startswith("translate English to German:") for text in texts)


def test_model_without_the_language_fails_before_any_model_loads(
    tiny_models, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    config = RunConfig(
        inputs=(SEED,),
        output=tmp_path / "out",
        summary_model=str(tiny_models["bart"]),
        translation_model=str(tiny_models["mbart50"]),  # mBART-50 has no Hungarian
        device="cpu",
        engine="transformers",
    )
    with pytest.raises(UnsupportedLanguageError, match=r"Hungarian \(hu\)"):
        run(config)
    assert spy.loads == []
    assert not (tmp_path / "out").exists()


def test_missing_model_fails_before_any_work(tiny_models, tmp_path, monkeypatch) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    config = marian_config(tiny_models, (SEED,), tmp_path / "out")
    config = replace(
        config, translation_models={**config.translation_models, "zh": str(tmp_path / "nope")}
    )
    with pytest.raises(ModelLoadError, match="nope"):
        run(config)
    assert spy.loads == []


def test_model_folder_without_weights_fails_before_any_work(
    tiny_models, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    broken = tmp_path / "zh-no-weights"
    shutil.copytree(tiny_models["marian_multi_zh"], broken)
    for weights in broken.glob("*.safetensors"):
        weights.unlink()
    config = marian_config(tiny_models, (SEED,), tmp_path / "out")
    config = replace(config, translation_models={**config.translation_models, "zh": str(broken)})
    with pytest.raises(ModelLoadError, match="no weights found"):
        run(config)
    assert spy.loads == []


def test_cut_short_weights_fail_before_any_work(tiny_models, tmp_path, monkeypatch) -> None:
    """A truncated download is found from the file's header, not hours later at conversion."""
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    broken = tmp_path / "zh-cut-short"
    shutil.copytree(tiny_models["marian_multi_zh"], broken)
    weights = broken / "model.safetensors"
    with weights.open("r+b") as handle:
        handle.truncate(weights.stat().st_size // 2)
    config = marian_config(tiny_models, (SEED,), tmp_path / "out")
    config = replace(config, translation_models={**config.translation_models, "zh": str(broken)})
    with pytest.raises(ModelLoadError, match="incomplete or damaged") as caught:
        run(config)
    assert "model.safetensors" in str(caught.value)
    assert "Fetch the model again" in str(caught.value)
    assert spy.loads == []


@pytest.mark.parametrize("layout", ["safetensors shard missing", "torch zip cut short"])
def test_sharded_and_torch_weights_are_checked_too(tiny_models, tmp_path, layout) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    from summarize.engines.transformers_engine import inspect_model

    folder = tmp_path / "model"
    shutil.copytree(tiny_models["marian"], folder)
    tensors = load_file(folder / "model.safetensors")
    (folder / "model.safetensors").unlink()
    names = sorted(tensors)
    if layout == "safetensors shard missing":
        half = len(names) // 2
        shards = {"a.safetensors": names[:half], "b.safetensors": names[half:]}
        save_file(
            {name: tensors[name] for name in shards["a.safetensors"]}, folder / "a.safetensors"
        )
        weight_map = {name: shard for shard, members in shards.items() for name in members}
        (folder / "model.safetensors.index.json").write_text(
            json.dumps({"metadata": {}, "weight_map": weight_map}), "utf-8"
        )
        expected = "missing weight shards"
    else:
        torch.save(tensors, folder / "pytorch_model.bin")
        path = folder / "pytorch_model.bin"
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size - 100)
        expected = "incomplete or damaged"
    with pytest.raises(ModelLoadError, match=expected):
        inspect_model(str(folder))


def test_a_translation_model_that_fails_to_load_mid_run_makes_its_language_unavailable(
    tiny_models, tmp_path, monkeypatch
) -> None:
    """A load that breaks after the checks (a conversion, a GPU out of memory) costs its
    language only: the article is published in English and the other languages, run.json
    says why, and the pages never show the library's message."""
    from summarize.runners.local import run
    from summarize.stages import loading

    zh_model = str(tiny_models[TINY_TRANSLATORS["zh"]])
    real_load = loading.load_engine

    def load(name, *args, **kwargs):
        if name == zh_model:
            raise ModelLoadError(f"could not convert {name!r}: broken\nCheck the files.")
        return real_load(name, *args, **kwargs)

    monkeypatch.setattr(loading, "load_engine", load)
    output = tmp_path / "out"
    outcome = run(marian_config(tiny_models, (SEED,), output))
    message = f"the translation model failed to load: could not convert {zh_model!r}: broken"
    assert outcome.failed == 0
    (unavailable,) = outcome.unavailable
    assert (unavailable.language, unavailable.reason) == ("zh", "model_failed_to_load")
    assert unavailable.detail == message + "\nCheck the files."
    (result,) = outcome.briefing.results
    assert set(result.translations) == set(result.headlines) == {"hu", "ru", "uk"}
    document = json.loads((output / "run.json").read_text("utf-8"))
    assert document["unavailable"] == [
        {"language": "zh", "reason": "model_failed_to_load", "detail": unavailable.detail}
    ]
    (item,) = document["items"]
    assert (item["status"], item["reason"]) == ("done", None)
    (record,) = map(json.loads, (output / "results.jsonl").read_text("utf-8").splitlines())
    assert list(record["translations"]) == ["hu", "ru", "uk"]
    for page in output.glob("*.html"):
        assert "could not convert" not in page.read_text("utf-8"), page.name
    # Once the model loads again, only the missing language is computed.
    monkeypatch.setattr(loading, "load_engine", real_load)
    spy = GenerateSpy(monkeypatch)
    again = run(marian_config(tiny_models, (SEED,), output))
    assert again.failed == 0 and again.unavailable == ()
    assert [Path(name).name for name in spy.loads] == [Path(zh_model).name]


def test_a_summary_model_that_fails_to_load_mid_run_fails_its_articles_not_the_run(
    tiny_models, tmp_path, monkeypatch
) -> None:
    """Without a summary there is nothing to publish: the articles fail, the run still ends
    with its briefing and run.json, saying why."""
    from summarize.runners.local import run
    from summarize.stages import loading

    summariser = str(tiny_models["bart"])
    real_load = loading.load_engine

    def load(name, *args, **kwargs):
        if name == summariser:
            raise ModelLoadError("out of memory")
        return real_load(name, *args, **kwargs)

    monkeypatch.setattr(loading, "load_engine", load)
    output = tmp_path / "out"
    outcome = run(marian_config(tiny_models, (SEED,), output))
    assert outcome.failed == 1 and outcome.briefing.results == ()
    assert outcome.unavailable == ()
    (item,) = json.loads((output / "run.json").read_text("utf-8"))["items"]
    assert item["status"] == "failed"
    assert item["reason"] == "the summary model failed to load: out of memory"


def test_ctrl_c_while_the_outputs_are_written_waits_for_them(
    tiny_models, tmp_path, monkeypatch
) -> None:
    import os
    import signal

    from summarize.outputs import writer
    from summarize.runners import local

    real_write = writer.write_briefing

    def write_briefing(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C (again) right now
        return real_write(*args, **kwargs)

    monkeypatch.setattr(writer, "write_briefing", write_briefing)
    output = tmp_path / "out"
    with pytest.raises(RunInterrupted, match="run the same command again"):
        local.run(marian_config(tiny_models, (SEED,), output))
    # Raised only once everything was written; run.json says the run was stopped.
    report = json.loads((output / "run.json").read_text("utf-8"))
    assert report["done"] == 1 and report["status"] == "interrupted"
    assert (output / "index.html").is_file() and (output / "results.jsonl").is_file()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_token_budget_bounds_every_batch(tiny_models, tmp_path, monkeypatch) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    config = replace(
        marian_config(tiny_models, (SEED,), tmp_path / "out"), batch_size=64, max_batch_tokens=300
    )
    assert run(config).failed == 0
    sizes = [(len(batch), max(len(ids) for ids in batch)) for _, batch, _ in spy.batches]
    assert all(count * longest <= 300 or count == 1 for count, longest in sizes)
    assert any(count > 1 for count, _ in sizes)  # short inputs still share batches


def test_two_runs_writing_one_output_folder_leave_one_runs_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two runs (two processes, or a cron job overlapping a manual one) that reach the
    # writing step together: each read the earlier run.json, found none, wrote its pages
    # and its own run.json; the last run.json won and the other run's pages stayed behind,
    # listed nowhere, so no later run ever removed them. The write step now takes turns.
    import threading
    from datetime import UTC, datetime

    from summarize.core.records import Article, ArticleOutcome, Summary
    from summarize.outputs import writer

    def computation(name: str) -> writer.RunResults:
        article = Article(id=name, slug=name, title=name, text="Text.", source=f"{name}.txt")
        item = ArticleOutcome(
            article=article,
            status="done",
            summary=Summary(article_id=name, text="Summary.", chunks=1),
            translations={"hu": "Összefoglaló."},
            computed=True,
        )
        return writer.RunResults(
            articles=[item], engines={}, device="cpu", interrupted=False, versions={}, revisions={}
        )

    out = tmp_path / "out"
    config = RunConfig(inputs=(tmp_path,), output=out, languages=("hu",), no_cache=True)
    first_writing, second_done = threading.Event(), threading.Event()
    real_write = writer.write_briefing

    def write_briefing(briefing, output_dir, **kwargs):  # type: ignore[no-untyped-def]
        if briefing.results[0].article.id == "first":
            first_writing.set()
            second_done.wait(timeout=2)  # the second run writes meanwhile, if it may
        return real_write(briefing, output_dir, **kwargs)

    monkeypatch.setattr(writer, "write_briefing", write_briefing)
    errors: list[BaseException] = []

    def run(name: str, done: threading.Event | None = None) -> None:
        try:
            writer.write_outputs(computation(name), (), config, datetime.now(UTC), 1.0)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            if done is not None:
                done.set()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert first_writing.wait(timeout=10)
    second = threading.Thread(target=run, args=("second", second_done))
    second.start()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not errors
    listed = set(json.loads((out / "run.json").read_text("utf-8"))["files"])
    assert {path.name for path in out.iterdir()} == listed
    index = (out / "index.html").read_text("utf-8")
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    # index.html, the pages and run.json all come from the same run.
    assert [item["id"] for item in run_json["items"]] == [
        name for name in ("first", "second") if f"./{name}.html" in index
    ]
