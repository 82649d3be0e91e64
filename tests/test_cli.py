"""The real entry points, as a user runs them: exit codes, messages and files."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import run_cli, tiny_model_flags
from support.hub_cache import put_in_hub_cache

REPO = Path(__file__).resolve().parent.parent


def tiny_flags(tiny: dict[str, Path]) -> list[str]:
    return [*tiny_model_flags(tiny), "--device", "cpu"]


def test_help_does_not_import_torch() -> None:
    code = (
        "import sys\nfrom summarize.commands.cli import main\n"
        "try:\n    main(['run', '--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "--translation-model" in result.stdout


def test_installed_command_runs_the_seeds_end_to_end(tiny_models, tmp_path) -> None:
    # Run from a copy of the repository root layout: default input seeds/, output outputs/.
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    result = run_cli(["run", *tiny_flags(tiny_models)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    outputs = tmp_path / "outputs"
    records = [
        json.loads(line) for line in (outputs / "results.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(records) == len(list((tmp_path / "seeds").glob("*.txt")))
    for record in records:
        assert set(record["translations"]) == {"hu", "zh", "ru", "uk"}
        assert (outputs / f"{record['slug']}.html").is_file()
    assert (outputs / "index.html").is_file()


def test_python_m_summarize_reports_failed_inputs_with_exit_1(tiny_models, tmp_path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "good.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    (news / "empty.txt").write_text("", "utf-8")
    result = run_cli(
        ["run", "news", "-o", "out", "--languages", "hu", *tiny_flags(tiny_models)[:4]],
        cwd=tmp_path,
        module=True,
    )
    assert result.returncode == 1, result.stderr
    assert "empty.txt" in result.stderr and "empty file" in result.stderr
    assert (tmp_path / "out" / "good.html").is_file()
    assert "empty.txt" in (tmp_path / "out" / "about.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing-folder"], "input not found: missing-folder"),
        (["run", "--languages", "hu,xx"], "unknown language 'xx'"),
        (
            ["run", "--summary-model", "no-such/model-anywhere"],
            "could not load the model 'no-such/model-anywhere'",
        ),
        (["run", "--device", "cuda:7"], "--device cuda:7"),
        (["run", "--templates", "no-such-templates"], "no-such-templates"),
        # A broken template is found before any model is looked at (none is available here).
        (["run", "--templates", "broken-templates"], "template 'index.html'"),
        (["run", "--languages", "hu,en"], "'en' is English, the summaries' own language"),
    ],
)
def test_usage_and_model_errors_exit_2_without_traceback(tmp_path, args, message) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "broken-templates").mkdir()
    (tmp_path / "broken-templates" / "index.html").write_text("{% if %}", "utf-8")
    result = run_cli(args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists()


def test_no_input_and_no_seeds_folder_says_what_to_pass(tmp_path) -> None:
    result = run_cli(["run"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "input folder seeds/ not found (it is what runs read when no INPUT" in result.stderr
    assert "summarize run news/" in result.stderr


def test_output_folder_that_is_an_input_folder_is_refused(tmp_path) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    result = run_cli(["run", "seeds", "-o", "./seeds"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "seeds is both an input folder and the output folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(path.name for path in (tmp_path / "seeds").iterdir()) == sorted(
        path.name for path in (REPO / "seeds").iterdir()
    )


def test_unknown_config_key_exits_2_listing_valid_keys(tmp_path) -> None:
    (tmp_path / "summarize.toml").write_text('summary_modle = "x"\n', "utf-8")
    result = run_cli(["run", "--config", "summarize.toml"], cwd=tmp_path)
    assert result.returncode == 2
    assert "summary_modle" in result.stderr and "summary_model" in result.stderr


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("run", b"languages = 5\n", "'languages' must be a list of language codes"),
        ("run", b'summary_model = "caf\xe9"\n', "is not UTF-8 text"),
        ("list", b"languages = 5\n", "'languages' must be a list of language codes"),
        ("run", b'languages = ["en"]\n', "drop en from --languages (or from languages in"),
    ],
)
def test_config_file_mistakes_exit_2_naming_the_file(tmp_path, command, content, message) -> None:
    (tmp_path / "summarize.toml").write_bytes(content)
    args = ["models", "list"] if command == "list" else ["run"]
    result = run_cli([*args, "--config", "summarize.toml"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("summarize: error: ") and "summarize.toml" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_config_folder_instead_of_file_exits_2(tmp_path) -> None:
    (tmp_path / "conf").mkdir()
    result = run_cli(["run", "--config", "conf"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "config file conf is a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_file_model_folders_are_relative_to_the_file(tiny_models, tmp_path) -> None:
    (tmp_path / "project" / "conf").mkdir(parents=True)
    (tmp_path / "project" / "models").symlink_to(tiny_models["bart"].parent)
    (tmp_path / "project" / "conf" / "summarize.toml").write_text(
        'languages = ["hu"]\nsource_language = "en"\nsummary_model = "../models/bart"\n'
        '[translation_models]\nhu = "../models/marian"\n',
        "utf-8",
    )
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    result = run_cli(
        ["models", "list", "--config", "../../project/conf/summarize.toml"], cwd=elsewhere
    )
    assert result.returncode == 0, result.stderr
    summary, translation = result.stdout.splitlines()[1:]
    assert summary.startswith("summary") and "project/conf/../models/bart " in summary
    assert translation.startswith("translation") and "project/conf/../models/marian " in translation
    assert " yes " in summary and " yes " in translation  # found: local folders


@pytest.mark.parametrize(
    "args",
    [["run", "missing-folder"], ["models", "list", "--models-dir", "missing-folder"]],
)
def test_verbose_in_the_config_file_shows_debug_logs_and_tracebacks(tmp_path, args) -> None:
    (tmp_path / "summarize.toml").write_text("verbose = true\n", "utf-8")
    quiet = run_cli(args, cwd=tmp_path)
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr
    result = run_cli([*args, "--config", "summarize.toml"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "missing-folder" in result.stderr
    assert "DEBUG: stopped by an expected error" in result.stderr and "Traceback" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "afile"], "--output afile: afile is a file, not a folder"),
        (["-o", "afile", "--no-cache"], "--output afile: afile is a file, not a folder"),
        (["-o", "afile/briefings"], "--output afile/briefings: afile is a file, not a folder"),
        (["-o", "new/out", "--cache-dir", "afile"], "--cache-dir afile: afile is a file"),
        (["-o", "new/out", "--models-dir", "afile"], "--models-dir afile is a file, not a folder"),
        pytest.param(
            ["-o", "/proc/no-such-folder", "--no-cache"],
            "--output /proc/no-such-folder: cannot create it or write in it",
            marks=pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux's /proc"),
        ),
    ],
)
def test_unusable_output_cache_or_models_folder_exits_2_before_any_work(
    tmp_path, args, message
) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "afile").write_text("hi\n", "utf-8")
    result = run_cli(["run", *args], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "afile").read_text("utf-8") == "hi\n"
    # The check made no folder it then left behind.
    assert not (tmp_path / "new").exists() and not (tmp_path / "outputs").exists()


def test_template_saved_as_latin1_exits_2_naming_it(tmp_path) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "latin1").mkdir()
    (tmp_path / "latin1" / "_run_meta.html").write_bytes("<p>Café</p>".encode("latin-1"))
    result = run_cli(["run", "--templates", "latin1"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "template '_run_meta.html'" in result.stderr and "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists()


class SilentHub:
    """A Hub endpoint on 127.0.0.1 that accepts connections and never answers; counts them."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:  # closed
                return
            self.connections.append(connection)  # held open, unanswered

    def close(self) -> None:
        self._server.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent_hub() -> Iterator[SilentHub]:
    hub = SilentHub()
    yield hub
    hub.close()


def closed_port_endpoint() -> str:
    """An endpoint on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def online_env(endpoint: str) -> dict[str, str]:
    """The tests' environment with downloads switched on, from ``endpoint`` (127.0.0.1) only."""
    env = {
        name: value
        for name, value in os.environ.items()
        # A proxy would take the requests off this machine.
        if name.upper() not in {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}
    }
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("TRANSFORMERS_OFFLINE", None)
    return {**env, "HF_ENDPOINT": endpoint, "HF_HUB_DISABLE_TELEMETRY": "1"}


@pytest.mark.parametrize("hub", ["refuses", "never answers"])
def test_run_that_must_download_says_at_once_that_the_hub_is_unreachable(
    tiny_models, tmp_path, silent_hub, hub
) -> None:
    # Before: huggingface_hub retried for about 25 s (and much longer against a silent server).
    endpoint = closed_port_endpoint() if hub == "refuses" else silent_hub.endpoint
    (tmp_path / "a.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    flags = ["--languages", "hu", "--source-language", "en", "--device", "cpu"]
    flags += ["--summary-model", "no-org/not-cached"]
    flags += ["--translation-model", f"hu={tiny_models['marian']}"]
    # The timeout is a hang guard: without the probe the run retried past it.
    result = run_cli(["run", "a.txt", *flags], cwd=tmp_path, env=online_env(endpoint), timeout=60)
    assert result.returncode == 2, result.stderr
    assert "could not find the model 'no-org/not-cached'" in result.stderr
    assert "run `summarize models pull`" in result.stderr
    assert f"The Hugging Face Hub at {endpoint} could not be reached" in result.stderr
    # The message keeps its own lines (the fix on one, the reason on the next), not "\n".
    assert f"\nThe Hugging Face Hub at {endpoint}" in result.stderr
    assert "\\n" not in result.stderr
    assert ("ConnectError" if hub == "refuses" else "Timeout") in result.stderr
    assert "Traceback" not in result.stderr and "Retrying" not in result.stderr
    assert len(silent_hub.connections) == (0 if hub == "refuses" else 1)  # one probe, no retry
    assert not (tmp_path / "outputs").exists()


def test_run_with_cached_models_and_no_hub_reads_the_cache_at_once(tiny_models, tmp_path) -> None:
    """Models already in the cache, downloads on, and a Hub that refuses: huggingface_hub
    retried every file for minutes before it used the cache."""
    put_in_hub_cache(Path(os.environ["HF_HOME"]) / "hub", "tiny-org/bart", tiny_models["bart"])
    endpoint = closed_port_endpoint()
    (tmp_path / "a.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    flags = ["--languages", "hu", "--source-language", "en", "--device", "cpu"]
    flags += ["--summary-model", "tiny-org/bart"]
    flags += ["--translation-model", f"hu={tiny_models['marian']}"]
    # The timeout is a hang guard: without the probe the run was still retrying past it.
    result = run_cli(
        ["run", "a.txt", "-o", "out", *flags], cwd=tmp_path, env=online_env(endpoint), timeout=90
    )
    assert result.returncode == 0, result.stderr
    assert f"the Hugging Face Hub at {endpoint} could not be reached" in result.stderr
    assert "read from the local cache" in result.stderr
    assert "Retrying" not in result.stderr and "Traceback" not in result.stderr
    report = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert report["done"] == 1


def test_models_pull_says_at_once_that_the_hub_is_unreachable(tiny_models, tmp_path) -> None:
    endpoint = closed_port_endpoint()
    flags = ["--languages", "hu", "--source-language", "en"]
    flags += ["--summary-model", "no-org/not-cached"]
    flags += ["--translation-model", f"hu={tiny_models['marian']}"]
    result = run_cli(["models", "pull", *flags], cwd=tmp_path, env=online_env(endpoint), timeout=60)
    assert result.returncode == 2, result.stderr
    assert "could not find the model 'no-org/not-cached'" in result.stderr
    assert f"The Hugging Face Hub at {endpoint} could not be reached" in result.stderr
    assert "Retrying" not in result.stderr and "Traceback" not in result.stderr


def test_a_first_run_on_a_real_layout_prints_no_library_chatter(replicas, tmp_path) -> None:
    """distilBART's legacy config keys made transformers warn on stderr while CTranslate2
    converted it (transformers sets its own log level when it first logs, after ours)."""
    (tmp_path / "a.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    flags = ["--languages", "hu", "--source-language", "en", "--device", "cpu"]
    flags += ["--summary-model", str(replicas["sshleifer/distilbart-cnn-12-6"])]
    flags += ["--translation-model", f"hu={replicas['Helsinki-NLP/opus-mt-tc-big-en-hu']}"]
    env = {k: v for k, v in os.environ.items() if k != "TRANSFORMERS_VERBOSITY"}
    result = run_cli(["run", "a.txt", "-o", "out", *flags], cwd=tmp_path, env=env)
    assert result.returncode in (0, 1), result.stderr  # random weights may be flagged
    assert "[transformers]" not in result.stderr, result.stderr
    assert "briefing: out/index.html" in result.stderr


def test_run_whose_models_are_local_folders_never_asks_the_hub(
    tiny_models, tmp_path, silent_hub
) -> None:
    (tmp_path / "a.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    flags = ["--languages", "hu", "--source-language", "en", *tiny_flags(tiny_models)[:4]]
    result = run_cli(
        ["run", "a.txt", "-o", "out", *flags, "--device", "cpu"],
        cwd=tmp_path,
        env=online_env(silent_hub.endpoint),
    )
    assert result.returncode == 0, result.stderr
    assert silent_hub.connections == []


def test_quiet_run_prints_nothing_on_success_and_the_failures_otherwise(
    tiny_models, tmp_path
) -> None:
    """cron mails whatever a job prints: -q is silent when all went well."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    flags = ["--languages", "hu", "--source-language", "en", *tiny_flags(tiny_models)]
    result = run_cli(["run", "news", "-o", "out", "-q", *flags], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""
    assert (tmp_path / "out" / "index.html").is_file()

    (news / "b.txt").write_bytes(b"")  # an input that fails
    result = run_cli(["run", "news", "-o", "out", "-q", *flags], cwd=tmp_path)
    assert result.returncode == 1
    assert "1 failed" in result.stderr and "failed: news/b.txt: empty file" in result.stderr
