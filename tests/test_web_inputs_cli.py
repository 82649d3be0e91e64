"""``summarize run`` on feeds, standard input and input lists, as a user runs it (issue #20)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.cli import run_cli, summarize_command, tiny_model_flags
from support.feeds import FEEDS
from support.webserver import closed_port_url


def run_with_stdin(args: list[str], cwd: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*summarize_command(), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def results(folder: Path) -> list[dict]:
    lines = (folder / "results.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_a_feed_a_folder_of_feeds_jsonl_on_stdin_and_an_input_list(tiny_models, tmp_path) -> None:
    shutil.copy(FEEDS / "rss2.xml", tmp_path / "feed.xml")
    folder = tmp_path / "feeds"
    folder.mkdir()
    shutil.copy(FEEDS / "atom.xml", folder / "science.xml")
    shutil.copy(FEEDS / "jsonfeed.json", folder / "valley.json")
    (tmp_path / "lists").mkdir()
    shutil.copy(FEEDS / "rss1.rdf", tmp_path / "lists" / "weekly.rss")
    (tmp_path / "lists" / "inputs.txt").write_text("# weekly\nweekly.rss\n\n", "utf-8")
    stdin = json.dumps({"id": "piped", "title": "Piped story", "text": "Rain is expected."})
    # --offline: the tiny models are local folders, and the JSON Feed's short entry is then
    # summarised from its text instead of its page.
    args = ["run", "feed.xml", "feeds", "-", "--inputs-from", "lists/inputs.txt", "-o", "out"]
    args += ["--languages", "hu", "--offline", *tiny_model_flags(tiny_models, ("hu",))]
    result = run_with_stdin(args, tmp_path, stdin)
    assert result.returncode == 0, result.stderr
    records = results(tmp_path / "out")
    titles = [record["title"] for record in records]
    assert titles[:2] == [
        "Ferry service resumes after winter storms",
        "Council approves budget for new library",
    ]
    assert "Glacier retreat doubled in a decade" in titles
    assert "High pass closed early as snow arrives" in titles
    assert "Old stone bridge reopens to walkers" in titles
    assert not any("<" in title for title in titles)
    assert [(r["title"], r["source"]) for r in records[-2:]] == [
        ("Piped story", "stdin:1"),
        ("High pass closed early as snow arrives", "lists/weekly.rss entry 1"),
    ]
    assert "summarised from the feed's teaser" in result.stderr
    report = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert report["settings"]["inputs"] == ["feed.xml", "feeds", "-", "lists/weekly.rss"]
    assert report["settings"]["inputs_from"] == "lists/inputs.txt"


@pytest.mark.slow  # a second run with models; text on stdin is read as test_feeds shows
def test_text_on_stdin_is_one_article(tiny_models, tmp_path) -> None:
    args = ["run", "-", "-o", "out", "--languages", "hu", *tiny_model_flags(tiny_models, ("hu",))]
    stdin = "Storm warning\n\nA storm is expected tonight on the coast.\n"
    result = run_with_stdin(args, tmp_path, stdin)
    assert result.returncode == 0, result.stderr
    [record] = results(tmp_path / "out")
    assert (record["title"], record["source"]) == ("Storm warning", "stdin")


def test_url_schemes_other_than_http_are_refused_before_any_work(tmp_path) -> None:
    result = run_cli(["run", "ftp://news.example.com/feed.xml"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "cannot read ftp:// URLs" in result.stderr
    assert "give an http:// or https:// URL, or a local file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists()


def test_a_url_in_an_offline_run_is_refused_before_any_model_loads(tmp_path) -> None:
    # The default models are nowhere on this machine: reaching them would fail differently.
    result = run_cli(["run", "https://news.example.com/feed.xml", "--offline"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert (
        "https://news.example.com/feed.xml is a URL but --offline is set; drop --offline or "
        "give local files"
    ) in result.stderr
    assert "could not load" not in result.stderr
    assert not (tmp_path / "outputs").exists()


def test_a_missing_input_list_is_a_usage_error(tmp_path) -> None:
    result = run_cli(["run", "--inputs-from", "nowhere.txt"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "--inputs-from nowhere.txt: the file does not exist" in result.stderr


def test_stdin_with_processes_is_a_usage_error(tmp_path) -> None:
    result = run_with_stdin(["run", "-", "--processes", "2"], tmp_path, "A storm is expected.")
    assert result.returncode == 2, result.stderr
    assert "- (standard input) cannot be shared by --processes" in result.stderr
    assert not (tmp_path / "outputs").exists()


def test_web_inputs_none_of_which_can_be_read_stop_before_any_model_loads(tmp_path) -> None:
    """No network at night: say so, and leave the last good briefing in place."""
    not_a_model = tmp_path / "not-a-model"  # loading it would fail: it is never tried
    not_a_model.mkdir()
    args = ["run", closed_port_url("/feed.xml"), closed_port_url("/other.xml"), "-o", "out"]
    result = run_cli([*args, "--summary-model", str(not_a_model)], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "no web input could be read (http://127.0.0.1:" in result.stderr
    assert "check the network connection and the URLs" in result.stderr
    assert "not-a-model" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()
