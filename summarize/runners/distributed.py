"""Many processes on one node or several: ``summarize run --processes N`` (one node), or
``accelerate launch -m summarize run ...`` / ``torchrun`` (any number).

Every process reads the same inputs and takes its share of the articles, balanced by length
so each does about the same amount of work. It runs the usual stages on its own device with its
own model copies, then leaves its results in ``OUTPUT/.shards/``. The main process waits for
every share, merges them in input order and renders the briefing, results.jsonl and run.json
once. The output folder must be one every process can reach (on several nodes: a shared
filesystem).

Processes share no data through torch.distributed: a share can take hours longer than another,
which would outlast any collective's timeout, so the main process waits on the files instead.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarize.core.config import RunConfig
from summarize.core.conversion import from_json, to_json
from summarize.core.errors import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    EXIT_WRITE_FAILED,
    ProcessCrashed,
    SummarizeError,
)
from summarize.core.files import write_atomic
from summarize.core.progress import ProgressFactory, silent_progress
from summarize.core.records import Article, LanguageUnavailable
from summarize.engines import collective
from summarize.engines.backends import EngineChoice
from summarize.inputs import ReadResult
from summarize.outputs.writer import RunOutcome, write_outputs
from summarize.runners import transcripts
from summarize.runners.local import Computation, compute, read_inputs
from summarize.stages.work import WorkItem, work_from_record, work_to_record

logger = logging.getLogger(__name__)

SHARDS_FOLDER = ".shards"
#: Seconds between two looks for the other processes' shares.
POLL_SECONDS = 0.5


#: Where launchers say how many processes they started: torchrun (``accelerate launch
#: --multi_gpu``), then MPI (``accelerate launch --cpu --mpirun_hostfile``): Open MPI, MVAPICH,
#: Intel MPI; the same list accelerate reads.
WORLD_SIZE_VARIABLES = ("WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE", "PMI_SIZE")


def launched_with_several_processes() -> bool:
    """Whether a launcher started this as one of several processes."""
    for name in WORLD_SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit():
            return int(value) > 1
    return False


@dataclass(frozen=True)
class ProcessInfo:
    """Where this process stands among the run's processes."""

    index: int
    count: int
    #: Index among the processes on this node (picks its GPU).
    local_index: int
    #: Processes on this node (splits its CPU cores).
    local_count: int
    #: The device accelerate gives this process, e.g. ``cuda:1`` or ``cpu``.
    device: str

    @property
    def is_main(self) -> bool:
        return self.index == 0


def balance_by_length(articles: Sequence[Article], parts: int) -> list[list[int]]:
    """Split article indices into ``parts`` shares of about equal total text length.

    Longest first, each to the lightest share so far (ties: the lowest index); the same input
    gives the same split in every process, with no communication. Indices stay in input order
    within a share.
    """
    shares: list[list[int]] = [[] for _ in range(parts)]
    loads = [(0, part) for part in range(parts)]
    by_length = sorted(range(len(articles)), key=lambda i: (-len(articles[i].text), i))
    for index in by_length:
        load, part = heapq.heappop(loads)
        shares[part].append(index)
        heapq.heappush(loads, (load + len(articles[index].text), part))
    return [sorted(share) for share in shares]


def run(
    config: RunConfig,
    progress: ProgressFactory = silent_progress,
    process: ProcessInfo | None = None,
) -> RunOutcome | None:
    """Run this process's share; the main process then writes every output and returns them.

    Other processes return None once their share is saved.
    """
    process = process or current_process(config.device)
    started = datetime.now(UTC).astimezone()
    clock = time.perf_counter()
    folder = config.output / SHARDS_FOLDER
    _clear_old_shares(folder, process)
    read = _read_once(config, process, folder)
    share = balance_by_length(read.articles, process.count)[process.index]
    local = replace(
        config,
        device=process_device(config, process),
        threads=process_threads(config, process),
        quiet=config.quiet or not process.is_main,  # one set of progress bars
    )
    logger.info(
        "process %d of %d: %d of %d articles on %s",
        process.index + 1,
        process.count,
        len(share),
        len(read.articles),
        local.device,
    )
    computation, failure = None, None
    try:
        articles = [read.articles[i] for i in share]
        computation = compute(local, articles, progress if process.is_main else silent_progress)
    except (SummarizeError, KeyboardInterrupt) as stop:
        # A configuration error or Ctrl-C stops every process alike: exit as a single run does.
        _save_share(folder, process, local.device, share, None, time.perf_counter() - clock, stop)
        raise
    except Exception as error:  # this process alone: the main reports its articles as failed
        logger.error("process %d of %d failed: %s", process.index + 1, process.count, error)
        logger.debug("process %d failed", process.index, exc_info=True)  # --verbose
        failure = error
    # A process exiting non-zero makes the launcher stop the others, the main included, before
    # it has written anything: a failed share is reported through its file instead.
    _save_share(
        folder, process, local.device, share, computation, time.perf_counter() - clock, failure
    )
    if not process.is_main:
        return None
    shares = _wait_for_shares(folder, process.count)
    merged, processes = _merge(read.articles, shares)
    shutil.rmtree(folder, ignore_errors=True)
    return write_outputs(
        merged.results(config.languages),
        read.failures,
        config,
        started,
        time.perf_counter() - clock,
        report_extras={"processes": processes},
        duplicates=read.duplicates,
    )


def launch(config: RunConfig, argv: Sequence[str]) -> int:
    """Run ``summarize argv`` as ``config.processes`` processes on this machine; the exit code.

    The processes start as ``torchrun --standalone`` starts them (torch's elastic launch), and
    report as usual: the main one prints to the terminal as it goes, the run's summary too; the
    others' messages that it did not print follow at the end, once each (see transcripts). A
    run that ends as designed (some articles failed, a configuration error, Ctrl-C) returns its
    exit code and adds nothing: no launcher traceback. A process that crashed raises
    ProcessCrashed, saying what to do next.
    """
    # Each process's share of the cores, as process_threads gives it, for the libraries that read
    # this variable (accelerate warns in every process when it is unset).
    fair_share = max(1, (os.cpu_count() or 1) // config.processes)
    os.environ.setdefault("OMP_NUM_THREADS", str(config.threads or fair_share))
    with tempfile.TemporaryDirectory(prefix="summarize-processes-") as folder:
        # The tool reports process failures itself (--verbose keeps the launcher's logs).
        processes = collective.LocalLaunch(
            config.processes, Path(folder), transcripts.COPY_VARIABLE, quiet=not config.verbose
        )
        try:
            failures = processes.run(sys.executable, ["-m", "summarize", *argv])
        finally:
            # Before the crash report or "interrupted", which say the messages are above.
            unseen = transcripts.unseen_lines(processes.main_copy, processes.stderrs)
            for line in transcripts.format_unseen(unseen, config.processes):
                print(line, file=sys.stderr)
        if failures:
            return launch_exit_code(failures, config.processes)
    return 0


#: Exit codes with which a process ends a run as designed, having printed why: a usage or
#: configuration error, a disk that cannot be written, Ctrl-C; and from the main process only,
#: "some articles failed".
_DESIGNED_EXITS = (EXIT_USAGE, EXIT_WRITE_FAILED, EXIT_INTERRUPTED)


def launch_exit_code(failures: Sequence[tuple[int, int]], count: int) -> int:
    """The exit code of a launch from its failed processes' (rank, exit code), in the order
    they stopped: the first is the cause, the others mostly the launcher stopping the rest.

    Raises ProcessCrashed when the first stopped other than as designed (a signal, an error).
    """
    rank, code = failures[0]
    if code in _DESIGNED_EXITS or (rank, code) == (0, 1):
        return code
    raise ProcessCrashed(_crash_message(rank, count, code))


def _crash_message(rank: int, count: int, code: int) -> str:
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        how = f"was killed by signal {name}"
        hint = " (often: out of memory)" if name == "SIGKILL" else ""
    else:
        how, hint = f"stopped with exit code {code}", ""
    return (
        f"process {rank + 1} of {count} {how}{hint}, so the run wrote no outputs; its messages, "
        "if any, are above. Deal with them and run the same command again (with the cache on, "
        "finished work is not redone)" + ("; or run fewer --processes" if hint else "")
    )


def current_process(device: str = "auto") -> ProcessInfo:
    """This process's place in the run, from accelerate (which reads the launcher's settings)."""
    place = collective.join_group(device)
    local_count = int(os.environ.get("LOCAL_WORLD_SIZE", place.count))
    return ProcessInfo(
        index=place.index,
        count=place.count,
        local_index=place.local_index,
        local_count=local_count,
        device=place.device,
    )


def _clear_old_shares(folder: Path, process: ProcessInfo) -> None:
    """Remove a stopped run's shares before anyone writes this run's: one barrier, at the start."""
    if process.is_main:
        shutil.rmtree(folder, ignore_errors=True)
    wait_for_everyone(process)


#: The main process's reading of the inputs, for the others (see _read_once).
INPUTS_FILE = "inputs.json"


def _read_once(config: RunConfig, process: ProcessInfo, folder: Path) -> ReadResult:
    """The run's inputs as the main process read them.

    Every process must split one list of articles the same way. Read in each process, a feed
    or page fetched a moment apart could differ (an entry added, a page that failed in one
    and not another) and the shares would not add up; and each site would see every request
    once per process. So the main one reads and the others take its articles, waiting for the
    file as they wait for the shares (reading the web can take longer than a barrier waits).
    """
    path = folder / INPUTS_FILE
    if process.is_main:
        read = read_inputs(config)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(to_json(read), ensure_ascii=False))
        return read
    while not path.exists():  # a main that fails to read stops the launch, this one too
        time.sleep(POLL_SECONDS)
    return from_json(ReadResult, json.loads(path.read_text(encoding="utf-8")))


def wait_for_everyone(process: ProcessInfo) -> None:
    """Block until every process gets here."""
    if process.count > 1:
        collective.wait_for_group()


def process_device(config: RunConfig, process: ProcessInfo) -> str:
    """Each process on its own GPU: ``auto`` takes accelerate's, ``cuda`` gets the local index."""
    if config.device == "auto":
        # accelerate names a CPU process's device "cpu:N"; torch has one CPU device.
        return "cpu" if process.device.startswith("cpu") else process.device
    if config.device == "cuda":
        return f"cuda:{process.local_index}"
    return config.device


def process_threads(config: RunConfig, process: ProcessInfo) -> int | None:
    """CPU threads per process: the user's, the launcher's OMP_NUM_THREADS, else a fair share."""
    if config.threads is not None:
        return config.threads
    if os.environ.get("OMP_NUM_THREADS", "").isdigit():
        return int(os.environ["OMP_NUM_THREADS"])
    return max(1, (os.cpu_count() or 1) // process.local_count)


def _share_path(folder: Path, index: int) -> Path:
    return folder / f"process-{index}.json"


def _save_share(
    folder: Path,
    process: ProcessInfo,
    device: str,
    share: Sequence[int],
    computation: Computation | None,
    seconds: float,
    error: BaseException | None,
) -> None:
    """Leave this process's results (or why it failed, and which articles it held) for the main."""
    document: dict[str, Any] = {
        "process": process.index,
        # The device the share ran (or was to run) on, as compute names it: a failed share
        # must not report accelerate's "cpu:0" beside the others' "cpu".
        "device": computation.device if computation else device,
        "articles": list(share),
        "seconds": round(seconds, 3),
        "status": "failed" if error is not None else "finished",
        "error": _describe(error) if error is not None else None,
    }
    if computation is not None:
        document |= {
            "interrupted": computation.interrupted,
            "versions": computation.versions,
            "revisions": computation.revisions,
            "engines": {model: asdict(choice) for model, choice in computation.engines.items()},
            "unavailable": [asdict(entry) for entry in computation.unavailable],
            "work": [work_to_record(item) for item in computation.work],
        }
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(_share_path(folder, process.index), json.dumps(document, ensure_ascii=False))


def _describe(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    if isinstance(error, SummarizeError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _wait_for_shares(folder: Path, count: int) -> list[dict[str, Any]]:
    """Every process's share, once all are saved (a process that dies takes the launch down)."""
    paths = [_share_path(folder, index) for index in range(count)]
    waiting_since = time.perf_counter()
    while not all(path.exists() for path in paths):
        if time.perf_counter() - waiting_since > 60:
            missing = [path.name for path in paths if not path.exists()]
            logger.info("waiting for %s", ", ".join(missing))
            waiting_since = time.perf_counter()
        time.sleep(POLL_SECONDS)
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def _merge(
    articles: Sequence[Article], shares: Sequence[dict[str, Any]]
) -> tuple[Computation, list[dict[str, Any]]]:
    """All shares in input order as one computation, and each process's line for run.json."""
    items: dict[int, WorkItem] = {}
    engines: dict[str, EngineChoice] = {}
    versions: dict[str, str] = {}
    revisions: dict[str, str | None] = {}
    # A language one process could not produce is missing from its articles: the run has none.
    unavailable: dict[str, LanguageUnavailable] = {}
    processes = []
    for share in shares:
        held = share["articles"]
        if share["status"] == "failed":
            # Counted from 1 for people, as the launcher's messages count (run.json keeps
            # each process's 0-based index).
            who = f"process {share['process'] + 1} of {len(shares)}"
            logger.error(
                "%s failed (%s); its %d article(s): %s",
                who,
                share["error"],
                len(held),
                ", ".join(articles[index].source for index in held) or "none",
            )
            for index in held:
                items[index] = WorkItem(
                    article=articles[index],
                    failure=f"{who} failed: {share['error']}",
                )
        else:
            for index, data in zip(held, share["work"], strict=True):
                items[index] = work_from_record(articles[index], data)
            engines |= {model: EngineChoice(**choice) for model, choice in share["engines"].items()}
            versions = versions or share["versions"]
            revisions |= share["revisions"]
            for entry in share.get("unavailable", []):
                unavailable.setdefault(entry["language"], LanguageUnavailable(**entry))
        processes.append(
            {
                "process": share["process"],
                "device": share["device"],
                "status": share["status"],
                "error": share["error"],
                "articles": len(held),
                "characters": sum(len(articles[index].text) for index in held),
                "seconds": share["seconds"],
            }
        )
    devices = sorted({share["device"] for share in shares})
    merged = Computation(
        work=[items[index] for index in range(len(articles))],
        engines=engines,
        device=", ".join(devices),
        interrupted=any(share.get("interrupted") for share in shares),
        versions=versions,
        revisions=revisions,
        unavailable=tuple(unavailable.values()),
    )
    return merged, processes
