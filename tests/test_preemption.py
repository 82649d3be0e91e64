"""Preemption as spot instances and shared GPU queues do it: the run is killed (``kill -9``) at
a fixed interval shorter than the whole run, and started again each time. Because finished
work is saved as each engine batch ends, every start gets further, the run completes, and its
results are byte-identical to a run that was never stopped."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.articles import SEED
from support.caches import cache_entries

pytestmark = pytest.mark.slow

#: Articles in the run: fewer than a wave of summaries (32), so a run that saved its work
#: only when a wave ends would save nothing before it is killed.
ARTICLES = 24
#: Starts before the test gives up: about four times what the run needs when each start keeps
#: its batches (a slow moment on a shared machine costs a start, not the test), and far fewer
#: than a run needs that keeps a long article only once its last round ends (seen: 37).
MOST_STARTS = 12


def _news(folder: Path) -> Path:
    folder.mkdir()
    seed = SEED.read_text("utf-8")
    for number in range(ARTICLES):
        (folder / f"{number:02d}.txt").write_text(f"Story {number} begins. {seed}", "utf-8")
    return folder


def _summariser(dest: Path) -> Path:
    """A BART summariser bigger than the tiny one: the tiny models summarise 24 articles in
    about a second, less than a start costs, so no kill could land between two batches."""
    from support.tiny_models import build_bart

    wider = {"d_model": 256, "encoder_ffn_dim": 1024, "decoder_ffn_dim": 1024}
    heads = {"encoder_attention_heads": 4, "decoder_attention_heads": 4}
    return build_bart(dest, new_tokens=32, sizes={**wider, **heads})


def _command(summariser: Path, translator: Path, output: str) -> list[str]:
    script = shutil.which("summarize", path=str(Path(sys.executable).parent))
    assert script is not None
    return [
        script,
        "run",
        "news",
        "-o",
        output,
        "--device",
        "cpu",
        "--languages",
        "hu",
        "--summary-model",
        str(summariser),
        "--translation-model",
        f"hu={translator}",
        # Copies of one story are the load here: each must be summarised.
        "--keep-duplicates",
    ]


def _timed_run(command: list[str], cwd: Path, cache: Path) -> tuple[float, float]:
    """Run to the end; return (seconds until its first work was saved, seconds in all)."""
    log = cwd / f"{cache.parent.name}.log"
    with log.open("w") as stderr:  # a file, not a pipe: nobody reads it while it runs
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        first = None
        while process.poll() is None:
            if first is None and cache_entries(cache, "text"):
                first = time.monotonic() - started
            time.sleep(0.05)
        total = time.monotonic() - started
    assert process.returncode == 0, log.read_text()
    assert first is not None, "the run ended before its first saved work could be seen"
    return first, total


def test_a_run_killed_at_a_fixed_interval_completes_with_identical_results(
    tiny_models, tmp_path
) -> None:
    _news(tmp_path / "news")
    models = (_summariser(tmp_path / "bart"), tiny_models["marian"])
    # A first run prepares what every later start reuses (CTranslate2's converted models), so
    # the timed run below measures what a restart costs.
    reference = subprocess.run(
        _command(*models, "reference"), cwd=tmp_path, capture_output=True, text=True
    )
    assert reference.returncode == 0, reference.stderr
    first, total = _timed_run(_command(*models, "timed"), tmp_path, tmp_path / "timed/.cache")
    # Long enough for a start to load its models and end a batch or two, well short of the run:
    # a quarter of its work (a third let a restart on a quieter machine finish after one kill).
    interval = first + (total - first) / 4
    assert interval < total

    command = _command(*models, "preempted")
    kills = 0
    for _ in range(MOST_STARTS):
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            _, stderr = process.communicate(timeout=interval)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            kills += 1
            continue
        assert process.returncode == 0, stderr
        break
    else:
        pytest.fail(
            f"still not finished after {MOST_STARTS} starts, killed every {interval:.1f} s "
            f"(a whole run: {total:.1f} s, its first work saved after {first:.1f} s)"
        )
    assert kills >= 2, f"killed only {kills} time(s): the interval ({interval:.1f} s) is too long"
    expected = (tmp_path / "reference" / "results.jsonl").read_bytes()
    assert (tmp_path / "timed" / "results.jsonl").read_bytes() == expected
    assert (tmp_path / "preempted" / "results.jsonl").read_bytes() == expected
    report = json.loads((tmp_path / "preempted" / "run.json").read_text("utf-8"))
    assert report["status"] == "finished" and report["articles"] == ARTICLES
    assert report["failed"] == 0
    pages = sorted(p.name for p in (tmp_path / "reference").glob("*.html"))
    assert pages == sorted(p.name for p in (tmp_path / "preempted").glob("*.html"))
