"""``summarize run`` against the naive script, each timed from process start to exit.

Random-weight models with the default checkpoints' configurations are built offline
(``checkpoints.py``): distilbart-cnn-12-6 (96 tokens per summary), opus-mt-tc-big-en-hu,
opus-mt-en-zh and opus-mt-tc-big-en-zle (64 tokens per translation), all with 4 beams and a
fixed output length (``min_new_tokens == max_new_tokens``). 16 English articles of 600-900
tokens are written to a temp folder; a one-article run converts the models for CTranslate2
(timed: what a first run pays); then these run one after another as child processes:

- ``naive``: ``benchmarks/naive_briefing.py``, one article / one summary at a time, float32
  (``--naive-articles N``: on N of the articles, its generation time scaled to all);
- ``summarize run``, defaults otherwise, with the converted models;
- ``raw CTranslate2``: ``benchmarks/raw_ct2_briefing.py``, the same generation work written
  straight against CTranslate2 on the product's converted models (the anchor), with each
  model's best setting where ``speed.py`` measured one.

The last two take turns, ``--pairs N`` times each (default 2; a single pair of one-minute
runs moved by ±10% on the shared 2-core machine), and their medians are compared. Each run's
wall time (process start to exit), peak resident memory (``wait4``'s ``ru_maxrss``), the
speed-up over the naive script and the product's speed against the anchor are printed.
``speed.py`` runs the same after its stage measurements.

Usage::

    python -m benchmarks.end_to_end --quick   # 2 articles into hu and ru
    python -m benchmarks.end_to_end           # 16 articles into hu, zh, ru, uk
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import engine_speed

#: Output language -> the translation workload (and so the model) ``summarize run`` uses
#: for it by default.
TRANSLATORS = {
    "hu": engine_speed.TC_BIG_HU,
    "zh": engine_speed.EN_ZH,
    "ru": engine_speed.TC_BIG_ZLE,
    "uk": engine_speed.TC_BIG_ZLE,
}


@dataclass(frozen=True)
class Run:
    """One child process: what ran, for how long, and its peak memory."""

    name: str
    seconds: float
    peak_rss_mib: float
    returncode: int


def build_models(root: Path, languages: Sequence[str]) -> tuple[Path, dict[str, Path]]:
    """The summariser and each language's translator (built, or reused from ``root``)."""
    summariser = engine_speed.build_model(engine_speed.DISTILBART, root)
    translators = {code: engine_speed.build_model(TRANSLATORS[code], root) for code in languages}
    return summariser, translators


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
    """Run ``command``; its wall time and its own peak RSS (``wait4``, so per child).

    A child that subprocess starts (vfork, then exec) takes this process's high-water mark of
    resident memory into its own peak: after speed.py's stage runs that read 1.8 GB for a
    1.3 GB ``summarize run``. Resetting the mark first leaves the child's peak its own (or
    this process's current RSS, if that were larger).
    """
    engine_speed.reset_peak_rss()
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(name, seconds, usage.ru_maxrss / 1024, process.returncode)


@dataclass(frozen=True)
class EndToEnd:
    """The naive script and ``summarize run`` on the same articles, each start to exit."""

    #: Articles in the job, and how many of them the naive script was timed on.
    count: int
    naive_count: int
    naive: Run
    #: The naive script's own timings (naive_briefing.py --timings).
    naive_timings: dict
    #: Estimated naive seconds for all ``count`` articles (== naive.seconds when it ran them all).
    naive_estimate_s: float
    product: Run
    #: The raw CTranslate2 script, and its own timings (None: ctranslate2 is not installed).
    anchor: Run | None
    anchor_timings: dict
    #: Runs of the product and of the anchor, taken in turn; their medians are above.
    pairs: int
    #: Problems with any run's output ("" when none).
    problems: str
    #: Size of the largest model's float32 weights, in MiB (the memory target's base).
    largest_model_mib: float

    @property
    def naive_generation_s(self) -> float:
        """Seconds the naive script spent generating (the part scaled to all articles)."""
        timings = self.naive_timings
        return timings.get("summarise_s", 0.0) + sum(timings.get("translate_s", {}).values())


def naive_estimate(wall_s: float, timings: dict, sample: int, count: int) -> float:
    """Seconds the naive script would take on ``count`` articles, from a run on ``sample``.

    It handles one article (and one summary per language) at a time with no state between
    them, so its generation time grows in proportion to the articles; start-up and model loads
    happen once. Only the generation time is scaled.
    """
    generation = timings["summarise_s"] + sum(timings["translate_s"].values())
    return wall_s + generation * (count / sample - 1)


def like_for_like_naive_s(result: EndToEnd) -> float | None:
    """The naive estimate, charged for the translation tokens ``summarize`` decodes.

    Every translated input is forced to the same length, and ``summarize`` translates each
    summary sentence by sentence, so it decodes (sentences / summaries) times the naive
    script's translation tokens; with real models the two would decode about as many. This
    charges the naive script for the extra at its own measured speed (per summary, so per
    output token), which flatters it: beam search costs more per token on longer outputs,
    not less (on tc-big-en-hu, beam 4, one 100-token summary: 100 forced output tokens took
    1.59x the time of 64, against 1.56x the tokens). The sentence counts are the raw
    script's (the product's splitter on the same summaries); None without them.
    """
    sentences = result.anchor_timings.get("sentences") or {}
    translate = result.naive_timings.get("translate_s") or {}
    if not translate or set(sentences) != set(translate):
        return None
    scale = result.count / result.naive_count
    extra = sum(
        seconds * scale * (sentences[language] / result.count - 1)
        for language, seconds in translate.items()
    )
    return result.naive_estimate_s + extra


def run_end_to_end(
    summariser: Path,
    translators: dict[str, Path],
    work: Path,
    count: int,
    env: dict[str, str],
    report: Callable[[str], None],
    naive_sample: int | None = None,
    anchor_settings: Mapping[Path, engine_speed.SweepSetting] | None = None,
    pairs: int = 1,
) -> EndToEnd:
    """Write ``count`` articles, then time the naive script (on ``naive_sample`` of them,
    spread over their lengths), then ``summarize run`` and the raw CTranslate2 script (on all
    of them, with ``anchor_settings`` per model) in turn, ``pairs`` times each, as child
    processes translating into each language of ``translators``."""
    lengths = write_articles(summariser, work / "articles", count)
    files = sorted((work / "articles").glob("*.txt"))
    sample = engine_speed.spread_sample([str(f) for f in files], lengths, naive_sample)
    naive_folder = work / "articles"
    if len(sample) < count:
        naive_folder = work / "naive-articles"
        naive_folder.mkdir()
        for name in sample:
            shutil.copy(name, naive_folder / Path(name).name)
    report(
        f"{count} articles of {min(lengths)}-{max(lengths)} tokens -> summaries of "
        f"{engine_speed.DISTILBART.new_tokens} tokens -> {', '.join(translators)} "
        f"({TRANSLATORS[next(iter(translators))].new_tokens} tokens per translated input), beam "
        f"{engine_speed.NUM_BEAMS}"
    )
    model_flags = [f"--translation-model={code}={path}" for code, path in translators.items()]
    timings_file = work / "naive-timings.json"
    naive = timed(
        "naive script",
        [
            sys.executable,
            "-m",
            "benchmarks.naive_briefing",
            str(naive_folder),
            str(work / "naive-out"),
            "--summary-model",
            str(summariser),
            *model_flags,
            "--timings",
            str(timings_file),
        ],
        env,
    )
    timings = json.loads(timings_file.read_text()) if timings_file.is_file() else {}
    estimate = (
        naive_estimate(naive.seconds, timings, len(sample), count) if timings else naive.seconds
    )
    scaled = f", estimated {estimate:.0f} s for all {count}" if len(sample) < count else ""
    report(
        f"naive script on {len(sample)} articles: {naive.seconds:.1f} s{scaled}, peak RSS "
        f"{naive.peak_rss_mib:.0f} MiB"
    )
    out = work / "product-out"
    turns = [("summarize run", product_command(work / "articles", out, summariser, translators))]
    anchor_timings_file = work / "raw-timings.json"
    from summarize.engines.ctranslate2_engine import ctranslate2_available

    if ctranslate2_available():
        settings = [
            f"--setting={path}={inter},{'even' if size is None else size},{batch_type}"
            for path, (inter, size, batch_type) in (anchor_settings or {}).items()
        ]
        turns.append(
            (
                "raw CTranslate2 script",
                [
                    sys.executable,
                    "-m",
                    "benchmarks.raw_ct2_briefing",
                    str(work / "articles"),
                    str(work / "raw-out"),
                    "--summary-model",
                    str(summariser),
                    *model_flags,
                    *settings,
                    "--timings",
                    str(anchor_timings_file),
                ],
            )
        )
    runs: dict[str, list[Run]] = {name: [] for name, _ in turns}
    for index in range(pairs):
        # Who goes first swaps every pair, so a drift in machine speed favours neither.
        for name, command in turns if index % 2 == 0 else turns[::-1]:
            if command is turns[0][1]:
                shutil.rmtree(out, ignore_errors=True)  # the product's output of an earlier turn
            run = timed(name, command, env)
            runs[name].append(run)
            report(f"{name}: {run.seconds:.1f} s, peak RSS {run.peak_rss_mib:.0f} MiB")
    product = typical(runs["summarize run"])
    anchor = typical(runs["raw CTranslate2 script"]) if len(turns) > 1 else None
    anchor_timings = (
        json.loads(anchor_timings_file.read_text()) if anchor_timings_file.is_file() else {}
    )
    if anchor is not None:
        report(f"raw CTranslate2 sentences per language: {anchor_timings.get('sentences', '?')}")
    problems = []
    failed = _failures(out / "results.jsonl", count)
    if product.returncode != 0 or failed:
        problems.append(f"summarize run exit {product.returncode}; {failed}")
    naive_failed = _failures(work / "naive-out" / "naive.jsonl", len(sample), key=None)
    if naive.returncode != 0 or naive_failed:
        problems.append(f"naive exit {naive.returncode}; {naive_failed}")
    if anchor is not None:
        anchor_failed = _failures(work / "raw-out" / "raw.jsonl", count, key=None)
        if anchor.returncode != 0 or anchor_failed:
            problems.append(f"raw CTranslate2 exit {anchor.returncode}; {anchor_failed}")
    return EndToEnd(
        count=count,
        naive_count=len(sample),
        naive=naive,
        naive_timings=timings,
        naive_estimate_s=estimate,
        product=product,
        anchor=anchor,
        anchor_timings=anchor_timings,
        pairs=pairs,
        problems="; ".join(problems),
        largest_model_mib=largest_model_mib([summariser, *translators.values()]),
    )


def typical(runs: Sequence[Run]) -> Run:
    """One run standing for several: their median time, their highest peak memory, and the
    first failure's exit status (0 when all succeeded)."""
    return Run(
        name=runs[0].name,
        seconds=statistics.median(run.seconds for run in runs),
        peak_rss_mib=max(run.peak_rss_mib for run in runs),
        returncode=next((run.returncode for run in runs if run.returncode != 0), 0),
    )


def child_env(work: Path) -> dict[str, str]:
    """Environment of the timed children: offline, quiet, and a model cache in ``work``."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(work / "hf-home"),
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "PYTHONWARNINGS": "ignore",
    }


def largest_model_mib(models: Iterable[Path]) -> float:
    """Size of the largest model's float32 weights, in MiB."""
    return max(sum(f.stat().st_size for f in path.glob("*.safetensors")) / 2**20 for path in models)


def main(argv: list[str] | None = None) -> int:
    """Build, write the articles, run both scripts, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 articles into hu and ru")
    parser.add_argument("--articles", type=int, help="number of articles (default 16; quick 2)")
    parser.add_argument(
        "--naive-articles",
        type=int,
        help="time the naive script on this many of the articles, spread over their lengths, "
        "and scale its generation time to all of them (default: all)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=2,
        help="time summarize run and the raw CTranslate2 script this many times each, taking "
        "turns (default 2; their medians are compared)",
    )
    parser.add_argument(
        "--model-dir", type=Path, help="build models here and reuse them (default: temp folder)"
    )
    args = parser.parse_args(argv)
    count = args.articles or (2 if args.quick else 16)
    languages = ("hu", "ru") if args.quick else ("hu", "zh", "ru", "uk")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def report(line: str) -> None:
        print(line, flush=True)

    with tempfile.TemporaryDirectory(prefix="end-to-end-") as temp:
        work = Path(temp)
        root = args.model_dir or work / "models"
        env = child_env(work)
        started = time.perf_counter()
        summariser, translators = build_models(root, languages)
        report(f"models ready in {time.perf_counter() - started:.0f} s under {root}")
        # The first run of a model converts it for CTranslate2; time the steady state.
        converting = timed(
            "summarize run (converts)", _convert_job(summariser, translators, work), env
        )
        report(f"models converted for CTranslate2 in {converting.seconds:.0f} s (a first run)")
        result = run_end_to_end(
            summariser,
            translators,
            work,
            count,
            env,
            report,
            args.naive_articles,
            pairs=max(1, args.pairs),
        )
    print_result(result, "models already converted")
    return 0


def print_result(result: EndToEnd, conversion: str) -> None:
    """Each run's wall time, speed-ups and peak memory, and how to read them."""
    print()
    print(f"{'end to end':<28}{'wall s':>9}{'x naive':>9}{'x anchor':>10}{'peak RSS MiB':>14}")
    naive_s = result.naive_estimate_s
    runs = [(result.naive, naive_s), (result.product, result.product.seconds)]
    if result.anchor is not None:
        runs.append((result.anchor, result.anchor.seconds))
    for run, seconds in runs:
        versus = (
            f"{result.anchor.seconds / seconds:>9.2f}x"
            if result.anchor is not None
            else f"{'-':>10}"
        )
        print(
            f"{run.name:<28}{seconds:>9.1f}{naive_s / seconds:>8.2f}x{versus}"
            f"{run.peak_rss_mib:>14.0f}"
        )
    if result.problems:
        print(f"! {result.problems}")
    like_for_like = like_for_like_naive_s(result)
    if like_for_like is not None:
        sentences = ", ".join(f"{k} {v}" for k, v in result.anchor_timings["sentences"].items())
        print(
            f"like for like: summarize translated sentences ({sentences}) where the naive "
            f"script translates {result.count} summaries per language, each forced to the same "
            "length. Charged for as many translation tokens at its own speed, the naive script "
            f"would take {like_for_like:.0f} s: {like_for_like / result.product.seconds:.2f}x "
            "summarize run."
        )
    sampled = (
        f" The naive script ran {result.naive_count} of the {result.count} articles; its "
        f"generation time ({result.naive_generation_s:.0f} s) was scaled to all of them."
        if result.naive_count < result.count
        else ""
    )
    print(
        f"largest model's float32 weights: {result.largest_model_mib:.0f} MiB. wall s: process "
        f"start to exit (imports, loads, generation, writing; {conversion}); x naive: naive "
        "seconds / these seconds; x anchor: the raw CTranslate2 script's seconds / these "
        "seconds. The product and the raw script translate summaries sentence by sentence, "
        "the naive script whole summaries, each input to the same forced length, so the "
        "speed-up over the naive script is conservative. The raw script does the product's "
        "generation work and nothing else (no quality checks, no HTML). "
        + (
            f"summarize run and the raw script: medians of {result.pairs} runs each, taken in turn."
            if result.pairs > 1
            else "summarize run and the raw script ran once each: one pair moves by about 10%."
        )
        + sampled
    )


def product_command(
    articles: Path, output: Path, summariser: Path, translators: dict[str, Path]
) -> list[str]:
    """``summarize run`` over ``articles`` into ``output`` with these models, its defaults else."""
    return [
        sys.executable,
        "-m",
        "summarize",
        "run",
        str(articles),
        "-o",
        str(output),
        "--languages",
        ",".join(translators),
        "--summary-model",
        str(summariser),
        *[f"--translation-model={code}={path}" for code, path in translators.items()],
        "--quiet",
        "--no-cache",
        # The articles are runs of one small corpus's sentences, which can look like copies of
        # one story: the comparison needs every one of them summarised, as the scripts do.
        "--keep-duplicates",
    ]


def _convert_job(summariser: Path, translators: dict[str, Path], work: Path) -> list[str]:
    """A one-article ``summarize run`` that converts every model once."""
    folder = work / "convert"
    folder.mkdir()
    (folder / "a.txt").write_text("A short text to convert the models with.\n")
    return product_command(folder, work / "convert-out", summariser, translators)


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
