"""Checkpoints CTranslate2 cannot convert or would mis-run (issue #18): ``--engine auto`` runs
them with transformers, says so once and records why; ``--engine ctranslate2`` refuses them
before any work."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import SEED
from support.configs import marian_config

from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError
from summarize.engines.backends import choose_engine

ctranslate2 = pytest.importorskip("ctranslate2")

NOTICE = "running {} with transformers"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def odd_marians(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Tiny Marian translators: ``padded`` (embeddings padded to a multiple of 64 past the
    vocabulary), ``separate`` (separate source and target vocabularies), ``plain``."""
    from support.tiny_models import build_marian

    root = tmp_path_factory.mktemp("odd-marians")
    yield {
        "padded": build_marian(root / "padded", pad_embeddings_to_multiple_of=64),
        "separate": build_marian(root / "separate", separate_vocabs=True),
        "plain": build_marian(root / "plain"),
    }


def _problem(folder: Path) -> str | None:
    from transformers import AutoTokenizer

    from summarize.engines.convertibility import conversion_problem

    return conversion_problem(folder, AutoTokenizer.from_pretrained(folder))


def test_the_detector_reads_padded_embeddings_and_separate_vocabularies(odd_marians) -> None:
    padded = _problem(odd_marians["padded"])
    assert padded is not None and "embeddings have 831 rows" in padded
    assert "tokenizer names 800 tokens" in padded
    separate = _problem(odd_marians["separate"])
    assert separate is not None and "separate source and target vocabularies" in separate
    assert _problem(odd_marians["plain"]) is None


def test_the_detector_agrees_with_the_converter(odd_marians, tiny_models, tmp_path) -> None:
    """Whatever the detector passes converts; what it refuses for its sizes, the converter
    refuses too (separate vocabularies convert, but run wrongly: see the next test)."""
    from support.tiny_models import build_marian

    folders = {
        **{name: tiny_models[name] for name in ("bart", "marian", "nllb", "m2m100", "t5")},
        "padded": odd_marians["padded"],
        # A model vocabulary larger than the tokenizer's, as a config can say outright.
        "wide": build_marian(tmp_path / "wide", sizes={"vocab_size": 900}),
    }
    from summarize.engines.ctranslate2_engine import converted_model_dir

    for name, folder in folders.items():
        verdict = _problem(folder)
        try:
            converted_model_dir(str(folder), compute_type="float32", cache_root=tmp_path / "ct2")
            converted = True
        except Exception:
            converted = False
        assert converted == (verdict is None), (name, verdict)


def test_separate_vocabularies_would_run_wrongly_on_ctranslate2(odd_marians, tmp_path) -> None:
    """Why a separate-vocabulary Marian falls back although it converts: its output differs."""
    from summarize.engines.backends import EngineChoice, load_engine
    from summarize.engines.generation import GenerationOverrides

    texts = ["Rain is expected tomorrow.", "The minister said taxes will not rise."]
    outputs = {}
    for engine in ("transformers", "ctranslate2"):
        model = load_engine(
            str(odd_marians["separate"]),
            EngineChoice(engine, explicit=True),
            device="cpu",
            dtype="float32",  # CTranslate2 float32 matches transformers token for token
            batch_size=2,
            max_batch_tokens=None,
            overrides=GenerationOverrides(),
            threads=1,
        )
        outputs[engine] = model.generate(texts)
        model.close()
    assert outputs["transformers"] != outputs["ctranslate2"]


@pytest.mark.parametrize("kind", ["padded", "separate"])
def test_choose_engine_judges_the_checkpoint_files(odd_marians, kind) -> None:
    folder = odd_marians[kind]
    choice = choose_engine("auto", "marian", "cpu", model="org/odd", folder=folder)
    assert choice.engine == "transformers" and choice.notice
    assert "CTranslate2 cannot run this checkpoint" in (choice.fallback_reason or "")
    with pytest.raises(ConfigError, match=r"--engine ctranslate2: .*'org/odd'.*--engine auto"):
        choose_engine("ctranslate2", "marian", "cpu", model="org/odd", folder=folder)
    plain = choose_engine("auto", "marian", "cpu", model="org/ok", folder=odd_marians["plain"])
    assert plain.engine == "ctranslate2"


def _run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = shutil.which("summarize", path=str(Path(sys.executable).parent))
    assert script, "the summarize console script is not installed (pip install -e .)"
    # This checkout's package, whichever one the console script was installed from.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [script, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def _flags(tiny_models: dict[str, Path], translator: Path, engine: str) -> list[str]:
    return [
        "run",
        "news",
        "-o",
        "out",
        "--languages",
        "hu",
        "--summary-model",
        str(tiny_models["bart"]),
        "--translation-model",
        f"hu={translator}",
        "--device",
        "cpu",
        "--engine",
        engine,
    ]


def _run_on_seed(
    tiny_models: dict[str, Path], translator: Path, engine: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """``summarize run`` of one seed article into Hungarian with ``translator``, in
    ``tmp_path``."""
    (tmp_path / "news").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "news" / SEED.name)
    return _run_cli(_flags(tiny_models, translator, engine), tmp_path)


@pytest.mark.parametrize("kind", ["padded", "separate"])
def test_auto_runs_such_a_model_with_transformers_and_ctranslate2_refuses_it(
    odd_marians, tiny_models, tmp_path, kind
) -> None:
    translator = odd_marians[kind]
    result = _run_on_seed(tiny_models, translator, "auto", tmp_path / "auto")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(NOTICE.format(translator)) == 1, result.stderr
    report = json.loads((tmp_path / "auto" / "out" / "run.json").read_text("utf-8"))
    assert [item["status"] for item in report["items"]] == ["done"]
    engines = report["settings"]["engines"]
    assert engines[str(translator)]["engine"] == "transformers"
    assert "CTranslate2 cannot run this checkpoint" in engines[str(translator)]["fallback_reason"]
    # The summariser is unaffected: it still runs on CTranslate2.
    assert engines[str(tiny_models["bart"])]["engine"] == "ctranslate2"
    (record,) = (tmp_path / "auto" / "out" / "results.jsonl").read_text("utf-8").splitlines()
    assert json.loads(record)["translations"]["hu"]

    # Asked for by name, CTranslate2 refuses the model before any work, naming it and the fix.
    result = _run_on_seed(tiny_models, translator, "ctranslate2", tmp_path / "explicit")
    assert result.returncode == 2, result.stderr
    assert f"--engine ctranslate2: CTranslate2 cannot run '{translator}'" in result.stderr
    assert "use --engine auto or transformers" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "explicit" / "out" / "run.json").exists()


def _auto_config(tiny_models: dict[str, Path], translator: str, tmp_path: Path) -> RunConfig:
    """An in-process run of one seed article into Hungarian with ``translator``, engine auto."""
    return replace(
        marian_config(tiny_models, (SEED,), tmp_path / "out"),
        engine="auto",
        languages=("hu",),
        translation_models={"hu": translator},
    )


def test_a_conversion_that_fails_at_load_time_falls_back_once(
    odd_marians, tiny_models, tmp_path, monkeypatch, caplog
) -> None:
    """What the up-front check cannot see (here: made blind to it) still falls back."""
    from summarize.engines import backends
    from summarize.runners.local import run

    # raising=False: the test also fails, for its own reason, where there is no such check.
    monkeypatch.setattr(backends, "checkpoint_problem", lambda folder: None, raising=False)
    translator = str(odd_marians["padded"])
    config = _auto_config(tiny_models, translator, tmp_path)
    with caplog.at_level(logging.WARNING, logger="summarize"):
        outcome = run(config)
    assert outcome.failed == 0
    notices = [r for r in caplog.records if r.getMessage().startswith(NOTICE.format(translator))]
    assert len(notices) == 1
    choice = outcome.report["settings"]["engines"][translator]
    assert choice["engine"] == "transformers"
    assert "could not convert" in choice["fallback_reason"]
    saved = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert saved["settings"]["engines"][translator] == choice


def test_models_list_shows_such_a_model_on_transformers(odd_marians, tiny_models, tmp_path) -> None:
    from summarize.commands.catalog import list_models

    translator = str(odd_marians["padded"])
    config = _auto_config(tiny_models, translator, tmp_path)
    engines = {status.use.model: status.engine for status in list_models(config)}
    assert engines[translator] == "transformers"
    assert engines[str(tiny_models["bart"])] == "ctranslate2"


def test_a_fallback_inside_a_ray_actor_reaches_the_drivers_report(
    odd_marians, tiny_models, tmp_path, monkeypatch, caplog
) -> None:
    """A Ray actor that falls back when its model loads tells the driver, which writes
    run.json: the fallback was only in the actor's log before. (The actor runs in-process
    here; the slow Ray tests run the same class on a cluster.)"""
    from summarize.core.records import Article
    from summarize.engines import backends
    from summarize.engines.backends import EngineChoice
    from summarize.engines.generation import Target
    from summarize.runners.cluster import StageActor, encode_row, take_results
    from summarize.stages.plan import TranslationPlan
    from summarize.stages.translation import TranslationStage
    from summarize.stages.work import WorkItem

    monkeypatch.setattr(backends, "checkpoint_problem", lambda folder: None)
    translator = str(odd_marians["padded"])
    config = _auto_config(tiny_models, translator, tmp_path)
    plan = TranslationPlan(
        model=translator, targets={"hu": Target()}, choice=EngineChoice("ctranslate2")
    )
    actor = StageActor(config, "cpu", TranslationStage(plan))
    article = Article(id="a", source="a.txt", slug="a", title="Rain", text="Rain is due.")
    work = [WorkItem(article)]
    batch = actor({"row": [encode_row(0, work[0])]})
    rows = [{key: values[0] for key, values in batch.items()}] * 2  # two batches, one model
    fallbacks: dict[str, EngineChoice] = {}
    with caplog.at_level(logging.WARNING, logger="summarize"):
        take_results(rows, work, fallbacks)
    assert fallbacks[translator].engine == "transformers"
    assert "could not convert" in (fallbacks[translator].fallback_reason or "")
    # The driver says it once for the whole cluster (the actor's own log stays on its node).
    notices = [
        r
        for r in caplog.records
        if r.name == "summarize.runners.cluster"
        and r.getMessage().startswith(NOTICE.format(translator))
    ]
    assert len(notices) == 1
