"""Several processes (accelerate launch): balanced shares, one merged output, failures reported."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import SEED
from support.cli import tiny_model_flags
from support.configs import marian_config
from support.damage import swap_a_weight_shape
from support.feeds import rss_feed
from support.wire import ECB_INVESTING, QUAKE_CHILE_AP, WILDFIRE_AP

from summarize.core.records import Article
from summarize.runners import distributed
from summarize.runners.distributed import ProcessInfo, balance_by_length


def article(number: int, length: int) -> Article:
    return Article(
        id=str(number), slug=str(number), title="t", text="x" * length, source=f"{number}.txt"
    )


def test_shares_are_balanced_by_length_not_count() -> None:
    articles = [article(0, 900), *(article(i, 100) for i in range(1, 10))]
    shares = balance_by_length(articles, 2)
    assert sorted(i for share in shares for i in share) == list(range(10))
    loads = [sum(len(articles[i].text) for i in share) for share in shares]
    assert loads == [900, 900]  # one long article weighs as much as nine short ones
    assert shares[0] == [0] and all(share == sorted(share) for share in shares)
    assert balance_by_length(articles, 2) == shares  # every process computes the same split


def test_more_processes_than_articles_leaves_some_idle() -> None:
    shares = balance_by_length([article(0, 10), article(1, 20)], 3)
    assert sorted(map(len, shares)) == [0, 1, 1]
    assert balance_by_length([article(0, 10)], 1) == [[0]]


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    seed = SEED.read_text("utf-8")
    for number in range(5):
        # Lengths differ, so a balanced split is not a split by count; each a different part of
        # the seed, so no two are copies of one story (a run would merge them).
        start = sum(200 + 100 * n for n in range(number))
        text = f"Story {number}.\n\n" + seed[start : start + 200 + 100 * number]
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    return folder


def records(output: Path) -> dict[str, dict]:
    lines = (output / "results.jsonl").read_text("utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_accelerate_launch_two_processes_equals_one_process(tiny_models, news, tmp_path) -> None:
    from summarize.runners.local import run

    # Batches of one: every article then meets the same arithmetic however articles are shared
    # out, so the two runs' outputs can be compared exactly.
    single = replace(marian_config(tiny_models, (news,), tmp_path / "single"), batch_size=1)
    run(single)

    command = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        # accelerate's --cpu starts several processes only through MPI (--mpirun_hostfile);
        # --multi_gpu starts them with torchrun, which on a machine without GPUs runs on CPU (gloo).
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
        "-m",
        "summarize",
        "run",
        str(news),
        "-o",
        str(tmp_path / "multi"),
        "--device",
        "cpu",
        "--engine",
        "transformers",
        "--batch-size",
        "1",
        *tiny_model_flags(tiny_models),
    ]
    done = subprocess.run(
        command, cwd=tmp_path, env=os.environ.copy(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]

    multi = tmp_path / "multi"
    expected, got = records(single.output), records(multi)
    assert set(got) == set(expected) and len(got) == 5
    assert got == expected
    report = json.loads((multi / "run.json").read_text("utf-8"))
    assert report["done"] == 5 and report["failed"] == 0
    processes = report["processes"]
    assert [p["process"] for p in processes] == [0, 1]
    assert all(p["status"] == "finished" and p["articles"] >= 1 for p in processes)
    assert sum(p["articles"] for p in processes) == 5
    assert all(p["seconds"] > 0 for p in processes)
    # Rendered once, by the main process, from everyone's results; no shares left behind.
    assert sorted(path.name for path in multi.glob("?.html")) == [f"{n}.html" for n in range(5)]
    assert (multi / "index.html").is_file() and (multi / "briefing.hu.html").is_file()
    assert not (multi / ".shards").exists()


def run_two_processes(config, monkeypatch) -> list:
    """Run both processes of a two-process run as threads of this one; return their outcomes."""
    barrier = threading.Barrier(2, timeout=60)
    monkeypatch.setattr(distributed, "wait_for_everyone", lambda process: barrier.wait())
    outcomes: list = [None, None]
    errors: list[BaseException] = []

    def process(index: int) -> None:
        # accelerate names a CPU process's device "cpu:N" (N its index), as here.
        info = ProcessInfo(
            index=index, count=2, local_index=index, local_count=2, device=f"cpu:{index}"
        )
        try:
            outcomes[index] = distributed.run(config, process=info)
        except BaseException as error:  # surfaced by the test below
            errors.append(error)

    threads = [threading.Thread(target=process, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not errors, errors
    return outcomes


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_a_failing_process_reports_the_articles_it_held(
    tiny_models, news, tmp_path, monkeypatch, engine
) -> None:
    config = replace(marian_config(tiny_models, (news,), tmp_path / "out"), engine=engine)
    original = distributed.compute

    def compute(config, articles, progress):
        if any(article.source.endswith("4.txt") for article in articles):  # process 0 has it
            raise RuntimeError("CUDA error: an illegal memory access was encountered")
        return original(config, articles, progress)

    monkeypatch.setattr(distributed, "compute", compute)
    main, other = run_two_processes(config, monkeypatch)

    assert other is None  # only the main process writes outputs
    report = main.report
    failed = {item["source"] for item in report["items"] if item["status"] == "failed"}
    first, second = report["processes"]
    assert first["status"] == "failed" and "illegal memory access" in first["error"]
    assert second["status"] == "finished" and second["error"] is None
    assert any(source.endswith("4.txt") for source in failed)
    assert len(failed) == first["articles"] and first["articles"] + second["articles"] == 5
    reasons = {item["reason"] for item in report["items"] if item["status"] == "failed"}
    assert reasons == {
        "process 1 of 2 failed: RuntimeError: CUDA error: an illegal memory access was encountered"
    }
    assert report["done"] == second["articles"] and report["failed"] == len(failed)
    assert len(records(config.output)) == second["articles"]
    # The failed share names its device as the finished one does (not accelerate's "cpu:0"),
    # which the precision shown for CTranslate2 depends on.
    assert report["device"] == "cpu" and {first["device"], second["device"]} == {"cpu"}


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, False),
        ({"WORLD_SIZE": "1"}, False),
        ({"WORLD_SIZE": "2"}, True),  # torchrun: accelerate launch --multi_gpu
        ({"OMPI_COMM_WORLD_SIZE": "4"}, True),  # Open MPI: accelerate launch --cpu --mpirun_...
        ({"PMI_SIZE": "2"}, True),  # Intel MPI
    ],
)
def test_several_processes_are_recognised_by_the_launchers_variables(
    variables, expected, monkeypatch
) -> None:
    for name in distributed.WORLD_SIZE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert distributed.launched_with_several_processes() is expected


def test_each_process_gets_its_gpu_and_a_fair_share_of_cores(tmp_path, monkeypatch) -> None:
    from summarize.core.config import RunConfig

    second = ProcessInfo(index=1, count=4, local_index=1, local_count=2, device="cuda:1")
    config = RunConfig(inputs=(tmp_path,), output=tmp_path)
    assert distributed.process_device(config, second) == "cuda:1"  # auto: accelerate's choice
    assert distributed.process_device(replace(config, device="cuda"), second) == "cuda:1"
    assert distributed.process_device(replace(config, device="cpu"), second) == "cpu"
    on_cpu = replace(second, device="cpu:1")  # accelerate's name for a CPU process's device
    assert distributed.process_device(config, on_cpu) == "cpu"
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert distributed.process_threads(config, second) == 8
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # set by accelerate launch
    assert distributed.process_threads(config, second) == 3
    assert distributed.process_threads(replace(config, threads=5), second) == 5


def summarize_processes(
    tiny_models, news: Path, output: Path, env: dict | None = None, flags: tuple[str, ...] = ()
):
    """``summarize run --processes 2`` on ``news``, through the real command (``flags`` last)."""
    script = Path(sys.executable).parent / "summarize"
    command = [
        str(script),
        "run",
        str(news),
        "-o",
        str(output),
        "--processes",
        "2",
        "--device",
        "cpu",
        "--engine",
        "transformers",
        "--languages",
        "hu",
        *tiny_model_flags(tiny_models, ("hu",)),
        *flags,
    ]
    return subprocess.run(
        command,
        cwd=output.parent,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def rank_hook(folder: Path, code: str) -> dict:
    """The environment that runs ``code`` as the second process starts (a sitecustomize)."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        f"import os, signal, sys\nif os.environ.get('RANK') == '1':\n    {code}\n", "utf-8"
    )
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path}


def test_processes_flag_a_partly_failed_run_shows_only_the_tools_own_messages(
    tiny_models, news, tmp_path
) -> None:
    """Some articles failing is an expected end: exit 1 and the tool's report, once, not the
    launcher's ChildFailedError traceback."""
    (news / "empty.txt").write_text("", "utf-8")  # fails to read; the other five are written
    output = tmp_path / "out"
    done = summarize_processes(tiny_models, news, output)

    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "ChildFailedError" not in done.stderr, done.stderr
    # Nothing but the tool's own lines: no launcher logs, no library warnings per process.
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert all(line.startswith(("summarize: ", "  failed: ")) for line in lines), done.stderr
    assert done.stderr.count("summarize: 5 done, 0 cached, 1 failed") == 1
    assert f"  failed: {news / 'empty.txt'}: " in done.stderr
    report = json.loads((output / "run.json").read_text("utf-8"))
    assert report["done"] == 5 and report["failed"] == 1
    assert [p["process"] for p in report["processes"]] == [0, 1]
    assert len(records(output)) == 5


def test_processes_flag_a_language_whose_model_cannot_load_is_unavailable(
    tiny_models, news, tmp_path
) -> None:
    """As in one process: the articles are published without the language, exit 1."""
    broken = tmp_path / "broken-hu"
    shutil.copytree(tiny_models["marian"], broken)
    swap_a_weight_shape(broken)
    output = tmp_path / "out"
    done = summarize_processes(
        tiny_models, news, output, flags=("--translation-model", f"hu={broken}")
    )

    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("  unavailable: hu: the translation model failed to load") == 1
    report = json.loads((output / "run.json").read_text("utf-8"))
    assert (report["done"], report["failed"]) == (5, 0)
    assert [entry["language"] for entry in report["unavailable"]] == ["hu"]
    assert all(record["translations"] == {} for record in records(output).values())


def test_processes_flag_a_crashed_process_is_reported_in_one_short_message(
    tiny_models, news, tmp_path
) -> None:
    # The second process dies as it starts, as one the kernel kills for memory would.
    env = rank_hook(tmp_path / "hook", "os.kill(os.getpid(), signal.SIGKILL)")
    done = summarize_processes(tiny_models, news, tmp_path / "out", env)

    assert done.returncode == 3, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "ChildFailedError" not in done.stderr, done.stderr
    message = [line for line in done.stderr.splitlines() if line.startswith("summarize: error:")]
    assert len(message) == 1, done.stderr
    assert "process 2 of 2" in message[0] and "SIGKILL" in message[0]
    assert "run the same command again" in message[0]


def test_other_processes_lines_are_shown_once_unless_the_main_one_printed_them(tmp_path) -> None:
    from summarize.runners import transcripts

    main, second, third = (tmp_path / name for name in ("0", "1", "2"))
    main.write_text("summarize: WARNING: shared\r\nbar 10%\rbar 100%\n", "utf-8")
    second.write_text("summarize: WARNING: shared\nsummarize: error: mine\n\nboth\n", "utf-8")
    third.write_text("both\nTraceback (most recent call last):\n  File x\n", "utf-8")
    missing = tmp_path / "never-written"  # a process that died before it printed anything

    unseen = transcripts.unseen_lines(main, {2: third, 1: second, 3: missing})
    assert unseen == {
        "summarize: error: mine": [1],
        "both": [1, 2],
        "Traceback (most recent call last):": [2],
        "  File x": [2],
    }
    assert transcripts.format_unseen(unseen, 4) == [
        "summarize: process 2 of 4: error: mine",
        "summarize: processes 2, 3 of 4: both",
        "summarize: process 3 of 4: Traceback (most recent call last):",
        "summarize: process 3 of 4:   File x",
    ]
    # The main process died before it printed: everything the others said is shown.
    assert transcripts.unseen_lines(missing, {1: second})["summarize: WARNING: shared"] == [1]


def test_the_main_process_copy_of_stderr_leaves_the_terminal_as_it_was(
    tmp_path, monkeypatch
) -> None:
    import io

    from summarize.runners import transcripts

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, copy = Terminal(), tmp_path / "copy.log"
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv(transcripts.COPY_VARIABLE, str(copy))
    transcripts.copy_stderr_if_asked()
    assert transcripts.COPY_VARIABLE not in os.environ  # not passed on to child processes
    print("summarize: WARNING: once", file=sys.stderr)
    assert sys.stderr.isatty()  # progress bars stay on
    assert terminal.getvalue() == "summarize: WARNING: once\n"
    assert copy.read_text("utf-8") == "summarize: WARNING: once\n"  # each line as printed


def test_processes_flag_an_error_every_process_hits_is_printed_once(
    tiny_models, news, tmp_path
) -> None:
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    flags = ("--summary-model", str(not_a_model))
    done = summarize_processes(tiny_models, news, tmp_path / "out", flags=flags)

    assert done.returncode == 2, done.stderr[-3000:]
    # The message has two lines: each once, as a single process prints it.
    assert done.stderr.count(f"could not load the model '{not_a_model}'") == 1, done.stderr
    assert done.stderr.count("Downloads are off here") == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def test_processes_flag_shows_a_shared_warning_once_and_one_process_s_own_message(
    tiny_models, news, tmp_path
) -> None:
    # Every process warns about float16 on CPU; only the second says something of its own.
    env = rank_hook(tmp_path / "hook", "print('GPU 1: ECC errors corrected', file=sys.stderr)")
    output = tmp_path / "out"
    done = summarize_processes(tiny_models, news, output, env, flags=("--dtype", "float16"))

    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert all(line.startswith("summarize: ") for line in lines), done.stderr
    assert done.stderr.count("float16 on CPU is slow") == 1, done.stderr
    assert lines.count("summarize: process 2 of 2: GPU 1: ECC errors corrected") == 1, done.stderr
    assert done.stderr.count("summarize: 5 done, 0 cached, 0 failed") == 1, done.stderr
    assert len(records(output)) == 5


def test_processes_flag_shows_what_a_crashed_process_said_before_naming_it(
    tiny_models, news, tmp_path
) -> None:
    last_words = "print('out of device memory', file=sys.stderr, flush=True); " + (
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    env = rank_hook(tmp_path / "hook", last_words)
    done = summarize_processes(tiny_models, news, tmp_path / "out", env)

    assert done.returncode == 3, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    said = lines.index("summarize: process 2 of 2: out of device memory")
    crashed = [i for i, line in enumerate(lines) if "process 2 of 2 was killed" in line]
    assert crashed and said < crashed[0], done.stderr  # "its messages ... are above"
    assert done.stderr.count("out of device memory") == 1, done.stderr


@pytest.mark.parametrize(
    ("failures", "code"),
    [
        ([(0, 1)], 1),  # the main process reported failed articles
        ([(1, 2), (0, -15)], 2),  # a configuration error; the launcher then stopped the main
        ([(0, 130), (1, 130)], 130),  # Ctrl-C
        ([(1, 4), (0, -15)], 4),  # a disk that cannot be written, reported by process 2
    ],
)
def test_a_launch_that_ends_as_designed_keeps_its_exit_code(failures, code) -> None:
    assert distributed.launch_exit_code(failures, 2) == code


def test_a_crashed_process_is_named_with_what_to_do_next() -> None:
    from summarize.core.errors import ProcessCrashed

    with pytest.raises(ProcessCrashed, match=r"process 2 of 4 was killed by signal SIGKILL") as out:
        distributed.launch_exit_code([(1, -9), (0, -15)], 4)
    assert "out of memory" in str(out.value) and "fewer --processes" in str(out.value)
    assert out.value.exit_code == 3  # a crash, not a partial success
    # Only the main process reports failed articles: exit 1 elsewhere means something else.
    with pytest.raises(ProcessCrashed, match=r"process 2 of 2 stopped with exit code 1") as out:
        distributed.launch_exit_code([(1, 1)], 2)
    assert "run the same command again" in str(out.value)


def test_processes_setting_is_checked() -> None:
    from summarize.core.config import build_run_config
    from summarize.core.errors import ConfigError

    assert build_run_config({}).processes == 1
    assert build_run_config({"processes": 4}).processes == 4
    with pytest.raises(ConfigError, match="at least 1"):
        build_run_config({"processes": 0})
    with pytest.raises(ConfigError, match="use one"):
        build_run_config({"processes": 2, "ray": ""})


@pytest.mark.slow  # two processes with models; CI runs the slow tier
def test_processes_flag_reads_a_feed_once_and_splits_what_the_main_process_read(
    tiny_models, tmp_path, web_server
) -> None:
    """Read in each process, a feed could change between them (the shares would not add up)
    and the site would see every request once per process."""
    copies = [QUAKE_CHILE_AP, ECB_INVESTING, WILDFIRE_AP]
    web_server.route("/feed.xml", body=rss_feed("Wire", copies), content_type="application/rss+xml")
    output = tmp_path / "out"
    done = summarize_processes(tiny_models, web_server.url("/feed.xml"), output)
    assert done.returncode == 0, done.stderr[-3000:]
    assert web_server.hits("/feed.xml") == 1
    titles = sorted(record["title"] for record in records(output).values())
    assert titles == sorted(copy.title for copy in copies)
