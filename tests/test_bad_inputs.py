"""A folder of every kind of bad input mixed with good articles, through the real command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.cli import tiny_model_flags

GOOD_TEXT = "Rain is expected across the region tomorrow. Farmers welcomed the forecast."


def make_folder(root: Path) -> Path:
    news = root / "news"
    (news / "a").mkdir(parents=True)
    (news / "b").mkdir()
    write = lambda name, data: (news / name).write_bytes(data)  # noqa: E731
    # Good articles, in awkward shapes.
    write("good.txt", GOOD_TEXT.encode())
    write("a/story.txt", b"Budget talks resume\n\n" + GOOD_TEXT.encode())
    write("b/story.txt", b"Second story with the same stem. " + GOOD_TEXT.encode())
    write("bom crlf.txt", b"\xef\xbb\xbfHeadline here\r\n\r\nBody with CRLF lines.\r\nMore.\r\n")
    write("latin1 é.txt", "Le café était fermé à Genève. Très calme.".encode("latin-1"))
    write("utf16.txt", "Kyiv officials spoke on Monday. Talks continue.".encode("utf-16"))
    write("nul.txt", b"Markets rose\x00 sharply on Monday. Traders cheered.")
    write("one-line.txt", (" ".join(["The council met again."] * 400)).encode())
    write("long.txt", (" ".join(f"Sentence {i} adds one more fact." for i in range(2500))).encode())
    write(
        "inject.txt",
        b"Alert <script>alert(1)</script> {{ 7*7 }} {% raw %}\n\nText with <b>tags</b>.\n",
    )
    write(
        "inject.md",
        b"# Alert <script>alert(1)</script> {{ 7*7 }}\n\nText with {% raw %} and <b>tags</b>.\n",
    )
    records = [
        {"id": "../../etc/passwd", "text": GOOD_TEXT},
        {"id": "CON", "text": GOOD_TEXT},
        {"id": "dup", "text": GOOD_TEXT},
        {"id": "dup", "text": "Another story. " + GOOD_TEXT},
        {"id": "no-text"},
    ]
    lines = [json.dumps(r) for r in records[:4]] + ["{not json", json.dumps(records[4])]
    write("wire.jsonl", ("\n".join(lines) + "\n").encode())
    # Bad ones.
    write("empty.txt", b"")
    write("blank.txt", b"   \n\n  \t\n")
    write("headline-only.txt", b"Just a headline\n\n")
    write("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return news


def test_every_good_article_is_written_and_every_bad_one_reported(tiny_models, tmp_path) -> None:
    make_folder(tmp_path)
    script = shutil.which("summarize", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [
            script,
            "run",
            "news",
            "-o",
            "out",
            "--device",
            "cpu",
            "--languages",
            "hu,zh",
            "--source-language",
            "en",
            *tiny_model_flags(tiny_models, ("hu", "zh")),
        ],
        cwd=tmp_path,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    out = tmp_path / "out"
    report = json.loads((out / "run.json").read_text("utf-8"))
    failed = {
        Path(i["source"]).name: i["reason"] for i in report["items"] if i["status"] == "failed"
    }
    assert set(failed) == {
        "empty.txt",
        "blank.txt",
        "headline-only.txt",
        "image.txt",
        "wire.jsonl:5",
        "wire.jsonl:6",
    }
    for name in failed:
        assert name in result.stderr
        assert name.split(":")[0] in (out / "about.html").read_text("utf-8")
    assert report["done"] == 15 and report["failed"] == 6

    records = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == 15
    # Every page stays inside the output folder, with a distinct name: each edition its own.
    pages = {
        p.name
        for p in out.glob("*.html")
        # Not the editions nor their "About this briefing" pages.
        if p.name != "index.html" and not p.name.startswith(("briefing.", "about."))
    }
    assert len(pages) == 15 * (1 + len([c for c in report["languages"] if c != "en"]))
    assert not list(tmp_path.glob("etc*")) and not (tmp_path.parent / "etc").exists()
    by_source = {Path(r["source"]).name.split(":")[0]: r for r in records}
    assert by_source["long.txt"]["chunks"] > 10  # chunked, not truncated
    warnings = {
        Path(i["source"]).name: [w["detail"] for w in i["warnings"] if w["kind"] == "reading"]
        for i in report["items"]
    }
    # The repeated JSONL id is kept under a new id, and reported in run.json and on the
    # "About this briefing" page.
    assert [r["id"] for r in records if r["id"].startswith("dup")] == ["dup", "dup~2"]
    assert any("dup" in w for w in warnings["wire.jsonl:4"])
    about = (out / "about.html").read_text("utf-8")
    assert "Included with warnings" in about and "wire.jsonl:4" in about
    assert any("NUL" in w or "nul" in w.lower() for w in warnings["nul.txt"])
    assert warnings["latin1 é.txt"]  # the guessed encoding is reported
    html = "".join(p.read_text("utf-8") for p in out.glob("*.html"))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "{{ 7*7 }}" in html and "{% raw %}" in html
