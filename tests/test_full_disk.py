"""The last good briefing is never damaged: a full disk, a failing write or a Ctrl-C while a
run writes leaves the previous briefing or the new one, whole, and nothing half-written."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.cli import run_cli, tiny_model_flags
from support.disks import PAGE

from summarize.core.config import RunConfig
from summarize.core.errors import EXIT_INTERRUPTED, EXIT_WRITE_FAILED, WriteFailed
from summarize.core.files import STAGING_FOLDER, staging_folder
from summarize.core.records import Article, ArticleOutcome, Summary
from summarize.outputs import writer

TEXTS = [
    "Rain is expected across the region tomorrow. Farmers welcomed the forecast.",
    "Budget talks resume in the capital on Monday. Both parties expect a deal by June.",
    "The city council approved a new tram line. Work starts next spring and lasts two years.",
    "A storm closed the harbour for a day. Ferries will run again from Thursday morning.",
    "The museum reopens after a long renovation. Entry is free for the first week.",
    "Exports rose for the third month in a row. Car makers led the growth in March.",
]


def _news(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _snapshot(folder: Path, skip: str = "") -> dict[str, bytes]:
    """Every file under ``folder`` (paths relative to it) and its bytes; ``skip`` a subfolder."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not (skip and path.relative_to(folder).parts[0] == skip)
    }


def _leftovers(folder: Path) -> list[str]:
    """Half-written files or staging folders under ``folder``."""
    return [
        str(path)
        for path in folder.rglob("*")
        if path.name.endswith(".tmp") or path.name == STAGING_FOLDER
    ]


def _flags(tiny_models: dict[str, Path]) -> list[str]:
    return [
        *("--device", "cpu", "--languages", "hu", "--source-language", "en"),
        *tiny_model_flags(tiny_models, ("hu",)),
    ]


def _check_write_failed(done: subprocess.CompletedProcess[str], where: Path) -> None:
    """Exit 4 and one line naming a path under ``where``, the fix, and no traceback."""
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"summarize: error: cannot write {where}{os.sep}"), lines[0]
    assert "no space left on the device; free space on it" in lines[0]
    assert "pass -o / --cache-dir a folder on another disk" in lines[0]


@pytest.mark.slow  # whole runs on a small disk, 9-13 s; CI runs the slow tier
def test_a_full_disk_while_the_briefing_is_written_leaves_the_previous_one(
    tiny_models, tmp_path, small_disk
) -> None:
    first = _news(tmp_path / "first", {"a.txt": TEXTS[0], "b.txt": TEXTS[1]})
    second = _news(tmp_path / "second", {f"{n}.txt": TEXTS[n] for n in range(1, 6)})
    out = small_disk.path / "out"
    cache = ["--cache-dir", str(tmp_path / "cache")]  # on the normal disk: only pages fill it
    done = run_cli(["run", str(first), "-o", str(out), *cache, *_flags(tiny_models)], tmp_path)
    assert done.returncode == 0, done.stderr
    before = _snapshot(out)

    # Room for another briefing as big as the first, too little for the second, bigger one:
    # the disk fills part way through staging it.
    small_disk.leave_free(sum(-(-len(data) // PAGE) * PAGE for data in before.values()))
    args = ["run", str(second), "-o", str(out), *cache, *_flags(tiny_models)]
    done = run_cli(args, tmp_path)
    _check_write_failed(done, out / STAGING_FOLDER)
    assert f"{out / STAGING_FOLDER / 'index.html'}:" not in done.stderr  # index.html was staged
    assert done.stderr.rstrip().endswith(f"; nothing in {out} was changed"), done.stderr
    assert _snapshot(out) == before
    assert _leftovers(out) == []

    # Space back: the same command now replaces the briefing, with no page of the first left.
    small_disk.resize(1 << 20)
    done = run_cli(args, tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "run.json").read_text("utf-8"))
    assert report["done"] + report["cached"] == 5
    assert sorted(path.name for path in out.iterdir()) == sorted(report["files"])
    assert not (out / "a.html").exists()
    records = (out / "results.jsonl").read_text("utf-8").splitlines()
    assert sorted(Path(json.loads(line)["source"]).name for line in records) == [
        f"{n}.txt" for n in range(1, 6)
    ]


@pytest.mark.slow  # whole runs on a small disk, 9-13 s; CI runs the slow tier
def test_a_full_disk_while_the_cache_is_written_leaves_the_previous_briefing(
    tiny_models, tmp_path, small_disk
) -> None:
    first = _news(tmp_path / "first", {"a.txt": TEXTS[0]})
    second = _news(tmp_path / "second", {f"{n}.txt": TEXTS[n] for n in range(6)})
    out = small_disk.path / "out"  # the cache is out/.cache, on the small disk too
    args = ["run", str(first), "-o", str(out), *_flags(tiny_models)]
    assert run_cli(args, tmp_path).returncode == 0
    before = _snapshot(out, skip=".cache")

    small_disk.leave_free(0)  # the next new cache entry does not fit
    args = ["run", str(second), "-o", str(out), *_flags(tiny_models)]
    done = run_cli(args, tmp_path)
    _check_write_failed(done, out / ".cache")
    assert _snapshot(out, skip=".cache") == before
    assert _leftovers(out) == []

    small_disk.resize(1 << 20)
    done = run_cli(args, tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "run.json").read_text("utf-8"))
    assert report["articles"] == 6 and report["failed"] == 0
    assert report["cached"] >= 1  # the first run's article: the rerun resumed
    assert sorted(path.name for path in out.iterdir()) == sorted([*report["files"], ".cache"])


def _results(*names: str) -> writer.RunResults:
    items = [
        ArticleOutcome(
            article=Article(id=name, slug=name, title=name, text="Text.", source=f"{name}.txt"),
            status="done",
            summary=Summary(article_id=name, text=f"Summary of {name}.", chunks=1),
            translations={"hu": f"Összefoglaló: {name}.", "ru": f"Резюме: {name}."},
            computed=True,
        )
        for name in names
    ]
    return writer.RunResults(
        articles=items, engines={}, device="cpu", interrupted=False, versions={}, revisions={}
    )


def _restore(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _without_finish_time(files: dict[str, bytes]) -> dict[str, object]:
    report = json.loads(files["run.json"])
    del report["finished_at"]
    return {**files, "run.json": report}


def test_a_write_failing_at_any_file_leaves_the_old_or_the_new_briefing(
    tmp_path, monkeypatch
) -> None:
    out = tmp_path / "out"
    config = RunConfig(inputs=(tmp_path,), output=out, languages=("hu",), no_cache=True)
    started = datetime.now(UTC)
    writer.write_outputs(_results("a", "b", "c"), (), config, started, 1.0)
    old = _snapshot(out)
    writer.write_outputs(_results("b", "c", "d", "e"), (), config, started, 1.0)
    new = _without_finish_time(_snapshot(out))
    assert set(new) != set(old)  # pages come and go: a.html goes, d.html and e.html come

    real_fsync = os.fsync
    failed_at = []
    for n in range(1, 50):
        _restore(out, old)
        calls = []

        def fsync(fd: int, n: int = n, calls: list[int] = calls) -> None:
            calls.append(fd)
            if len(calls) == n:  # the n-th file's data does not fit
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        try:
            writer.write_outputs(_results("b", "c", "d", "e"), (), config, started, 1.0)
        except WriteFailed:
            failed_at.append(n)
            assert _snapshot(out) == old, n
        else:
            if len(calls) < n:  # every write went through: nothing left to fail
                assert _without_finish_time(_snapshot(out)) == new
                break
            assert _without_finish_time(_snapshot(out)) == new, n  # the folder's sync failed
        finally:
            monkeypatch.setattr(os, "fsync", real_fsync)
        assert _leftovers(out) == [], n
    else:
        pytest.fail("the run never finished without a failing write")
    # index.html, an edition, 4 article pages in each of the 2 editions, 2 "About this
    # briefing" pages, results.jsonl, 2 feeds in each of the 2 editions, 2 email editions,
    # run.json
    assert failed_at == list(range(1, 21))


def test_a_staging_folder_left_by_a_killed_run_is_removed_first(tmp_path) -> None:
    stale = tmp_path / STAGING_FOLDER
    (stale / "half").mkdir(parents=True)
    (stale / "half" / "index.html").write_text("<p>half", "utf-8")
    (stale / "run.json").write_text("{", "utf-8")
    with staging_folder(tmp_path) as staging:
        assert staging == stale and list(staging.iterdir()) == []
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_removes_its_staging_folder(tmp_path) -> None:
    out = tmp_path / "out"
    config = RunConfig(inputs=(tmp_path,), output=out, languages=("hu",), no_cache=True)
    writer.write_outputs(_results("a"), (), config, datetime.now(UTC), 1.0)
    before = _snapshot(out)
    broken = replace(config, templates=tmp_path / "missing")  # fails while rendering
    with pytest.raises(Exception, match="missing"):
        writer.write_outputs(_results("b"), (), broken, datetime.now(UTC), 1.0)
    assert _snapshot(out) == before and _leftovers(out) == []


# Ctrl-C arrives as the first page is written, as if the user pressed it just then.
_CTRL_C_WHILE_WRITING = """
import os, signal
import summarize.outputs.briefing as briefing

real_write = briefing.write_atomic

def write_atomic(path, text):
    if path.name == "index.html":
        os.kill(os.getpid(), signal.SIGINT)
    real_write(path, text)

briefing.write_atomic = write_atomic
"""


@pytest.mark.slow  # whole runs on a small disk, 9-13 s; CI runs the slow tier
def test_ctrl_c_while_the_pages_are_written_leaves_run_json_saying_interrupted(
    tiny_models, tmp_path
) -> None:
    news = _news(tmp_path / "news", {"a.txt": TEXTS[0], "b.txt": TEXTS[1]})
    out = tmp_path / "out"
    args = ["run", str(news), "-o", str(out), *_flags(tiny_models)]
    assert run_cli(args, tmp_path).returncode == 0
    (news / "a.txt").unlink()  # a.html is not written again: an interrupted run keeps it

    code = textwrap.dedent(_CTRL_C_WHILE_WRITING) + (
        f"\nimport sys\nfrom summarize.commands.cli import main\nsys.exit(main({args!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == EXIT_INTERRUPTED, done.stderr
    assert "Traceback" not in done.stderr
    assert "run the same command again to resume" in done.stderr
    report = json.loads((out / "run.json").read_text("utf-8"))
    assert report["status"] == "interrupted" and report["articles"] == 1
    assert (out / "a.html").is_file() and "a.html" in report["files"]
    assert _leftovers(out) == []


def test_files_move_into_place_before_anything_links_to_them(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    config = RunConfig(inputs=(tmp_path,), output=out, languages=("hu", "ru"), no_cache=True)
    real_replace, moved = os.replace, []

    def record(source: object, target: object) -> None:
        if Path(str(target)).parent == out:  # not a rename inside the staging folder
            moved.append(Path(str(target)).name)
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", record)
    outcome = writer.write_outputs(_results("a", "b"), (), config, datetime.now(UTC), 1.0)
    # The "About this briefing" pages first: every page's footer links to them. Then each
    # edition's article pages: the editions and index.html link to them; the email editions
    # link to no file beside them, so they move with the article pages. The feeds link to
    # the pages and editions, so they follow index.html.
    assert moved == [
        *("about.html", "about.hu.html", "about.ru.html"),
        *("a.html", "b.html", "a.hu.html", "b.hu.html", "a.ru.html", "b.ru.html"),
        *("briefing.email.html", "briefing.hu.email.html", "briefing.ru.email.html"),
        *("briefing.hu.html", "briefing.ru.html", "index.html"),
        *("feed.en.xml", "feed.en.json", "feed.hu.xml", "feed.hu.json"),
        *("feed.ru.xml", "feed.ru.json", "results.jsonl", "run.json"),
    ]
    assert [path.parent for path in outcome.written] == [out] * 23
    assert outcome.written[0].name == "index.html" and outcome.written[-1].name == "run.json"
