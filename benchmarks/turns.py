"""A model held in a child process of its own, running one timed pass whenever asked.

``summarize run`` sets its process up before any model loads (``summarize.engines.allocator``: freed
CPU memory kept for reuse), and a script that calls transformers or CTranslate2 by hand gets
the C library's defaults. Such settings hold for a whole process, so the product and the
scripts it is measured against cannot share one: each side runs here, in a child process set
up as that side's process would be, and the benchmark asks the children for passes in turn.

The parent writes one JSON request line (see :class:`Request`); the child loads the model,
warms it up and answers ``{"load_s": ...}``; then each ``pass`` line gets
``{"seconds": ..., "wrong_lengths": ..., "empty_outputs": ...}`` and ``stop`` gets the
child's memory figures. Anything the libraries print goes to stderr, never into the answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from benchmarks import common

#: The repository root: the child runs as ``python -m benchmarks.turns`` from there.
REPO = Path(__file__).resolve().parents[1]

#: The product, set up as ``summarize run`` sets itself up.
PRODUCT = "product"
#: Raw CTranslate2 as a user writes it, in a process with the defaults.
ANCHOR = "anchor"


@dataclass(frozen=True)
class Request:
    """What the child holds and how it runs it."""

    #: PRODUCT or ANCHOR.
    role: str
    model: str
    texts: list[str]
    device: str
    #: Tokens every output is forced to (outputs of another length are counted).
    new_tokens: int
    #: Whether the texts are long documents (the product's smaller default batch size).
    long_inputs: bool
    #: The product's engine ("ctranslate2" or "transformers"); the anchor is CTranslate2.
    engine: str = "ctranslate2"
    dtype: str = "auto"
    #: torch's intra-op CPU threads (None: torch's default), as ``--threads`` sets them.
    threads: int | None = None
    #: The anchor's (inter_threads, max_batch_size, batch_type).
    setting: tuple[int, int, str] | None = None


@dataclass(frozen=True)
class Pass:
    """One timed pass over all the texts."""

    seconds: float
    #: Outputs whose length differed from the workload's forced length (CTranslate2 only).
    wrong_lengths: int
    #: Outputs that decoded to an empty string (the product only).
    empty_outputs: int


class TurnTaker:
    """The parent's handle on a child: start it with a request, ask for passes, stop it."""

    def __init__(self, request: Request) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.turns"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        # The child runs in the repository root: a relative model path would move.
        self._send(asdict(request) | {"model": str(Path(request.model).resolve())})
        ready = self._receive()
        #: Seconds to load (and, on a first use, convert) the model.
        self.load_s: float = ready["load_s"]
        #: How the child runs the model, for the table ("inter 2 x intra 1", ...).
        self.setting: str = ready["setting"]
        self.dtype: str = ready["dtype"]
        self.batch_size: int = ready["batch_size"]
        #: Whether the child runs with summarize's allocator settings (summarize.engines.allocator).
        self.tuned: bool = ready["tuned"]

    def run_pass(self) -> Pass:
        self._send("pass")
        return Pass(**self._receive())

    def stop(self) -> dict[str, float | None]:
        """End the child; its memory: ``rss_mib``, ``peak_rss_mib``, ``cuda_peak_mib``."""
        self._send("stop")
        figures = self._receive()
        self._child.wait()
        return figures

    def __enter__(self) -> TurnTaker:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child.poll() is None:
            self._child.kill()
            self._child.wait()

    def _send(self, message: Any) -> None:
        assert self._child.stdin is not None
        self._child.stdin.write(json.dumps(message) + "\n")
        self._child.stdin.flush()

    def _receive(self) -> dict[str, Any]:
        assert self._child.stdout is not None
        line = self._child.stdout.readline()
        if not line:
            code = self._child.wait()
            raise RuntimeError(f"the benchmark's child process ended (exit {code}); see above")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer


# --------------------------------------------------------------------------------------------
# The child
# --------------------------------------------------------------------------------------------


def _serve(requests: IO[str], answers: IO[str]) -> None:

    from summarize.engines import allocator
    from summarize.engines import transformers_engine as engine

    request = Request(**json.loads(requests.readline()))
    # What summarize.runners.local.compute does before any model loads; a script does nothing.
    tuned = request.role == PRODUCT and allocator.reuse_freed_memory(request.device)
    engine.set_cpu_threads(request.threads)
    engine.show_library_progress_bars(False)
    common.reset_peak_rss()
    common.reset_cuda_peak(request.device)
    started = time.perf_counter()
    held = _load(request)
    ready = {"load_s": time.perf_counter() - started, "tuned": tuned} | held.describe
    _answer(answers, ready)
    for line in requests:
        if json.loads(line) == "stop":
            break
        held.lengths.clear()
        started = time.perf_counter()
        outputs = held.run()
        common.sync(request.device)
        seconds = time.perf_counter() - started
        wrong = sum(length != request.new_tokens for length in held.lengths)
        empty = sum(not text.strip() for text in outputs)
        _answer(answers, asdict(Pass(seconds, wrong, empty)))
    _answer(
        answers,
        {
            "rss_mib": common.rss_mib(),
            "peak_rss_mib": common.peak_rss_mib(),
            "cuda_peak_mib": common.cuda_peak_mib(request.device),
        },
    )


@dataclass
class _Held:
    """A loaded model: one pass of it, how it runs (for the ready answer), output lengths."""

    run: Callable[[], Sequence[str]]
    describe: dict[str, Any]
    lengths: list[int]


def _load(request: Request) -> _Held:

    from summarize.engines.transformers_engine import default_batch_size

    texts, device = request.texts, request.device
    batch_size = default_batch_size(device, long_inputs=request.long_inputs)
    lengths: list[int] = []
    cores = 1 if device.startswith("cuda") else os.cpu_count() or 1
    if request.role == PRODUCT and request.engine == "transformers":
        from summarize.engines.transformers_engine import TransformersEngine

        model = TransformersEngine(
            request.model, device=device, dtype=request.dtype, batch_size=batch_size
        )
        common.warm_up(model.model, model.tokenizer, device)
        describe = {"setting": "", "dtype": request.dtype, "batch_size": batch_size}
        return _Held(lambda: model.generate(texts), describe, lengths)
    if request.role == PRODUCT:
        from summarize.engines.backends import precision

        product = common.product_engine(
            Path(request.model), device, request.dtype, long_inputs=request.long_inputs
        )
        product.generate(texts[:1])  # warm-up
        product._translator = common.LengthSpy(product._translator, lengths)
        workers = product._translator.num_translators
        setting = (
            f"{workers} worker, batch {batch_size}"
            if device.startswith("cuda")
            else f"inter {workers} x intra {max(1, cores // workers)}"
        )
        dtype = precision("ctranslate2", device, request.dtype)
        describe = {"setting": setting, "dtype": dtype, "batch_size": batch_size}
        return _Held(lambda: product.generate(texts), describe, lengths)
    return _load_anchor(request, lengths, cores)


def _load_anchor(request: Request, lengths: list[int], cores: int) -> _Held:
    import ctranslate2
    from transformers import AutoTokenizer

    from summarize.engines.ctranslate2_engine import compute_type_for

    assert request.setting is not None
    inter, max_batch, batch_type = request.setting
    device = request.device
    compute_type = compute_type_for(device, request.dtype)
    tokenizer = AutoTokenizer.from_pretrained(request.model)
    model_dir, options, prefix = common.product_options(
        Path(request.model), compute_type, tokenizer
    )
    translator = ctranslate2.Translator(
        str(model_dir),
        device="cuda" if device.startswith("cuda") else "cpu",
        device_index=int(device.partition(":")[2] or 0),
        compute_type=compute_type,
        inter_threads=inter,
        intra_threads=0 if device.startswith("cuda") else max(1, cores // inter),
    )
    common.hand_written_ct2(translator, tokenizer, request.texts[:1], options, prefix)

    def run() -> Sequence[str]:
        results = common.hand_written_ct2(
            translator,
            tokenizer,
            request.texts,
            options,
            prefix,
            max_batch_size=max_batch,
            batch_type=batch_type,
        )
        lengths.extend(len(result.hypotheses[0]) for result in results)
        return ["-"] * len(results)  # the texts are decoded (and timed) but not kept

    label = f"inter {inter} x intra {max(1, cores // inter)}, {max_batch} {batch_type}"
    describe = {"setting": label, "dtype": compute_type, "batch_size": max_batch}
    return _Held(run, describe, lengths)


def _answer(answers: IO[str], message: dict[str, Any]) -> None:
    answers.write(json.dumps(message) + "\n")
    answers.flush()


def main() -> int:
    # Answers go to the real stdout; whatever the libraries print goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
    try:
        _serve(sys.stdin, answers)
    except Exception as error:
        _answer(answers, {"error": f"{type(error).__name__}: {error}"})
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
