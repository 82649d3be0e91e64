"""The same stages on a Ray cluster: ``summarize run --ray [ADDRESS]``.

The driver (this process) reads the articles, detects their languages, takes finished work from
the cache and checks every model, exactly as a local run does. The remaining work then flows
through a Ray Data pipeline: translate non-English articles into English -> summarise ->
translate per model. Each stage is a pool of actors that load their model once (up to one
actor per GPU, or per CPU slot of ``--threads`` cores) and run the same stage objects as a
local run (summarize.stages) on batches of articles; stages run one after another, as models
do locally, so each gets the whole cluster. The results come back to the driver stage by
stage: it saves each stage's in its cache as it lands (so Ctrl-C, or a lost cluster, in a
later stage keeps the earlier ones), runs the quality checks and renders the same outputs as a
local run.

Ray is an optional extra (``pip install "summarize[ray]"``). Every node needs this package and
the models (a local folder at the same path, or Hub access).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from summarize.core.config import RunConfig
from summarize.core.conversion import from_json, to_json
from summarize.core.errors import ConfigError
from summarize.core.progress import ProgressFactory, silent_progress
from summarize.core.records import Article, LanguageUnavailable
from summarize.engines import allocator
from summarize.engines.backends import EngineChoice
from summarize.inputs import ReadResult
from summarize.outputs.writer import RunOutcome, write_outputs
from summarize.runners.local import conclude, read_inputs
from summarize.stages.caching import save_finished
from summarize.stages.context import StageContext, make_context
from summarize.stages.loading import LoadFailure, load_or_fail
from summarize.stages.plan import StagePlan
from summarize.stages.preparation import plan_stages, prepare
from summarize.stages.stage import Stage
from summarize.stages.work import WorkItem, work_from_record, work_to_record

logger = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "summarize[ray]"'


def run(config: RunConfig, progress: ProgressFactory = silent_progress) -> RunOutcome:
    """Run the job on the Ray cluster ``config.ray`` and write its outputs here."""
    ray = _import_ray()
    started = datetime.now(UTC).astimezone()
    clock = time.perf_counter()
    started_ray = not ray.is_initialized()
    if started_ray:
        ray.init(
            address=config.ray or None,
            log_to_driver=config.verbose,
            logging_level=logging.DEBUG if config.verbose else logging.WARNING,
        )
    ray.data.DataContext.get_current().enable_progress_bars = not config.quiet
    interrupted = False
    try:
        read = _read(config)
        device, slots, actor_resources = placement(config, ray.cluster_resources())
        context = make_context(config, device, progress)
        work, plan = prepare(config, read.articles, context)
        try:
            _run_stages(
                work,
                plan,
                config,
                device,
                slots,
                actor_resources | actor_start_up(device),
                # The actors keep no cache: the driver saves each stage's work as it lands.
                stage_done=lambda after, before: save_finished(after, before, context),
                fallbacks=context.fallbacks,
                unavailable=context.unavailable,
            )
        except KeyboardInterrupt:
            interrupted = True
            logger.warning("interrupted: writing what is done so far")
    finally:
        if started_ray:
            ray.shutdown()
    # The quality checks run here, on the driver, which has the cache and every article.
    return write_outputs(
        conclude(work, plan, context, interrupted=interrupted).results(config.languages),
        read.failures,
        config,
        started,
        time.perf_counter() - clock,
        report_extras={
            "ray": {"address": config.ray or "default", "actors_per_stage": slots, "device": device}
        },
        duplicates=read.duplicates,
    )


def remote_uri(given: str | Path) -> str | None:
    """The URI an input names for Ray Data to read (``s3://b/k``; also as the path ``s3:/b/k``
    an older caller made of it), else None. http(s) URLs are web inputs, read as a local run
    reads them (pages and feeds)."""
    match = _URI.match(str(given))
    if match is None or len(match[1]) == 1:  # C:/ is a Windows drive, not a scheme
        return None
    scheme, rest = match[1], match[2]
    if scheme.lower() in ("http", "https"):
        return None
    return f"{scheme}:///{rest}" if scheme in ("file", "local") else f"{scheme}://{rest}"


_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/+(.*)$")


def _read(config: RunConfig) -> ReadResult:
    """Read local inputs as a local run does, and URIs (s3://, gs://, ...) through Ray Data.

    Remote files are copied into a temporary folder on the driver and read with the same
    reader, so they get the same ids; their sources name the URIs.
    """
    uris = [uri for uri in map(remote_uri, config.inputs) if uri is not None]
    if not uris:
        return read_inputs(config)
    import ray.data  # optional (summarize[ray]); checked by _import_ray

    local = [path for path in config.inputs if remote_uri(path) is None]
    with tempfile.TemporaryDirectory(prefix="summarize-ray-") as temp:
        copies: dict[str, str] = {}  # temporary file -> its URI
        roots = []
        for number, uri in enumerate(uris):
            root = Path(temp) / str(number)
            root.mkdir()
            rows = ray.data.read_binary_files(uri, include_paths=True).take_all()
            for row in rows:
                relative = relative_path(uri, row["path"])
                # The URI named one file: keep its name, so its suffix picks the format.
                copy = root / (relative or PurePosixPath(row["path"]).name)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(row["bytes"])
                copies[str(copy)] = f"{uri.rstrip('/')}/{relative}" if relative else uri
                if not relative:
                    root = copy
            roots.append(root)
        read = read_inputs(replace(config, inputs=(*local, *map(str, roots))))
    return ReadResult(
        articles=tuple(replace(a, source=_uri_source(a.source, copies)) for a in read.articles),
        failures=tuple(replace(f, source=_uri_source(f.source, copies)) for f in read.failures),
        duplicates=tuple(replace(d, source=_uri_source(d.source, copies)) for d in read.duplicates),
    )


def relative_path(uri: str, path: str) -> str:
    """A file's path below the input URI ('' when the URI is that file)."""
    parts = urlsplit(uri)
    root = parts.path if parts.scheme in ("file", "local") else parts.netloc + parts.path
    return path.removeprefix(root.rstrip("/")).lstrip("/")


def _uri_source(source: str, copies: dict[str, str]) -> str:
    """A temporary copy's path (with ``:line`` for JSONL) as its URI."""
    for copy, uri in copies.items():
        if source == copy or source.startswith(copy + ":"):
            return uri + source[len(copy) :]
    return source


def _import_ray() -> Any:
    try:
        import ray  # optional (summarize[ray])
        import ray.data
    except ImportError:
        raise ConfigError(f"--ray needs Ray Data, which is not installed: {INSTALL_HINT}") from None
    return ray


def placement(config: RunConfig, resources: dict[str, float]) -> tuple[str, int, dict[str, float]]:
    """The actors' device, how many a stage may run at once, and what each reserves."""
    gpus = int(resources.get("GPU", 0))
    if config.device.startswith("cuda") or (config.device == "auto" and gpus):
        if not gpus:
            raise ConfigError(f"--device {config.device}: the Ray cluster has no GPU")
        # Ray sets each actor's CUDA_VISIBLE_DEVICES to its own GPU, which it sees as cuda:0.
        return "cuda", gpus, {"num_gpus": 1}
    threads = config.threads or 1
    slots = max(1, int(resources.get("CPU", 1)) // threads)
    return "cpu", slots, {"num_cpus": threads}


def actor_start_up(device: str) -> dict[str, Any]:
    """Ray options that start each actor's process with summarize's allocator settings.

    Set in the actor's ``__init__`` they come too late: Ray's own threads have made glibc
    arenas by then, and the model's threads would take theirs (summarize.engines.allocator).
    """
    environment = allocator.environment_for_workers(device)
    return {"runtime_env": {"env_vars": environment}} if environment else {}


def _run_stages(
    work: list[WorkItem],
    plan: StagePlan,
    config: RunConfig,
    device: str,
    slots: int,
    resources: dict[str, float],
    stage_done: Callable[[list[WorkItem], list[WorkItem]], None],
    fallbacks: dict[str, EngineChoice],
    unavailable: dict[str, LanguageUnavailable],
) -> None:
    """Send the unfinished articles through one actor pool per model, updating ``work``.

    After each stage the driver takes its results into ``work`` (by index) and calls
    ``stage_done`` with the articles after and before the stage, so a run stopped in a later
    stage keeps what the earlier ones finished. A model that fails to load in an actor fails
    the articles that needed it, or makes its languages unavailable (into ``unavailable``), as
    in a local run; the driver logs why, once. A model an actor ran with transformers because
    its conversion failed goes into ``fallbacks``.
    """
    import ray.data  # optional (summarize[ray]); checked by _import_ray

    pending = [index for index, item in enumerate(work) if _unfinished(item, config)]
    if not pending:
        return
    rows = [{"row": encode_row(index, work[index])} for index in pending]
    dataset = ray.data.from_items(rows)
    for stage in plan_stages(plan):
        dataset = dataset.map_batches(
            StageActor,
            fn_constructor_kwargs={"config": config, "device": device, "stage": stage},
            batch_size=stage.wave_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=slots),
            **resources,
        ).materialize()  # one stage (one model) at a time, with every slot of the cluster
        before = list(work)
        take_results(dataset.iter_rows(), work, fallbacks, unavailable)
        stage_done(work, before)


def take_results(
    rows: Iterable[Mapping[str, Any]],
    work: list[WorkItem],
    fallbacks: dict[str, EngineChoice],
    unavailable: dict[str, LanguageUnavailable] | None = None,
) -> None:
    """Take one stage's rows from its actors into ``work``, ``fallbacks`` and ``unavailable``
    (the languages an actor could not produce); say once, here on the driver, what went wrong
    or changed in them (their logs reach here only with --verbose)."""
    load_errors: set[str] = set()
    for row in rows:
        index, item = decode_row(str(row["row"]))
        work[index] = item
        if row["load_error"]:
            load_errors.add(str(row["load_error"]))
        for model, choice in json.loads(str(row["fallbacks"])).items():
            if model not in fallbacks:
                fallbacks[model] = EngineChoice(**choice)
                logger.warning("running %s with transformers: %s", model, choice["fallback_reason"])
        for entry in json.loads(str(row["unavailable"])):
            if unavailable is not None:
                unavailable.setdefault(entry["language"], LanguageUnavailable(**entry))
    for message in sorted(load_errors):
        logger.error("%s", message)


def _unfinished(item: WorkItem, config: RunConfig) -> bool:
    return item.status(config.languages) == "skipped"


def encode_row(index: int, item: WorkItem) -> str:
    """One row of the dataset: the article and its progress, as JSON text."""
    return json.dumps(
        {"index": index, "article": to_json(item.article), "work": work_to_record(item)},
        ensure_ascii=False,
    )


def decode_row(row: str) -> tuple[int, WorkItem]:
    """The index and article of a row that encode_row wrote."""
    data = json.loads(row)
    article = from_json(Article, data["article"])
    return data["index"], work_from_record(article, data["work"])


class StageActor:
    """A Ray Data actor: one stage with its model, loaded once, applied to batch after batch.

    A model that fails to load does not stop the pipeline (Ray would end the whole run): the
    actor fails the articles that needed it (or makes a translation model's languages
    unavailable), and every row it returns says why.
    """

    def __init__(self, config: RunConfig, device: str, stage: Stage) -> None:
        from summarize.engines import transformers_engine as engine  # torch: on workers only

        engine.set_cpu_threads((config.threads or 1) if device == "cpu" else config.threads)
        engine.show_library_progress_bars(False)
        # The driver saves finished work in its cache: nodes may not share its filesystem.
        self.context: StageContext = make_context(
            replace(config, no_cache=True, quiet=True), device, silent_progress
        )
        self.stage = stage
        self.model = load_or_fail(stage, self.context)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy  # Ray's batch format; loads on the workers only

        rows = [decode_row(str(row)) for row in batch["row"]]
        items = [item for _, item in rows]
        if isinstance(self.model, LoadFailure):
            self.model.settle(self.stage, self.stage.waiting(items), self.context)
        else:
            for wave in self.stage.waves(items):
                self.stage.run_wave(wave, self.model, self.context, _NO_BAR)
        encoded = [encode_row(index, item) for index, item in rows]
        # Why the model failed to load, in full, for the driver to say once.
        load_error = self.model.message if isinstance(self.model, LoadFailure) else ""
        # A model that fell back to transformers when it loaded here, for the driver's run.json.
        fallbacks = json.dumps({m: asdict(c) for m, c in self.context.fallbacks.items()})
        # Languages this actor could not produce: the driver's run has none of them.
        unavailable = json.dumps([asdict(entry) for entry in self.context.unavailable.values()])
        return {
            "row": numpy.array(encoded, dtype=object),
            "load_error": numpy.array([load_error] * len(encoded), dtype=object),
            "fallbacks": numpy.array([fallbacks] * len(encoded), dtype=object),
            "unavailable": numpy.array([unavailable] * len(encoded), dtype=object),
        }


_NO_BAR = silent_progress("", 0)
