"""Hostile inputs through the real command: each is reported, the good article still written."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from support.cli import run_cli, tiny_model_flags

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and special files")

GOOD_TEXT = "Rain is expected across the region tomorrow. Farmers welcomed the forecast."


def hostile_folder(root: Path) -> Path:
    news = root / "news"
    news.mkdir()
    (news / "good.txt").write_text(GOOD_TEXT, "utf-8")
    os.mkfifo(news / "pipe.txt")
    (news / "loop-a.txt").symlink_to("loop-b.txt")
    (news / "loop-b.txt").symlink_to("loop-a.txt")
    secret = root / "etc" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    (news / "passwd.txt").symlink_to(secret)
    (news / "zero.txt").symlink_to("/dev/zero")
    # Over the 1 MB limit the run is given, though small for a disk.
    (news / "big.txt").write_text(GOOD_TEXT * (1_100_000 // len(GOOD_TEXT)), "utf-8")
    (news / "bad-byte.txt").write_bytes(
        "Київ: зранку було тихо. ".encode() + b"\xff" + GOOD_TEXT.encode()
    )
    return news


def test_hostile_inputs_are_reported_and_the_good_ones_written(tiny_models, tmp_path) -> None:
    hostile_folder(tmp_path)
    flags = ["--device", "cpu", "--languages", "hu", "--source-language", "en"]
    models = tiny_model_flags(tiny_models, ("hu",))
    result = run_cli(
        ["run", "news", "-o", "out", "--max-input-mb", "1", *flags, *models],
        cwd=tmp_path,
        timeout=300,  # a FIFO opened for reading would wait here forever
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    out = tmp_path / "out"
    report = json.loads((out / "run.json").read_text("utf-8"))
    failed = {
        Path(i["source"]).name: i["reason"] for i in report["items"] if i["status"] == "failed"
    }
    assert failed == {
        "pipe.txt": "not a regular file: a FIFO",
        "loop-a.txt": "symbolic link loop (the link leads back to itself)",
        "loop-b.txt": "symbolic link loop (the link leads back to itself)",
        "passwd.txt": failed["passwd.txt"],
        "zero.txt": failed["zero.txt"],
        "big.txt": "larger than the input size limit of 1 MB; not read (raise the limit with "
        "--max-input-mb if the file really is an article)",
    }
    assert "outside the input folder" in failed["passwd.txt"]
    assert "outside the input folder" in failed["zero.txt"]
    for name in failed:
        assert name in result.stderr
    assert report["settings"]["max_input_mb"] == 1

    records = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert sorted(Path(r["source"]).name for r in records) == ["bad-byte.txt", "good.txt"]
    warnings = {
        Path(i["source"]).name: [w["detail"] for w in i["warnings"] if w["kind"] == "reading"]
        for i in report["items"]
    }
    assert "1 byte was not valid UTF-8; replaced with U+FFFD" in warnings["bad-byte.txt"]
    pages = "".join(p.read_text("utf-8") for p in out.glob("*.html"))
    assert "root:x" not in pages
