"""What saving finished work batch by batch costs: ``summarize run`` with its cache against the
same run with ``--no-cache``, and optionally against another checkout of the product.

Finished summaries, chunk summaries and translations are written to the cache as each engine
batch ends (a kill loses only the batches in flight). This measures the price of those
writes in the default job: random-weight models of the default checkpoints' sizes
(``benchmarks/configs/``, as ``benchmarks.speed`` builds them), articles of 600-900 tokens,
into Hungarian, each run a child process timed from start to exit with a fresh cache.
``--baseline-src DIR`` also times the package found in ``DIR`` (e.g. a checkout of an earlier
commit, whose cache was written once per wave of 32 articles) with its cache, in turn with this
one, so one run shows both.

Prints the median seconds of each variant and its ratio to this checkout's ``--no-cache`` run.
Ratios are what to compare: single times move by 20% between runs on shared machines.

Usage::

    python -m benchmarks.saving                          # ~5 min on 2 cores
    python -m benchmarks.saving --baseline-src ../old    # and an earlier checkout of the product
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.end_to_end import build_models, child_env, product_command, timed, write_articles


def _command(articles: Path, output: Path, models: tuple, cache: Path | None) -> list[str]:
    command = product_command(articles, output, *models)
    command.remove("--no-cache")
    return command + (["--cache-dir", str(cache)] if cache else ["--no-cache"])


def _entries(cache: Path) -> int:
    return sum(1 for _ in cache.rglob("*.json")) if cache.is_dir() else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=8, help="articles (default 8)")
    parser.add_argument("--passes", type=int, default=2, help="runs of each variant (default 2)")
    parser.add_argument("--baseline-src", type=Path, help="also time the package in this folder")
    parser.add_argument("--model-dir", type=Path, help="build the models here and reuse them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="saving-") as temp:
        work = Path(temp)
        models_root = args.model_dir or work / "models"
        summariser, translators = build_models(models_root, ("hu",))
        models = (summariser, translators)
        articles = work / "articles"
        write_articles(summariser, articles, args.articles)
        env = child_env(work)
        baseline_env = None
        if args.baseline_src is not None:
            source = str(args.baseline_src.resolve())
            baseline_env = {**env, "PYTHONPATH": source}
        # Converts every model once, so no timed run pays for it.
        warm = timed("warm-up", _command(articles, work / "warm", models, None), env)
        assert warm.returncode == 0, "the warm-up run failed"
        variants = {"--no-cache": (env, False), "cache (this checkout)": (env, True)}
        if baseline_env is not None:
            variants["cache (baseline)"] = (baseline_env, True)
        seconds: dict[str, list[float]] = {name: [] for name in variants}
        entries: dict[str, int] = {}
        for number in range(args.passes):
            for name, (variant_env, cached) in variants.items():
                output = work / f"out-{number}-{len(seconds[name])}-{hash(name) & 0xFFFF}"
                cache = output.with_name(output.name + "-cache") if cached else None
                run = timed(name, _command(articles, output, models, cache), variant_env)
                assert run.returncode == 0, f"{name} failed"
                report = json.loads((output / "run.json").read_text("utf-8"))
                assert report["done"] == args.articles, f"{name}: {report['done']} done"
                seconds[name].append(run.seconds)
                if cache is not None:
                    entries[name] = _entries(cache)
                shutil.rmtree(output)
        base = statistics.median(seconds["--no-cache"])
        print(f"summarize run, {args.articles} articles into hu, {args.passes} pass(es) each:")
        for name, values in seconds.items():
            median = statistics.median(values)
            saved = f", {entries[name]} cache entries" if name in entries else ""
            print(f"  {name:24} {median:7.1f} s  {median / base:5.2f}x of --no-cache{saved}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
