"""summarize run --ray: the same stages as Ray Data actors, on a local Ray instance."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import SEED
from support.cli import tiny_model_flags
from support.configs import TINY_TRANSLATORS, marian_config

from summarize.commands.cli import main
from summarize.core.config import build_run_config


def records(output: Path) -> dict[str, dict]:
    lines = (output / "results.jsonl").read_text("utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def test_without_ray_the_flag_says_how_to_install_it(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    (tmp_path / "a.txt").write_text("Rain is expected tomorrow.\n", "utf-8")
    code = main(["run", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--ray"])
    assert code == 2
    assert 'pip install "summarize[ray]"' in capsys.readouterr().err


def test_ray_flag_and_config_key() -> None:
    from summarize.commands.arguments import build_parser, settings_from_arguments

    def ray_setting(*flags: str) -> str | None:
        arguments = build_parser().parse_args(["run", *flags])
        return build_run_config(settings_from_arguments(arguments)).ray

    assert ray_setting() is None  # runs here
    assert ray_setting("--ray") == ""  # Ray's own default address
    assert ray_setting("--ray", "ray://head:10001") == "ray://head:10001"
    assert build_run_config({"ray": "auto"}).ray == "auto"


@pytest.mark.parametrize(
    ("argument", "uri"),
    [
        ("s3://bucket/news", "s3://bucket/news"),
        ("gs://bucket/a/b.jsonl", "gs://bucket/a/b.jsonl"),
        ("file:///srv/news", "file:///srv/news"),
        ("news/today", None),
        ("/srv/news", None),
        ("C:/news", None),
    ],
)
def test_uris_survive_the_path_conversion(argument, uri) -> None:
    from summarize.runners.cluster import remote_uri

    assert remote_uri(Path(argument)) == uri


def test_a_file_below_a_uri_keeps_its_relative_path() -> None:
    from summarize.runners.cluster import relative_path

    assert relative_path("s3://bucket/news", "bucket/news/a/b.txt") == "a/b.txt"
    assert relative_path("file:///srv/news/", "/srv/news/x.jsonl") == "x.jsonl"
    assert relative_path("s3://bucket/one.txt", "bucket/one.txt") == ""


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    seed = SEED.read_text("utf-8")
    for number in range(3):
        # Different parts of the seed: no two are copies of one story (a run would merge them).
        start = sum(500 + 100 * n for n in range(number))
        (folder / f"{number}.txt").write_text(
            f"Story {number}.\n\n" + seed[start : start + 500 + 100 * number], "utf-8"
        )
    # A Hungarian article: translated into English on the cluster before it is summarised.
    (folder / "hu.txt").write_text(
        "Esik az eső\n\nA kormány kedden bejelentette, hogy jövőre ismét emelkedik a "
        "költségvetés. Az elemzők szerint a döntés várható volt.",
        "utf-8",
    )
    return folder


@pytest.mark.slow
def test_ray_run_equals_the_local_run(tiny_models, news, tmp_path, local_ray) -> None:
    from summarize.runners import cluster
    from summarize.runners.local import run

    # Batches of one: an article meets the same arithmetic in any company, so runs compare.
    local = replace(
        marian_config(tiny_models, (news,), tmp_path / "local"),
        batch_size=1,
        source_models={"hu": str(tiny_models["marian"])},
    )
    run(local)
    on_ray = replace(local, output=tmp_path / "ray", ray="")
    outcome = cluster.run(on_ray)

    expected, got = records(local.output), records(on_ray.output)
    assert len(got) == 4 and got == expected
    assert got["hu"]["language"] == "hu" and got["hu"]["pivot"]
    report = outcome.report
    assert report["done"] == 4 and report["failed"] == 0
    assert report["ray"] == {"address": "default", "actors_per_stage": 2, "device": "cpu"}
    assert (on_ray.output / "briefing.uk.html").is_file()

    # Everything the actors computed is in the driver's cache: a rerun loads no model.
    again = cluster.run(on_ray)
    assert again.report["cached"] == 4


@pytest.mark.slow
def test_ray_flag_through_the_command(tiny_models, news, tmp_path, local_ray) -> None:
    script = Path(sys.executable).parent / "summarize"
    address = local_ray.get_runtime_context().gcs_address
    done = subprocess.run(
        [
            str(script),
            "run",
            news.as_uri(),  # any filesystem Ray Data reads; file:// needs no network
            "-o",
            str(tmp_path / "out"),
            "--ray",
            address,
            "--languages",
            "hu",
            *tiny_model_flags(tiny_models, ("hu",)),
            "--source-model",
            f"hu={tiny_models['marian']}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    written = records(tmp_path / "out")
    assert set(written) == {"0", "1", "2", "hu"}
    assert written["0"]["source"] == f"{news.as_uri()}/0.txt"
    assert all(record["translations"]["hu"] for record in written.values())


@pytest.mark.slow
def test_ctrl_c_between_stages_keeps_the_finished_stages(
    tiny_models, news, tmp_path, local_ray, monkeypatch
) -> None:
    from summarize.core.errors import RunInterrupted
    from summarize.runners import cluster

    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"),
        source_models={"hu": str(tiny_models["marian"])},
        ray="",
    )
    saved_stages: list[int] = []
    save = cluster.save_finished

    def save_then_stop(work, before, context):
        save(work, before, context)
        saved_stages.append(len(work))
        if len(saved_stages) == 2:  # after the pivot and the summary stages
            raise KeyboardInterrupt

    monkeypatch.setattr(cluster, "save_finished", save_then_stop)
    with pytest.raises(RunInterrupted, match="resume"):
        cluster.run(config)
    report = json.loads((config.output / "run.json").read_text("utf-8"))
    assert report["status"] == "interrupted"
    summaries = [
        entry
        for entry in (config.output / ".cache").rglob("*.json")
        if "chunks" in json.loads(entry.read_text("utf-8"))
    ]
    assert len(summaries) == 4  # every summary was saved before the translations began

    monkeypatch.setattr(cluster, "save_finished", save)
    finished = cluster.run(config)
    assert finished.report["done"] == 4 and finished.report["status"] == "finished"


@pytest.mark.slow
@pytest.mark.parametrize("role", ["pivot", "translation"])
def test_a_model_that_fails_to_load_on_the_cluster_costs_its_articles_or_language_only(
    role, tiny_models, news, tmp_path, local_ray, monkeypatch, capsys, caplog
) -> None:
    """As in a local run: the articles that need the pivot model fail, saying why; a
    translation model's language is unavailable; everything else is summarised, translated
    and written; the command exits 1."""
    from summarize.runners import cluster

    # A copy of one model, whose weights go once the driver has checked every model: the
    # actors' load fails after the checks, as on a node without the model or out of memory.
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_models["marian" if role == "pivot" else TINY_TRANSLATORS["zh"]], broken)
    prepare = cluster.prepare

    def prepare_then_break(config, articles, context):
        prepared = prepare(config, articles, context)
        for weights in broken.glob("*.safetensors"):
            weights.unlink()
        return prepared

    monkeypatch.setattr(cluster, "prepare", prepare_then_break)
    save = cluster.save_finished
    after_last_stage: list = []

    def save_and_keep(work, before, context):
        save(work, before, context)
        after_last_stage[:] = work

    monkeypatch.setattr(cluster, "save_finished", save_and_keep)
    output = tmp_path / "out"
    code = main(
        [
            "run",
            str(news),
            "-o",
            str(output),
            "--ray",
            "--device",
            "cpu",
            "--engine",
            "transformers",
            "--languages",
            "hu,zh",  # models run in this order: zh's after hu's
            *tiny_model_flags(tiny_models, ("hu",)),
            "--translation-model",
            f"zh={broken if role == 'translation' else tiny_models[TINY_TRANSLATORS['zh']]}",
            "--source-model",
            f"hu={broken if role == 'pivot' else tiny_models['marian']}",
        ]
    )

    assert code == 1
    report = json.loads((output / "run.json").read_text("utf-8"))
    # The driver logs the whole error once, with the fix it names (the actors' logs stay there).
    (logged,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert logged.startswith(f"the {role} model failed to load: ")
    assert "Downloads are off here" in logged
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if role == "translation":
        # Every article needed zh: the language is unavailable, the articles are published in
        # English and Hungarian, and readers never see the error.
        assert (report["done"], report["failed"]) == (4, 0)
        (entry,) = report["unavailable"]
        assert (entry["language"], entry["reason"], entry["detail"]) == (
            "zh",
            "model_failed_to_load",
            logged,
        )
        assert "  unavailable: zh: the translation model failed to load" in err
        assert all(set(r["translations"]) == {"hu"} for r in records(output).values())
        assert len(after_last_stage) == 4
        for page in output.glob("*.html"):
            assert "failed to load" not in page.read_text("utf-8"), page.name
        return
    failed = {item["source"]: item["reason"] for item in report["items"] if item["reason"]}
    (reason,) = set(failed.values())
    # The wording of a local run's load_or_fail: the role, then the error's first line.
    assert reason.startswith(f"the {role} model failed to load: ") and "\n" not in reason
    assert logged.startswith(reason)
    for source in failed:
        assert f"failed: {source}: {reason}" in err
    # Only the Hungarian article needed it.
    assert [Path(source).name for source in failed] == ["hu.txt"]
    written = records(output)
    assert set(written) == {"0", "1", "2"} and report["done"] == 3
    assert all(set(r["translations"]) == {"hu", "zh"} for r in written.values())
    assert report["unavailable"] == []
    assert f"the {role} model failed to load" in (output / "about.html").read_text("utf-8")


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform != "linux" or not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"),
    reason="glibc's malloc only",
)
def test_cpu_actors_start_with_the_allocator_settings(local_ray) -> None:
    """A late mallopt in an actor leaves its threads' large blocks mapped afresh (Ray's own
    threads have made arenas by then); the actors' start-up options put them in force."""
    from summarize.runners.cluster import actor_start_up

    @local_ray.remote
    class Probe:
        def where_a_threads_block_lands(self) -> str:
            import ctypes
            import threading

            libc = ctypes.CDLL("libc.so.6")
            libc.malloc.restype = ctypes.c_void_p
            addresses: list[int] = []
            thread = threading.Thread(target=lambda: addresses.append(libc.malloc(64 << 20)))
            thread.start()
            thread.join()
            for line in Path("/proc/self/maps").read_text().splitlines():
                start, end = (int(part, 16) for part in line.split()[0].split("-"))
                if start <= addresses[0] < end:
                    return "heap" if line.rstrip().endswith("[heap]") else "mapped"
            return "nowhere"

    from summarize.engines import allocator

    if not allocator.environment_for_workers("cpu"):
        pytest.skip("malloc options are set in this environment: summarize leaves them alone")
    options = actor_start_up("cpu")
    probe = Probe.options(**options).remote()
    assert local_ray.get(probe.where_a_threads_block_lands.remote()) == "heap"
    assert actor_start_up("cuda") == {}


def test_actors_go_one_per_gpu_or_per_cpu_slot(tmp_path) -> None:
    from summarize.core.config import RunConfig
    from summarize.core.errors import ConfigError
    from summarize.runners.cluster import placement

    config = RunConfig(inputs=(tmp_path,), output=tmp_path)
    gpus = {"CPU": 64.0, "GPU": 8.0}
    assert placement(config, gpus) == ("cuda", 8, {"num_gpus": 1})
    assert placement(replace(config, device="cpu"), gpus) == ("cpu", 64, {"num_cpus": 1})
    assert placement(replace(config, threads=4), {"CPU": 16.0}) == ("cpu", 4, {"num_cpus": 4})
    with pytest.raises(ConfigError, match="no GPU"):
        placement(replace(config, device="cuda"), {"CPU": 16.0})
