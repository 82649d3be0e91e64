"""Crashes and full disks end with their own exit codes and one line; stderr is terminal-safe."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.cli import run_cli, tiny_model_flags

from summarize.commands.cli import CRASH_LOG, TerminalSafeFormatter
from summarize.core.errors import (
    EXIT_CRASHED,
    EXIT_SOME_FAILED,
    EXIT_WRITE_FAILED,
    ProcessCrashed,
    WriteFailed,
)
from summarize.core.files import terminal_safe, write_atomic

GOOD_TEXT = "Rain is expected across the region tomorrow. Farmers welcomed the forecast."


def _patched_run(tmp_path: Path, patch: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``summarize args`` in a fresh interpreter after ``patch`` (Python code) ran there."""
    code = textwrap.dedent(patch) + (
        f"\nimport sys\nfrom summarize.commands.cli import main\nsys.exit(main({args!r}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
    )


_BUG = """
import summarize.runners.local as local

def crash(*args, **kwargs):
    raise ValueError("an unexpected bug\\nok: not a real line")

local.run = crash
"""


def test_a_crash_ends_with_one_line_its_own_exit_code_and_a_traceback_file(tmp_path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "out").mkdir()
    done = _patched_run(tmp_path, _BUG, ["run", "news", "-o", "out"])
    assert done.returncode == EXIT_CRASHED == 3, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    log = tmp_path / "out" / CRASH_LOG
    assert lines[0] == (
        f"summarize: crashed: ValueError: an unexpected bug ok: not a real line "
        f"(traceback in {Path('out') / CRASH_LOG})"
    )
    trace = log.read_text("utf-8")
    assert trace.startswith("summarize run news -o out\n")
    assert "Traceback (most recent call last)" in trace and "ValueError: an unexpected bug" in trace


def test_a_crash_without_an_output_folder_leaves_its_traceback_in_a_temp_file(tmp_path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(GOOD_TEXT)
    done = _patched_run(tmp_path, _BUG, ["run", "news", "-o", "not-made-yet", "--verbose"])
    assert done.returncode == EXIT_CRASHED, done.stderr
    assert "Traceback (most recent call last)" in done.stderr  # --verbose prints it too
    last = done.stderr.splitlines()[-1]
    assert last.startswith("summarize: crashed: ValueError: an unexpected bug"), done.stderr
    log = Path(last.rsplit("(traceback in ", 1)[1].rstrip(")"))
    try:
        assert "ValueError: an unexpected bug" in log.read_text("utf-8")
    finally:
        log.unlink()
    assert not (tmp_path / "not-made-yet").exists()


def test_a_full_disk_while_the_cache_is_written_says_so_with_its_own_exit_code(
    tiny_models, tmp_path
) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(GOOD_TEXT)
    # The disk fills up once the run is under way: every synced write fails as a full disk does.
    full_disk = """
    import errno, os

    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    os.fsync = fsync
    """
    args = ["run", "news", "-o", "out", "--device", "cpu", "--languages", "hu"]
    args += ["--source-language", "en", *tiny_model_flags(tiny_models, ("hu",))]
    done = _patched_run(tmp_path, full_disk, args)
    assert done.returncode == EXIT_WRITE_FAILED == 4, done.stderr
    assert "Traceback" not in done.stderr
    message = done.stderr.splitlines()[-1]
    assert message.startswith("summarize: error: cannot write "), done.stderr
    assert str(Path("out") / ".cache") in message, message  # the first write: the cache
    assert "no space left on the device; free space on it" in message
    assert "pass -o / --cache-dir a folder on another disk" in message
    leftovers = [p for p in (tmp_path / "out").rglob("*.tmp")]
    assert leftovers == []  # nothing half-written


def test_write_atomic_reports_a_read_only_disk_naming_the_file(tmp_path, monkeypatch) -> None:
    def read_only(fd: int) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "fsync", read_only)
    with pytest.raises(WriteFailed) as raised:
        write_atomic(tmp_path / "page.html", "<p>hi</p>")
    assert raised.value.exit_code == EXIT_WRITE_FAILED
    assert str(raised.value) == (
        f"cannot write {tmp_path / 'page.html'}: read-only file system; make it writable, "
        "or pass -o / --cache-dir a folder on another disk"
    )
    assert list(tmp_path.iterdir()) == []


def test_other_write_errors_stay_what_they_are(tmp_path, monkeypatch) -> None:
    def broken(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError) as raised:
        write_atomic(tmp_path / "page.html", "<p>hi</p>")
    assert raised.value.errno == errno.EIO and not isinstance(raised.value, WriteFailed)


def test_a_crashed_process_is_not_a_partial_success() -> None:
    assert ProcessCrashed("x").exit_code == EXIT_CRASHED != EXIT_SOME_FAILED


def test_control_and_bidi_characters_in_names_reach_stderr_escaped(tiny_models, tmp_path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "good.txt").write_text(GOOD_TEXT)
    (news / "second.txt").write_text("Budget talks resume\n\n" + GOOD_TEXT)
    (news / "clear\x1b[2J.txt").write_bytes(b"")
    (news / "x.txt: fine\nok: forged.txt").write_bytes(b"")
    (news / "evil\u202etxt.exe.txt").write_bytes(b"")
    args = ["run", "news", "-o", "out", "--device", "cpu", "--languages", "hu"]
    args += ["--source-language", "en", *tiny_model_flags(tiny_models, ("hu",))]
    done = run_cli(args, cwd=tmp_path, timeout=600)
    assert done.returncode == EXIT_SOME_FAILED, done.stderr
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    assert not any(line.startswith("ok:") for line in done.stderr.splitlines()), done.stderr
    assert "summarize: 2 done" in done.stderr
    assert "failed: news/clear\\x1b[2J.txt: empty file" in done.stderr
    assert "failed: news/x.txt: fine\\nok: forged.txt: empty file" in done.stderr
    assert "failed: news/evil\\u202etxt.exe.txt: empty file" in done.stderr


def test_log_messages_escape_names_but_keep_the_tools_own_layout() -> None:
    formatter = TerminalSafeFormatter("summarize: %(levelname)s: %(message)s")
    record = logging.LogRecord(
        "summarize.x", logging.WARNING, __file__, 1, "skipped %s (%d bytes):\n  %s", None, None
    )
    record.args = ("a\x1b[2J\nok: b", 3, "\u2066bidi\x85")
    assert formatter.format(record) == (
        "summarize: WARNING: skipped a\\x1b[2J\\nok: b (3 bytes):\n  \\u2066bidi\\x85"
    )
    assert record.args[0] == "a\x1b[2J\nok: b"  # other handlers see the record unchanged


def test_terminal_safe_escapes_controls_bidi_and_undecodable_bytes() -> None:
    assert terminal_safe("a\tb\rc\x7f\x00\u200f\u202a\udcff") == (
        "a\\tb\\rc\\x7f\\x00\\u200f\\u202a\\udcff"
    )
    assert terminal_safe("line\n\tindented\x1b", keep_layout=True) == "line\n\tindented\\x1b"
    assert terminal_safe("Київ 北京 café \\path") == "Київ 北京 café \\path"
