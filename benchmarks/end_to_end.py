"""``summarize run`` against the naive script, each timed from process start to exit.

Random-weight models with real checkpoints' sizes are built offline (as in
``engine_speed.py``): a distilBART summariser (96 tokens per summary), a Marian base model for
Hungarian and a multi-target Marian base model (``>>cmn_Hans<<``, ``>>rus<<``, ``>>ukr<<``) for
Chinese, Russian and Ukrainian (64 tokens per translation), all with 4 beams and a fixed
output length (``min_new_tokens == max_new_tokens``). 16 English articles of 600-900 tokens are
written to a temp folder, then these run one after another as child processes:

- ``naive``: ``benchmarks/naive_briefing.py``, one article / one summary at a time, float32;
- ``summarize run``, defaults otherwise, with a fresh model cache (so its first run converts
  the models for CTranslate2), and again with the converted models cached.

Each run's wall time (process start to exit), peak resident memory (``wait4``'s
``ru_maxrss``) and the speed-up over the naive script are printed.

Usage::

    python benchmarks/end_to_end.py --quick   # 2 articles into hu and ru
    python benchmarks/end_to_end.py           # 16 articles into hu, zh, ru, uk
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # engine_speed
sys.path.insert(0, str(REPO / "tests"))  # tiny_models

import engine_speed  # noqa: E402

#: Target tokens of the multi-target Marian model (OPUS-MT style).
MULTI_TOKENS = (">>cmn_Hans<<", ">>rus<<", ">>ukr<<")
_MULTI_STAMP = {"family": "marian-multi", "tokens": list(MULTI_TOKENS)}


@dataclass(frozen=True)
class Run:
    """One child process: what ran, for how long, and its peak memory."""

    name: str
    seconds: float
    peak_rss_mib: float
    returncode: int


def build_multi_marian(root: Path) -> Path:
    """A Marian base model translating into zh, ru and uk, selected by a target token."""
    dest = root / "marian-multi"
    stamp = dest / engine_speed._STAMP
    spec = {**engine_speed._spec(engine_speed.MARIAN), **_MULTI_STAMP}
    if stamp.is_file() and json.loads(stamp.read_text()) == spec:
        return dest
    child = multiprocessing.get_context("spawn").Process(target=_build_multi, args=(dest, spec))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"building the multi-target Marian model failed ({child.exitcode})")
    return dest


def _build_multi(dest: Path, spec: dict) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    import tiny_models

    workload = engine_speed.MARIAN
    tiny_models.build_marian(
        dest,
        target_tokens=MULTI_TOKENS,
        max_positions=workload.max_positions,
        new_tokens=workload.new_tokens,
        sizes=workload.sizes,
    )
    engine_speed._finish_model(dest)
    (dest / engine_speed._STAMP).write_text(json.dumps(spec))


def write_articles(summariser: Path, folder: Path, count: int) -> list[int]:
    """``count`` English articles of 600-900 summariser tokens as .txt files; their lengths."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(summariser)
    texts = engine_speed.make_inputs(engine_speed.DISTILBART, tokenizer, count)
    folder.mkdir(parents=True)
    for index, text in enumerate(texts):
        (folder / f"article-{index:02d}.txt").write_text(text + "\n", "utf-8")
    return [len(tokenizer(text)["input_ids"]) for text in texts]


def timed(name: str, command: list[str], env: dict[str, str]) -> Run:
    """Run ``command``; its wall time and its own peak RSS (``wait4``, so per child)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(name, seconds, usage.ru_maxrss / 1024, process.returncode)


def main(argv: list[str] | None = None) -> int:
    """Build, write the articles, run both scripts, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 articles into hu and ru")
    parser.add_argument("--articles", type=int, help="number of articles (default 16; quick 2)")
    parser.add_argument(
        "--model-dir", type=Path, help="build models here and reuse them (default: temp folder)"
    )
    args = parser.parse_args(argv)
    count = args.articles or (2 if args.quick else 16)
    languages = ("hu", "ru") if args.quick else ("hu", "zh", "ru", "uk")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    with tempfile.TemporaryDirectory(prefix="end-to-end-") as temp:
        work = Path(temp)
        root = args.model_dir or work / "models"
        started = time.perf_counter()
        summariser = engine_speed.build_model(engine_speed.DISTILBART, root)
        marian = engine_speed.build_model(engine_speed.MARIAN, root)
        multi = build_multi_marian(root)
        print(f"models ready in {time.perf_counter() - started:.0f} s under {root}", flush=True)
        lengths = write_articles(summariser, work / "articles", count)
        print(
            f"{count} articles of {min(lengths)}-{max(lengths)} tokens -> summaries of "
            f"{engine_speed.DISTILBART.new_tokens} tokens -> {', '.join(languages)} "
            f"({engine_speed.MARIAN.new_tokens} tokens per translated input), beam "
            f"{engine_speed.NUM_BEAMS}",
            flush=True,
        )
        models = {code: marian if code == "hu" else multi for code in languages}
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HF_HOME": str(work / "hf-home"),  # fresh: the first product run converts
            "PYTHONWARNINGS": "ignore",
        }
        naive = timed(
            "naive script",
            [
                sys.executable,
                str(HERE / "naive_briefing.py"),
                str(work / "articles"),
                str(work / "naive-out"),
                "--summary-model",
                str(summariser),
                *[f"--translation-model={code}={path}" for code, path in models.items()],
            ],
            env,
        )
        print(f"naive: {naive.seconds:.1f} s, peak RSS {naive.peak_rss_mib:.0f} MiB", flush=True)
        product_runs = []
        for label in ("summarize run (converts)", "summarize run (converted)"):
            out = work / f"out-{len(product_runs)}"
            product_runs.append(
                timed(
                    label,
                    [
                        sys.executable,
                        "-m",
                        "summarize",
                        "run",
                        str(work / "articles"),
                        "-o",
                        str(out),
                        "--languages",
                        ",".join(languages),
                        "--summary-model",
                        str(summariser),
                        *[f"--translation-model={code}={path}" for code, path in models.items()],
                        "--quiet",
                        "--no-cache",
                    ],
                    env,
                )
            )
            run = product_runs[-1]
            print(f"{label}: {run.seconds:.1f} s, peak RSS {run.peak_rss_mib:.0f} MiB", flush=True)
            failed = _failures(out / "results.jsonl", count)
            if run.returncode != 0 or failed:
                print(f"  ! exit {run.returncode}; {failed}", flush=True)
        naive_failed = _failures(work / "naive-out" / "naive.jsonl", count, key=None)
        if naive.returncode != 0 or naive_failed:
            print(f"  ! naive exit {naive.returncode}; {naive_failed}", flush=True)

    model_mib = max(
        sum(f.stat().st_size for f in path.glob("*.safetensors")) / 2**20
        for path in (summariser, marian, multi)
    )
    print()
    print(f"{'run':<28}{'wall s':>9}{'x naive':>9}{'peak RSS MiB':>14}")
    for run in (naive, *product_runs):
        print(
            f"{run.name:<28}{run.seconds:>9.1f}{naive.seconds / run.seconds:>8.2f}x"
            f"{run.peak_rss_mib:>14.0f}"
        )
    print(
        f"largest model's float32 weights: {model_mib:.0f} MiB. wall s: process start to exit "
        "(load, conversion where it happens, generation, writing); x naive: naive seconds / "
        "these seconds. The product translates summaries sentence by sentence, the naive "
        "script whole summaries (each input gets the same forced output length)."
    )
    return 0


def _failures(path: Path, count: int, key: str | None = "status") -> str:
    """What is wrong with a results file: missing lines or failed articles; '' when none."""
    if not path.is_file():
        return f"no {path.name}"
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    problems = []
    if len(lines) != count:
        problems.append(f"{len(lines)} of {count} results")
    if key is not None:
        bad = [line.get(key) for line in lines if line.get(key) not in ("done", "cached", None)]
        if bad:
            problems.append(f"statuses {sorted(set(map(str, bad)))}")
    return "; ".join(problems)


if __name__ == "__main__":
    sys.exit(main())
