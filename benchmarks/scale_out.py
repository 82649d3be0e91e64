"""Two processes against one: ``accelerate launch`` speed-up on real-size random models.

The same models and articles as ``end_to_end.py`` (random-weight models with the default
checkpoints' configurations: distilbart-cnn-12-6, opus-mt-tc-big-en-hu, opus-mt-en-zh and
opus-mt-tc-big-en-zle; fixed output lengths; 600-900-token English articles). The
models are converted for CTranslate2 once, untimed, then these run one after another, each
timed from process start to exit with the converted models cached:

- one process on one core: ``taskset -c 0 summarize run --threads 1``;
- two processes, one core each: ``taskset -c 0,1 accelerate launch --multi_gpu
  --num_processes 2 -m summarize run --threads 1`` (on a machine without GPUs, ``--multi_gpu``
  starts the processes with torchrun on CPU; accelerate's ``--cpu`` needs MPI for several);
- the machine's ceiling: the same two shares as two independent ``summarize run`` processes
  started together, one pinned to each core, no launcher and no merging. Cores that share
  caches, memory bandwidth or a host make this less than 2x; the launch can only approach it.

It prints each run's wall time, the speed-up of two processes over one, the ceiling, and
whether both runs wrote the same results.jsonl records.

Usage::

    python -m benchmarks.scale_out --quick   # 4 articles into hu
    python -m benchmarks.scale_out           # 16 articles into hu, zh, ru, uk
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import end_to_end


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def records(output: Path) -> dict[str, dict]:
    lines = (output / "results.jsonl").read_text("utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def _independent_halves(job: list[str], work: Path, env: dict[str, str]) -> float:
    """Seconds until both shares are done, run as two unrelated processes, one per core."""
    from summarize.inputs import read_articles
    from summarize.runners.distributed import balance_by_length

    articles = read_articles([work / "articles"]).articles
    commands = []
    for core, share in enumerate(balance_by_length(articles, 2)):
        folder = work / f"share-{core}"
        folder.mkdir()
        for index in share:
            source = Path(articles[index].source)
            shutil.copy(source, folder / source.name)
        output = str(work / f"share-{core}-out")
        commands.append(
            ["taskset", "-c", str(core), sys.executable, *job, str(folder), "-o", output]
        )
    start = time.perf_counter()
    processes = [subprocess.Popen(c, env=env, stderr=subprocess.DEVNULL) for c in commands]
    if any([process.wait() != 0 for process in processes]):  # wait for both, then check
        raise RuntimeError("an independent share failed")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Build, convert once, time one process and two, print the speed-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 articles into hu")
    parser.add_argument("--articles", type=int, help="number of articles (default 16; quick 4)")
    parser.add_argument(
        "--model-dir", type=Path, help="build models here and reuse them (default: temp folder)"
    )
    args = parser.parse_args(argv)
    if (os.cpu_count() or 1) < 2 or not shutil.which("taskset"):
        print("needs 2 cores and taskset (util-linux)", file=sys.stderr)
        return 2
    count = args.articles or (4 if args.quick else 16)
    languages = ("hu",) if args.quick else ("hu", "zh", "ru", "uk")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    with tempfile.TemporaryDirectory(prefix="scale-out-") as temp:
        work = Path(temp)
        root = args.model_dir or work / "models"
        summariser, models = end_to_end.build_models(root, languages)
        end_to_end.write_articles(summariser, work / "articles", count)
        env = end_to_end.child_env(work)
        job = [
            "-m",
            "summarize",
            "run",
            "--languages",
            ",".join(languages),
            "--summary-model",
            str(summariser),
            *[f"--translation-model={code}={path}" for code, path in models.items()],
            "--threads",
            "1",
            "--quiet",
            "--no-cache",
            # Runs of one small corpus's sentences can look like copies: summarise them all.
            "--keep-duplicates",
        ]
        (work / "one").mkdir()
        (work / "one" / "a.txt").write_text("A short text to convert the models with.\n")
        warm = end_to_end.timed(
            "convert", [sys.executable, *job, str(work / "one"), "-o", str(work / "warm")], env
        )
        print(f"models converted in {warm.seconds:.0f} s (untimed below)", flush=True)
        inputs = str(work / "articles")
        single = end_to_end.timed(
            "1 process, 1 core",
            ["taskset", "-c", "0", sys.executable, *job, inputs, "-o", str(work / "single")],
            env,
        )
        print(f"{single.name}: {single.seconds:.1f} s", flush=True)
        double = end_to_end.timed(
            "2 processes, 1 core each",
            [
                "taskset",
                "-c",
                "0,1",
                sys.executable,
                "-m",
                "accelerate.commands.launch",
                "--multi_gpu",
                "--num_processes",
                "2",
                "--num_machines",
                "1",
                "--mixed_precision",
                "no",
                "--dynamo_backend",
                "no",
                "--main_process_port",
                str(free_port()),
                *job,
                inputs,
                "-o",
                str(work / "double"),
            ],
            env,
        )
        print(f"{double.name}: {double.seconds:.1f} s", flush=True)
        ceiling = _independent_halves(job, work, env)
        print(f"ceiling, 2 independent processes: {ceiling:.1f} s", flush=True)
        failed = [run.name for run in (single, double) if run.returncode != 0]
        if failed:
            print(f"failed: {', '.join(failed)}", file=sys.stderr)
            return 1
        same = records(work / "single") == records(work / "double")
        report = json.loads((work / "double" / "run.json").read_text("utf-8"))

    print()
    for process in report.get("processes", []):
        print(
            f"process {process['process']}: {process['articles']} articles, "
            f"{process['characters']} characters, {process['seconds']:.1f} s"
        )
    speed_up, best = single.seconds / double.seconds, single.seconds / ceiling
    print(f"speed-up of 2 processes over 1: {speed_up:.2f}x")
    print(
        f"ceiling of this machine (2 independent processes, same shares): {best:.2f}x; "
        f"the launch reaches {speed_up / best:.0%} of it"
    )
    # CTranslate2's int8 arithmetic depends a little on what else shares a batch, so records
    # may differ in wording between the two runs; the tests compare batches of one exactly.
    print(f"identical results.jsonl records: {'yes' if same else 'no (different batches)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
