"""Speed of the product's generation engines against the naive loop a beginner writes.

Random-weight models with the configurations of the default checkpoints (``checkpoints.py``,
``configs/``) are built offline, with a generation config that fixes the output length
(``min_new_tokens == max_new_tokens``) and uses beam search (4 beams), so every variant does
exactly the same work. The variants then run one after another on the same inputs, the
product's in a child process set up as ``summarize run`` sets itself up (``turns.py``), the
others in processes with the defaults a script gets:

- ``naive``: one input at a time, float32, ``tokenizer(text)`` + ``model.generate`` + decode;
- ``transformers``: ``summarize.engines.transformers_engine.TransformersEngine`` as the product
  runs it
  (length-sorted batches, ``inference_mode``, the device's default dtype and batch size), and
  again with the other dtype (bfloat16 on CPU, float32 where bfloat16 is the default);
- ``ctranslate2 (default)``: the product's CTranslate2 engine, converted on first use;
- ``ct2 raw (anchor)``: raw CTranslate2 on the same converted model, best of several settings.

Throughput is output tokens per second, counted as rows x forced new tokens. The ratios to the
naive loop are the result; single times move between runs on shared machines, so nothing here
asserts a time. ``speed.py`` is the one-command benchmark built on these functions.

Usage::

    python -m benchmarks.engine_speed --device cpu --workload tc-big-en-hu --quick
    python -m benchmarks.engine_speed --device cuda --workload all
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

from benchmarks import checkpoints, turns
from benchmarks.common import (
    cuda_peak_mib,
    hand_written_ct2,
    peak_rss_mib,
    product_options,
    reset_cuda_peak,
    reset_peak_rss,
    rss_mib,
    sync,
    warm_up,
)
from summarize.core.options import DTYPE_CHOICES

#: Beam width the naive loop asks for (that of the default checkpoints' generation configs).
NUM_BEAMS = 4
#: Seed of the input texts, so every run and every variant sees the same ones.
_SEED = 2024
#: Row names of the product's CTranslate2 engine and of raw CTranslate2 (the anchor).
NAIVE = "naive: one at a time"
PRODUCT_CT2 = "ctranslate2 (default)"
ANCHOR = "ct2 raw (anchor)"
#: The same two, timed alternately in the head-to-head phase (one pass each in turn).
PRODUCT_H2H = "product, head to head"
ANCHOR_H2H = "anchor, head to head"


@dataclass(frozen=True)
class Workload:
    """One model and its inputs: a default checkpoint's configuration and what is fed to it."""

    #: Name shown in the table and accepted by ``--workload``.
    name: str
    #: The model: a spec in benchmarks/configs/ (the real checkpoint's config.json values).
    model: str
    #: Tokens every output has (min_new_tokens == max_new_tokens).
    new_tokens: int
    #: Inputs in a full run and in a ``--quick`` run.
    count: int
    quick_count: int
    #: Shortest and longest input, in tokens of the model's tokenizer, special tokens included.
    min_tokens: int
    max_tokens: int
    #: Whether inputs are long documents (picks the engine's smaller default batch size).
    long_inputs: bool
    #: Target tokens put before the inputs of a multi-target model, taken in turn
    #: (``>>rus<<``, ``>>ukr<<``, ...); empty for a single-target model.
    target_tokens: tuple[str, ...] = ()

    @property
    def spec(self) -> checkpoints.ModelSpec:
        return checkpoints.load_spec(self.model)

    @property
    def checkpoint(self) -> str:
        return self.spec.checkpoint


def _translation(name: str, model: str, target_tokens: tuple[str, ...] = ()) -> Workload:
    """A translation workload: sentences of 25-40 tokens, each translated to 64 tokens."""
    return Workload(
        name=name,
        model=model,
        new_tokens=64,
        count=40,
        quick_count=8,
        min_tokens=25,
        max_tokens=40,
        long_inputs=False,
        target_tokens=target_tokens,
    )


DISTILBART = Workload(
    name="distilbart",
    model="distilbart-cnn-12-6",
    new_tokens=96,
    count=8,
    quick_count=2,
    min_tokens=600,
    max_tokens=900,
    long_inputs=True,
)
TC_BIG_HU = _translation("tc-big-en-hu", "opus-mt-tc-big-en-hu")
TC_BIG_ZLE = _translation("tc-big-en-zle", "opus-mt-tc-big-en-zle", (">>rus<<", ">>ukr<<"))
EN_ZH = _translation("en-zh", "opus-mt-en-zh", (">>cmn_Hans<<",))

#: NLLB-200 (600M, distilled) into Hungarian: the many-language translator a user may pick
#: instead of the default ones. 32 sentences, as in shared/reference/cpu-measurements.md.
NLLB = dataclasses.replace(_translation("nllb", "nllb-200-distilled-600M"), count=32, quick_count=4)

#: The summariser and the translators the product uses by default (hu; ru and uk; zh).
WORKLOADS: dict[str, Workload] = {w.name: w for w in (DISTILBART, TC_BIG_HU, TC_BIG_ZLE, EN_ZH)}
TRANSLATION_WORKLOADS = (TC_BIG_HU, TC_BIG_ZLE, EN_ZH)
#: Workloads run only when asked for by name (``--workload nllb``, ``speed.py --nllb``).
OPTIONAL_WORKLOADS: dict[str, Workload] = {NLLB.name: NLLB}


#: (inter_threads, max_batch_size, batch_type) of one raw CTranslate2 setting.
AnchorSetting = tuple[int, int, str]
#: The same as swept, max_batch_size None meaning "the inputs shared evenly by the workers".
SweepSetting = tuple[int, int | None, str]


@dataclass(frozen=True)
class Result:
    """One variant's measurements on one workload."""

    workload: str
    variant: str
    #: Weight dtype the model ran in.
    dtype: str
    #: Inputs per generate call.
    batch_size: int
    #: Inputs generated for, and tokens forced per output.
    rows: int
    new_tokens: int
    #: Seconds to load tokenizer and model and move them to the device.
    load_s: float
    #: Seconds of each timed pass over all inputs (warm-up excluded); the first is cold.
    pass_s: tuple[float, ...]
    #: Resident memory after the run, and the process's peak so far, in MiB.
    rss_mib: float | None
    peak_rss_mib: float
    #: True: the peak is this variant's own; False: the process's high-water mark so far.
    peak_rss_is_own: bool
    #: torch.cuda.max_memory_allocated during this variant, in MiB (CUDA only).
    cuda_peak_mib: float | None
    #: Outputs whose length differed from new_tokens (naive only, where ids are seen).
    wrong_lengths: int
    #: Outputs that decoded to an empty string.
    empty_outputs: int
    #: Threads and batching of the run (the anchor's fastest setting); empty where fixed.
    setting: str = ""
    #: The anchor's fastest setting as swept: (inter_threads, max_batch_size or None for
    #: "the inputs shared evenly by the workers", batch_type).
    anchor_setting: SweepSetting | None = None

    @property
    def tokens_per_s(self) -> float:
        """Generated tokens per second in the first pass: rows x forced new tokens / seconds."""
        return self.rows * self.new_tokens / self.pass_s[0]

    @property
    def best_tokens_per_s(self) -> float:
        """Generated tokens per second in the fastest pass."""
        return self.rows * self.new_tokens / min(self.pass_s)

    @property
    def median_tokens_per_s(self) -> float:
        """Generated tokens per second in the median pass."""
        return self.rows * self.new_tokens / statistics.median(self.pass_s)


# --------------------------------------------------------------------------------------------
# Models and inputs
# --------------------------------------------------------------------------------------------


def build_model(workload: Workload, root: Path) -> Path:
    """Build ``workload``'s random-weight model under ``root`` (or reuse a matching build)."""
    return checkpoints.build(workload.spec, root, workload.new_tokens)


def _english_sentences() -> list[str]:
    """The English news sentences of the test corpus (ASCII only)."""
    from tests.support.tiny_models import CORPUS

    return [text for text in CORPUS if text.isascii()]


def make_inputs(workload: Workload, tokenizer: PreTrainedTokenizerBase, count: int) -> list[str]:
    """``count`` deterministic texts of ``min_tokens``..``max_tokens`` tokens each.

    Articles are runs of corpus sentences; short inputs are shuffled corpus words made into one
    sentence. Lengths are spread over the range, in shuffled order, so length sorting matters.
    """
    rng = random.Random(_SEED)
    sentences = _english_sentences()
    words = [word for sentence in sentences for word in sentence.split()]
    # A multi-target model's inputs start with their target token, as the product writes them.
    prefix = ""

    def render(chosen: list[str]) -> str:
        text = " ".join(chosen)
        return prefix + (text if workload.long_inputs else text[:1].upper() + text[1:] + ".")

    def tokens(chosen: list[str]) -> int:
        return len(tokenizer(render(chosen))["input_ids"])

    spread = workload.max_tokens - workload.min_tokens
    targets = [workload.min_tokens + round(spread * i / max(1, count - 1)) for i in range(count)]
    rng.shuffle(targets)
    texts = []
    for index, target in enumerate(targets):
        tokens_in_turn = workload.target_tokens
        prefix = f"{tokens_in_turn[index % len(tokens_in_turn)]} " if tokens_in_turn else ""
        chosen: list[str] = []
        while tokens(chosen) < target:
            if workload.long_inputs:
                chosen.extend(rng.choice(sentences).split())
            else:
                chosen.append(rng.choice(words).strip(".,:;!?\"'()[]"))
        while len(chosen) > 1 and tokens(chosen) > target:
            dropped = chosen.pop()
            if tokens(chosen) < workload.min_tokens:
                chosen.append(dropped)
                break
        texts.append(render(chosen))
    return texts


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def _free(device: str) -> None:
    """Give a dropped model's memory back before the next variant loads."""
    import torch

    gc.collect()
    if device.startswith("cuda"):
        torch.cuda.empty_cache()


def _timed_passes(
    generate: Callable[[], list[str]], device: str, repeats: int
) -> tuple[list[str], tuple[float, ...]]:
    """Run ``generate`` ``repeats`` times; the first pass's outputs and every pass's seconds."""
    seconds = []
    outputs: list[str] = []
    for index in range(repeats):
        start = time.perf_counter()
        result = generate()
        sync(device)
        seconds.append(time.perf_counter() - start)
        if index == 0:
            outputs = result
    return outputs, tuple(seconds)


def run_naive(
    workload: Workload, path: Path, texts: Sequence[str], device: str, repeats: int
) -> Result:
    """What a beginner writes: float32, one text at a time, generate, decode."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    reset_cuda_peak(device)
    peak_is_own = reset_peak_rss()
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path).to(device)
    sync(device)
    load_s = time.perf_counter() - start
    warm_up(model, tokenizer, device)

    lengths: list[int] = []

    def generate() -> list[str]:
        outputs = []
        for text in texts:
            inputs = tokenizer(text, return_tensors="pt", truncation=True).to(device)
            output = model.generate(**inputs, num_beams=NUM_BEAMS)
            outputs.append(tokenizer.decode(output[0], skip_special_tokens=True))
            # The output starts with the decoder start token.
            lengths.append(output.shape[1] - 1)
        return outputs

    outputs, pass_s = _timed_passes(generate, device, repeats)
    result = Result(
        workload=workload.name,
        variant=NAIVE,
        dtype="float32",
        batch_size=1,
        rows=len(texts),
        new_tokens=workload.new_tokens,
        load_s=load_s,
        pass_s=pass_s,
        rss_mib=rss_mib(),
        peak_rss_mib=peak_rss_mib(),
        peak_rss_is_own=peak_is_own,
        cuda_peak_mib=cuda_peak_mib(device),
        wrong_lengths=sum(length != workload.new_tokens for length in lengths[: len(texts)]),
        empty_outputs=sum(not text.strip() for text in outputs),
    )
    return result


def product_turns(
    workload: Workload,
    path: Path,
    texts: Sequence[str],
    device: str,
    engine: str,
    dtype: str,
    threads: int | None = None,
) -> turns.TurnTaker:
    """The product's engine in a child process set up as ``summarize run`` sets itself up."""
    request = _request(turns.PRODUCT, workload, path, texts, device, dtype)
    return turns.TurnTaker(dataclasses.replace(request, engine=engine, threads=threads))


def _request(
    role: str, workload: Workload, path: Path, texts: Sequence[str], device: str, dtype: str
) -> turns.Request:
    """What a child process of ``role`` is to hold for ``workload``'s model and inputs."""
    return turns.Request(
        role=role,
        model=str(path),
        texts=list(texts),
        device=device,
        new_tokens=workload.new_tokens,
        long_inputs=workload.long_inputs,
        dtype=dtype,
    )


def _product_result(
    workload: Workload,
    variant: str,
    child: turns.TurnTaker,
    texts: Sequence[str],
    repeats: int,
) -> Result:
    """``repeats`` passes of the product in ``child``, then stop it: the variant's row."""
    passes = [child.run_pass() for _ in range(repeats)]
    memory = child.stop()
    return Result(
        workload=workload.name,
        variant=variant,
        dtype=child.dtype,
        batch_size=child.batch_size,
        rows=len(texts),
        new_tokens=workload.new_tokens,
        load_s=child.load_s,
        pass_s=tuple(one.seconds for one in passes),
        rss_mib=memory["rss_mib"],
        peak_rss_mib=memory["peak_rss_mib"] or 0.0,
        peak_rss_is_own=True,
        cuda_peak_mib=memory["cuda_peak_mib"],
        wrong_lengths=passes[0].wrong_lengths,
        empty_outputs=passes[0].empty_outputs,
        setting=child.setting,
    )


def run_engine(
    workload: Workload,
    path: Path,
    texts: Sequence[str],
    device: str,
    repeats: int,
    dtype: str,
    label: str,
    threads: int | None = None,
) -> Result:
    """The product's transformers engine, as the pipeline builds it, on all texts in one call."""
    with product_turns(workload, path, texts, device, "transformers", dtype, threads) as child:
        return _product_result(workload, label, child, texts, repeats)


def run_ctranslate2(
    workload: Workload,
    path: Path,
    texts: Sequence[str],
    device: str,
    repeats: int,
    dtype: str = "auto",
) -> Result:
    """The product's default engine: CTranslate2 (int8 on CPU), converted on first use (its
    load time includes the conversion: the first run pays it once)."""
    with product_turns(workload, path, texts, device, "ctranslate2", dtype) as child:
        return _product_result(workload, PRODUCT_CT2, child, texts, repeats)


#: (inter_threads, max_batch_size or None for "half the inputs", batch_type) the anchor tries.
_ANCHOR_SETTINGS: tuple[SweepSetting, ...] = (
    (1, 8, "examples"),
    (1, 16, "examples"),
    (1, 32, "examples"),
    (2, None, "examples"),
    (2, 8, "examples"),
    (2, 16, "examples"),
    (2, 1024, "tokens"),
    (2, 2048, "tokens"),
)
#: The same for long inputs (a handful of articles).
_ANCHOR_SETTINGS_LONG: tuple[SweepSetting, ...] = (
    (1, 4, "examples"),
    (1, 8, "examples"),
    (2, None, "examples"),
    (2, 2, "examples"),
    (2, 4, "examples"),
    (2, 4096, "tokens"),
)
#: Fewer settings, for a run that must stay short: those that won on 2 cores, and one worker
#: with all cores for machines where that wins.
ANCHOR_SETTINGS_SHORT: tuple[SweepSetting, ...] = (
    (1, 32, "examples"),
    (2, None, "examples"),
    (2, 8, "examples"),
)
ANCHOR_SETTINGS_SHORT_LONG: tuple[SweepSetting, ...] = (
    (1, 8, "examples"),
    (2, None, "examples"),
    (2, 4, "examples"),
)
#: On 1-2 cores, only the settings that won there. In every full sweep on the 2-core machine
#: (benchmarks/README.md), 1 worker x 2 threads ran 10-50% slower than 2 x 1; articles in
#: batches of 8 ran 12-16% slower than in batches of 4; sentences went either way between
#: half the inputs per batch and 8.
ANCHOR_SETTINGS_TWO_CORES: tuple[SweepSetting, ...] = ((2, None, "examples"), (2, 8, "examples"))
ANCHOR_SETTINGS_TWO_CORES_LONG: tuple[SweepSetting, ...] = ((2, 4, "examples"),)


def short_anchor_settings(long_inputs: bool, cores: int) -> tuple[SweepSetting, ...]:
    """The anchor's settings for a run that must stay short, on a CPU with ``cores`` cores."""
    if cores <= 2:
        return ANCHOR_SETTINGS_TWO_CORES_LONG if long_inputs else ANCHOR_SETTINGS_TWO_CORES
    return ANCHOR_SETTINGS_SHORT_LONG if long_inputs else ANCHOR_SETTINGS_SHORT


#: On a GPU: one worker, batches of several sizes (None: all inputs in one batch).
_ANCHOR_SETTINGS_CUDA: tuple[SweepSetting, ...] = (
    (1, 16, "examples"),
    (1, 32, "examples"),
    (1, 64, "examples"),
    (1, None, "examples"),
)


def run_ct2_anchor(
    workload: Workload,
    path: Path,
    texts: Sequence[str],
    repeats: int,
    report: Callable[[str], None],
    device: str = "cpu",
    dtype: str = "auto",
    settings: Sequence[SweepSetting] | None = None,
) -> tuple[Result, AnchorSetting]:
    """Raw CTranslate2 on the product's converted model (the product's compute type: int8 on
    CPU, float16 or what ``--dtype`` asks on CUDA), tokenizing and decoding included in the
    time: every setting tried (default: ``_ANCHOR_SETTINGS``), the fastest reported (the
    target to match), and that setting."""
    import ctranslate2
    from transformers import AutoTokenizer

    from summarize.engines.ctranslate2_engine import compute_type_for

    on_cuda = device.startswith("cuda")
    compute_type = compute_type_for(device, dtype)
    # On a GPU, CTranslate2 runs one worker; the "cores" split below applies to CPU only.
    cores = 1 if on_cuda else os.cpu_count() or 1
    peak_is_own = reset_peak_rss()
    reset_cuda_peak(device)
    tokenizer = AutoTokenizer.from_pretrained(path)
    start = time.perf_counter()
    model_dir, options, prefix = product_options(path, compute_type, tokenizer)
    convert_s = time.perf_counter() - start
    source = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(list(texts))["input_ids"]]
    if settings is None:
        settings = (
            _ANCHOR_SETTINGS_CUDA
            if on_cuda
            else _ANCHOR_SETTINGS_LONG
            if workload.long_inputs
            else _ANCHOR_SETTINGS
        )
    #: The fastest so far: (seconds per pass, label, max_batch_size, load seconds, setting).
    best: tuple[tuple[float, ...], str, int, float, SweepSetting] | None = None
    translators: dict[int, Any] = {}
    load_s = {}
    lengths: list[int] = []
    for inter, size, batch_type in settings:
        inter = min(inter, cores)
        if inter not in translators:
            translators.clear()  # one model in memory at a time
            gc.collect()
            started = time.perf_counter()
            translators[inter] = ctranslate2.Translator(
                str(model_dir),
                device="cuda" if on_cuda else "cpu",
                device_index=int(device.partition(":")[2] or 0),
                compute_type=compute_type,
                inter_threads=inter,
                intra_threads=0 if on_cuda else max(1, cores // inter),
            )
            load_s[inter] = time.perf_counter() - started
            hand_written_ct2(translators[inter], tokenizer, texts[:1], options, prefix)  # warm-up
        translator = translators[inter]
        max_batch = size if size is not None else -(-len(source) // inter)
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            results = hand_written_ct2(
                translator,
                tokenizer,
                texts,
                options,
                prefix,
                max_batch_size=max_batch,
                batch_type=batch_type,
            )
            seconds.append(time.perf_counter() - started)
        lengths = [len(result.hypotheses[0]) for result in results]
        label = f"inter {inter} x intra {max(1, cores // inter)}, {max_batch} {batch_type}"
        tok_s = len(texts) * workload.new_tokens / seconds[0]
        report(f"[{workload.name}] anchor {label}: {tok_s:.1f} tok/s ({seconds[0]:.1f} s)")
        if best is None or seconds[0] < best[0][0]:
            best = (tuple(seconds), label, max_batch, load_s[inter], (inter, size, batch_type))
    translators.clear()
    assert best is not None
    report(f"[{workload.name}] anchor best: {best[1]}; product convert/lookup {convert_s:.1f} s")
    result = Result(
        workload=workload.name,
        variant=ANCHOR,
        dtype=compute_type,
        batch_size=best[2],
        rows=len(texts),
        new_tokens=workload.new_tokens,
        load_s=best[3],
        pass_s=best[0],
        rss_mib=rss_mib(),
        peak_rss_mib=peak_rss_mib(),
        peak_rss_is_own=peak_is_own,
        cuda_peak_mib=cuda_peak_mib(device),
        wrong_lengths=sum(length != workload.new_tokens for length in lengths),
        empty_outputs=0,
        setting=best[1],
        anchor_setting=best[4],
    )
    inter, _, batch_type = best[4]
    return result, (inter, best[2], batch_type)


def head_to_head(
    workload: Workload,
    path: Path,
    texts: Sequence[str],
    setting: AnchorSetting,
    passes: int,
    report: Callable[[str], None],
    device: str = "cpu",
    dtype: str = "auto",
) -> tuple[str, tuple[float, ...], tuple[float, ...]]:
    """The product engine and the anchor's best setting, side by side, timed alternately.

    The anchor's own row is the best of a sweep, each setting timed once: noise favours it.
    Here both are loaded at once, each in a child process set up as its side's would be (the
    product as ``summarize run`` sets itself up, the anchor with a script's defaults), and
    take turns for ``passes`` passes each, the first turn swapping every pass, so drifts in
    machine speed hit both alike. Returns a line with each one's median and their ratio, and
    the product's and the anchor's seconds per pass.
    """
    inter, max_batch, batch_type = setting
    anchor_request = dataclasses.replace(
        _request(turns.ANCHOR, workload, path, texts, device, dtype), setting=setting
    )
    with (
        product_turns(workload, path, texts, device, "ctranslate2", dtype) as product,
        turns.TurnTaker(anchor_request) as anchor,
    ):
        product_s: list[float] = []
        anchor_s: list[float] = []
        for index in range(passes):
            # Who goes first swaps every pass, so a drift within a pair favours neither.
            sides = [(product, product_s), (anchor, anchor_s)]
            for side, seconds in sides if index % 2 == 0 else sides[::-1]:
                seconds.append(side.run_pass().seconds)
            report(
                f"[{workload.name}] head to head: product {product_s[-1]:.1f} s, "
                f"anchor {anchor_s[-1]:.1f} s"
            )
        product.stop()
        anchor.stop()
    product_median, anchor_median = statistics.median(product_s), statistics.median(anchor_s)
    line = (
        f"[{workload.name}] head to head, median of {passes} alternating passes: product "
        f"{product_median:.1f} s, anchor (inter {inter}, {max_batch} {batch_type}) "
        f"{anchor_median:.1f} s: product/anchor {anchor_median / product_median:.2f}x"
    )
    return line, tuple(product_s), tuple(anchor_s)


@dataclass(frozen=True)
class Plan:
    """Which variants a workload runs, and how."""

    device: str
    #: Timed passes per variant.
    repeats: int = 1
    #: Skip the two transformers-engine rows.
    skip_transformers: bool = False
    #: Alternating product/anchor passes after the anchor's sweep (CPU only; 0 skips).
    head_to_head_passes: int = 0
    #: The dtype asked of the product's CTranslate2 engine and the anchor ("auto": the
    #: product's default, int8 on CPU and int8_float16 on CUDA).
    ct2_dtype: str = "auto"
    #: The anchor's settings (None: the full sweep for the device).
    anchor_settings: Sequence[SweepSetting] | None = None
    #: Time the naive loop on this many of the inputs, spread over their lengths (None: all).
    #: The loop handles one input at a time, so its tokens per second on a spread sample
    #: estimate those on all inputs; the sample keeps a long benchmark short.
    naive_sample: int | None = None
    #: torch's intra-op CPU threads for the product's transformers engine (None: torch's).
    threads: int | None = None


def spread_sample(texts: Sequence[str], lengths: Sequence[int], size: int | None) -> list[str]:
    """``size`` of ``texts`` spread evenly over their lengths (all of them when ``size`` is None
    or at least their number), in input order."""
    if size is None or size >= len(texts):
        return list(texts)
    by_length = sorted(range(len(texts)), key=lambda index: lengths[index])
    step = len(texts) / size
    chosen = sorted(by_length[int(step * i + step / 2)] for i in range(size))
    return [texts[index] for index in chosen]


def run_workload(
    workload: Workload,
    root: Path,
    count: int,
    plan: Plan,
    report: Callable[[str], None],
) -> list[Result]:
    """Build the model, make the inputs, and run every variant on them in turn."""
    from transformers import AutoTokenizer

    from summarize.engines.transformers_engine import resolve_dtype

    device, repeats = plan.device, plan.repeats
    start = time.perf_counter()
    path = build_model(workload, root)
    report(f"[{workload.name}] model ready in {time.perf_counter() - start:.1f} s: {path}")
    tokenizer = AutoTokenizer.from_pretrained(path)
    texts = make_inputs(workload, tokenizer, count)
    lengths = [len(tokenizer(text)["input_ids"]) for text in texts]
    report(
        f"[{workload.name}] {len(texts)} inputs of {min(lengths)}-{max(lengths)} tokens "
        f"(mean {sum(lengths) / len(lengths):.0f}) -> {workload.new_tokens} tokens each, "
        f"beam {NUM_BEAMS}; random weights, configuration of {workload.checkpoint}"
    )

    default = resolve_dtype("auto", device)
    other = "float32" if default == "bfloat16" else "bfloat16"
    best = repeats > 1
    naive_texts = spread_sample(texts, lengths, plan.naive_sample)
    if len(naive_texts) < len(texts):
        report(f"[{workload.name}] naive loop timed on {len(naive_texts)} of the inputs")
    results = [run_naive(workload, path, naive_texts, device, repeats)]
    # Each variant's model is dropped when its function returns; give its memory back now.
    _free(device)
    report(_row(results[0], results[0], best))
    engine_variants = (
        ()
        if plan.skip_transformers
        else ((default, "transformers"), (other, f"transformers, {other}"))
    )
    for dtype, label in engine_variants:
        results.append(
            run_engine(workload, path, texts, device, repeats, dtype, label, plan.threads)
        )
        _free(device)
        report(_row(results[-1], results[0], best))
    from summarize.engines.ctranslate2_engine import ctranslate2_available

    if not ctranslate2_available():
        report(f"[{workload.name}] ctranslate2 is not installed: no CTranslate2 rows")
        return results
    try:
        results.append(run_ctranslate2(workload, path, texts, device, repeats, plan.ct2_dtype))
    except Exception as error:  # e.g. CUDA libraries CTranslate2 needs are missing
        report(f"[{workload.name}] the product's CTranslate2 engine failed: {error}")
        return results
    _free(device)
    report(_row(results[-1], results[0], best))
    product = results[-1]
    anchor, setting = run_ct2_anchor(
        workload,
        path,
        texts,
        repeats,
        report,
        device=device,
        dtype=plan.ct2_dtype,
        settings=plan.anchor_settings,
    )
    results.append(anchor)
    _free(device)
    report(_row(results[-1], results[0], best))
    report(_anchor_line(product, results[-1]))
    if plan.head_to_head_passes:
        line, product_s, anchor_s = head_to_head(
            workload,
            path,
            texts,
            setting,
            plan.head_to_head_passes,
            report,
            device,
            plan.ct2_dtype,
        )
        report(line)
        results.append(dataclasses.replace(product, variant=PRODUCT_H2H, pass_s=product_s))
        results.append(dataclasses.replace(anchor, variant=ANCHOR_H2H, pass_s=anchor_s))
        _free(device)
    return results


def _anchor_line(product: Result, anchor: Result) -> str:
    """The product's CTranslate2 engine against the raw CTranslate2 anchor."""
    return (
        f"[{product.workload}] product ctranslate2 ({product.setting}) / raw anchor "
        f"({anchor.setting}): {product.tokens_per_s / anchor.tokens_per_s:.2f}x"
    )


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _header(best: bool) -> str:
    """Column titles; ``best`` adds the fastest pass's throughput and ratio."""
    return (
        f"{'workload':<11}{'variant':<22}{'dtype':<10}{'batch':>6}{'rows':>6}{'tok/s':>9}"
        f"{'x naive':>9}{'gen s':>9}"
        + (f"{'best t/s':>10}{'x naive':>9}" if best else "")
        + f"{'load s':>8}{'RSS MiB':>9}{'peak RSS':>10}{'CUDA MiB':>10}"
    )


def _row(result: Result, baseline: Result, best: bool) -> str:
    """One table line; ``baseline`` is the same workload's naive result."""
    cuda = "-" if result.cuda_peak_mib is None else f"{result.cuda_peak_mib:.0f}"
    rss = "-" if result.rss_mib is None else f"{result.rss_mib:.0f}"
    mark = "" if result.peak_rss_is_own else "*"
    line = (
        f"{result.workload:<11}{result.variant:<22}{result.dtype:<10}{result.batch_size:>6}"
        f"{result.rows:>6}{result.tokens_per_s:>9.1f}"
        f"{result.tokens_per_s / baseline.tokens_per_s:>8.2f}x{result.pass_s[0]:>9.1f}"
        + (
            f"{result.best_tokens_per_s:>10.1f}"
            f"{result.best_tokens_per_s / baseline.best_tokens_per_s:>8.2f}x"
            if best
            else ""
        )
        + f"{result.load_s:>8.1f}{rss:>9}{result.peak_rss_mib:>9.0f}{mark:1}{cuda:>10}"
    )
    problems = []
    if result.wrong_lengths:
        problems.append(f"{result.wrong_lengths} outputs not {result.new_tokens} tokens long")
    if result.empty_outputs:
        problems.append(f"{result.empty_outputs} empty outputs")
    return line + (f"  ! {'; '.join(problems)}" if problems else "")


def environment(device: str) -> list[str]:
    """Versions, device and threads, for the head of the report."""
    import torch
    import transformers

    lines = [
        f"python {platform.python_version()}, torch {torch.__version__}, "
        f"transformers {transformers.__version__}",
        f"torch threads: {torch.get_num_threads()} intra-op, {torch.get_num_interop_threads()} "
        f"inter-op; {os.cpu_count()} CPUs visible",
    ]
    if device.startswith("cuda"):
        index = torch.device(device).index or 0
        props = torch.cuda.get_device_properties(index)
        lines.append(
            f"device: {device} = {props.name}, {props.total_memory / 2**30:.0f} GiB, "
            f"CUDA {torch.version.cuda}, bf16 {'yes' if torch.cuda.is_bf16_supported() else 'no'}"
        )
    else:
        lines.append(
            f"device: cpu = {_cpu_name()}, torch CPU capability "
            f"{torch.backends.cpu.get_cpu_capability()}"
        )
    return lines


def _cpu_name() -> str:
    """The CPU's model name (Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_table(results: Sequence[Result], best: bool) -> None:
    """The summary table: every variant, with its ratio to its workload's naive loop."""
    print()
    print(_header(best))
    for result in results:
        baseline = next(r for r in results if r.workload == result.workload and r.variant == NAIVE)
        print(_row(result, baseline, best))
    for result in results:
        if result.variant == ANCHOR:
            product = next(
                r for r in results if r.workload == result.workload and r.variant == PRODUCT_CT2
            )
            print(_anchor_line(product, result))
    print(
        "tok/s: rows x forced new tokens / seconds of the first pass over all inputs (after a "
        "4-token warm-up; load excluded); gen s: those seconds. "
        + (
            "best t/s: the fastest of the passes (later passes reuse per-shape caches such as "
            "cuDNN attention plans). "
            if best
            else ""
        )
        + "x naive: ratio to the naive loop on the same inputs. RSS MiB: resident after the "
        "variant's generation; peak RSS: the variant's peak, load included (getrusage, reset "
        "per variant; * where it could not be reset: the process's peak so far). CUDA MiB: "
        "torch.cuda.max_memory_allocated during the variant."
    )


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def add_ct2_dtype_argument(parser: argparse.ArgumentParser, note: str = "") -> None:
    """``--ct2-dtype``: what the product's CTranslate2 engine and the anchor are asked for."""
    parser.add_argument(
        "--ct2-dtype",
        default="auto",
        choices=DTYPE_CHOICES,
        help="dtype asked of the product's CTranslate2 engine and the anchor (default auto: "
        f"int8 on CPU, int8_float16 on CUDA){note}",
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Naive generate loop vs the summarize engine on random-weight models "
        "with the default checkpoints' configurations. Prints throughput ratios.",
    )
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument(
        "--workload",
        choices=(*WORKLOADS, *OPTIONAL_WORKLOADS, "translation", "all"),
        default="all",
        help="one model, the three translation models, or the four default models (default); "
        "nllb (NLLB-200 600M into Hungarian, about 2.5 GB of weights) runs only when named",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: few inputs (8 sentences, 2 articles)"
    )
    parser.add_argument(
        "--sentences",
        type=int,
        help=f"inputs per translation model (default {TC_BIG_HU.count}; quick "
        f"{TC_BIG_HU.quick_count})",
    )
    parser.add_argument(
        "--articles",
        type=int,
        help=f"distilBART inputs (default {DISTILBART.count}; quick {DISTILBART.quick_count})",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        help="timed passes over the inputs per variant; the first is reported, and the best "
        "too when there are several (default: 1 on cpu, 2 on cuda)",
    )
    parser.add_argument("--threads", type=int, help="torch intra-op CPU threads (default: torch's)")
    parser.add_argument(
        "--no-cudnn-attention",
        action="store_true",
        help="turn off PyTorch's cuDNN attention backend (torch.backends.cuda."
        "enable_cudnn_sdp(False)), to see what its per-shape plan building costs on CUDA",
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        help="build the models here and reuse them on later runs "
        "(default: a temp folder, deleted at the end)",
    )
    parser.add_argument(
        "--no-transformers",
        action="store_true",
        help="skip the transformers engine variants (naive, product CTranslate2 and the raw "
        "CTranslate2 anchor only)",
    )
    parser.add_argument(
        "--head-to-head",
        type=int,
        default=3,
        metavar="N",
        help="on CPU, time the product's CTranslate2 engine and the anchor's best setting "
        "alternately, N passes each, and print their medians (default 3; 0 skips)",
    )
    add_ct2_dtype_argument(parser)
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    for name in ("sentences", "articles", "repeats", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def device_or_none(name: str) -> str | None:
    """The device ``name`` resolves to, or None after saying why it cannot be used."""
    from summarize.core.errors import ConfigError
    from summarize.engines.transformers_engine import resolve_device

    try:
        return resolve_device(name)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def _count(workload: Workload, args: argparse.Namespace) -> int:
    explicit = args.articles if workload is DISTILBART else args.sentences
    if explicit is not None:
        return explicit
    return workload.quick_count if args.quick else workload.count


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the environment, progress and the table."""
    args = parse_args(argv)
    # Nothing here downloads; make sure nothing tries to.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # MarianTokenizer asks for sacremoses when it is missing; that changes nothing timed here.
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")

    from summarize.engines.transformers_engine import set_cpu_threads, show_library_progress_bars

    device = device_or_none(args.device)
    if device is None:
        return 2
    set_cpu_threads(args.threads)
    show_library_progress_bars(False)
    repeats = args.repeats or (2 if device.startswith("cuda") else 1)
    if args.no_cudnn_attention:
        import torch

        torch.backends.cuda.enable_cudnn_sdp(False)

    workloads = {
        "all": list(WORKLOADS.values()),
        "translation": list(TRANSLATION_WORKLOADS),
    }.get(args.workload) or [{**WORKLOADS, **OPTIONAL_WORKLOADS}[args.workload]]
    for line in environment(device):
        print(line)
    if args.no_cudnn_attention:
        print("cuDNN attention backend: off (--no-cudnn-attention)")
    print(f"timed passes per variant: {repeats}")
    if device == "cpu" and not args.quick and DISTILBART in workloads:
        print("note: distilBART on 2 CPU cores takes about 5 minutes of the run")

    def report(line: str) -> None:
        print(line, flush=True)

    plan = Plan(
        device=device,
        repeats=repeats,
        skip_transformers=args.no_transformers,
        head_to_head_passes=args.head_to_head,
        ct2_dtype=args.ct2_dtype,
        threads=args.threads,
    )
    print(_header(repeats > 1))
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="engine-speed-") as temp:
        root = args.model_dir or Path(temp)
        for workload in workloads:
            count = _count(workload, args)
            results += run_workload(workload, root, count, plan, report)
    print_table(results, repeats > 1)
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "environment": environment(device),
                    "results": [
                        {
                            **asdict(r),
                            "tokens_per_s": r.tokens_per_s,
                            "best_tokens_per_s": r.best_tokens_per_s,
                        }
                        for r in results
                    ],
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
