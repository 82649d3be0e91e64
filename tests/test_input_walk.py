"""The folder walk and file reading under hostile inputs: special files, links, size, bad bytes."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from summarize.core.errors import InputError
from summarize.inputs import ReadResult, read_articles

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and special files")

BODY = "Rain is expected across the region tomorrow. Farmers welcomed the forecast."


def write(path: Path, text: str = BODY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def reasons(result: ReadResult) -> dict[str, str]:
    """Failures by file name."""
    return {Path(f.source).name: f.reason for f in result.failures}


def ids(result: ReadResult) -> list[str]:
    return [article.id for article in result.articles]


def test_a_fifo_in_the_folder_is_reported_not_opened(tmp_path: Path) -> None:
    write(tmp_path / "news" / "good.txt")
    os.mkfifo(tmp_path / "news" / "pipe.txt")
    result = read_articles([tmp_path / "news"])  # opening the FIFO would wait forever
    assert ids(result) == ["good"]
    assert reasons(result) == {"pipe.txt": "not a regular file: a FIFO"}


def test_a_fifo_named_or_linked_is_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "link.txt").symlink_to(tmp_path / "news" / "inner.txt")
    os.mkfifo(tmp_path / "news" / "inner.txt")
    result = read_articles([tmp_path / "pipe.txt", tmp_path / "news"])
    assert reasons(result) == {
        "pipe.txt": "not a regular file: a FIFO",
        "inner.txt": "not a regular file: a FIFO",
        "link.txt": "not a regular file: a FIFO",
    }


def test_a_socket_and_a_device_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "news" / "good.txt")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "news" / "sock.txt"))
        result = read_articles([tmp_path / "news", Path(os.devnull)])
    finally:
        server.close()
    assert ids(result) == ["good"]
    assert reasons(result) == {
        "sock.txt": "not a regular file: a socket",
        "null": "not a regular file: a device",
    }


def test_links_inside_the_folder_are_followed_and_read_once(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "a" / "story.txt")
    (news / "b").symlink_to("a")  # a folder link
    (news / "z.txt").symlink_to("a/story.txt")  # a file link
    result = read_articles([news])
    assert result.failures == ()
    assert ids(result) == ["a/story"]


def test_links_leading_outside_the_folder_are_reported_not_read(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret" / "passwd.txt", "root:x:0:0:root:/root:/bin/bash")
    news = tmp_path / "news"
    write(news / "good.txt")
    (news / "passwd.txt").symlink_to(secret)
    (news / "folder").symlink_to(secret.parent)
    (news / "zero.txt").symlink_to("/dev/zero")
    result = read_articles([news])
    assert ids(result) == ["good"]
    found = reasons(result)
    assert set(found) == {"passwd.txt", "folder", "zero.txt"}
    assert all("outside the input folder" in reason for reason in found.values())
    assert "root:x" not in "".join(article.text for article in result.articles)


def test_a_link_named_as_an_input_is_read_wherever_it_leads(tmp_path: Path) -> None:
    target = write(tmp_path / "elsewhere" / "story.txt")
    (tmp_path / "link.txt").symlink_to(target)
    assert ids(read_articles([tmp_path / "link.txt"])) == ["link"]


def test_link_loops_are_reported_never_raised(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "good.txt")
    (news / "a.txt").symlink_to("b.txt")
    (news / "b.txt").symlink_to("a.txt")
    (news / "sub").mkdir()
    (news / "sub" / "up").symlink_to("..")  # a folder link to its own ancestor
    result = read_articles([news, news / "a.txt"])
    assert ids(result) == ["good"]
    found = [(Path(f.source).name, f.reason) for f in result.failures]
    assert [name for name, _ in found] == ["a.txt", "b.txt", "up", "a.txt"]
    assert all("symbolic link loop" in reason for _, reason in found)


def test_a_broken_link_is_a_failure_and_a_missing_path_an_error(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    result = read_articles([tmp_path])
    assert reasons(result) == {"gone.txt": "broken symbolic link (its target does not exist)"}
    with pytest.raises(InputError, match="input not found"):
        read_articles([tmp_path / "missing.txt"])


def test_a_file_over_the_size_limit_is_reported_naming_limit_and_flag(tmp_path: Path) -> None:
    write(tmp_path / "news" / "fits.txt", "x" * 90 + ". Done.")
    write(tmp_path / "news" / "big.txt", "y" * 200)
    write(tmp_path / "news" / "feed.jsonl", '{"text": "' + "z" * 200 + '"}\n')
    result = read_articles([tmp_path / "news"], max_bytes=100)
    assert ids(result) == ["fits"]
    found = reasons(result)
    assert set(found) == {"big.txt", "feed.jsonl"}  # JSONL: the limit is per file
    assert "100 bytes" in found["big.txt"] and "--max-input-mb" in found["big.txt"]


def test_a_huge_file_is_never_read_whole(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 50 GB that take no disk space
        handle.truncate(50 * 10**9)
    assert "limit of 10 MB" in reasons(read_articles([huge]))["huge.txt"]


def test_utf8_with_a_bad_byte_is_read_with_a_replacement_and_a_warning(tmp_path: Path) -> None:
    text = "Київ: зранку було тихо. Le café était fermé. 北京今天下雨了。"
    data = text.encode() + b"\xff" + " Більше новин завтра.".encode()
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = read_articles([path])
    assert result.failures == ()
    (article,) = result.articles
    assert "\ufffd Більше новин" in article.text and "Le café" in article.text
    assert "1 byte was not valid UTF-8; replaced with U+FFFD" in article.warnings
