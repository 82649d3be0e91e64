"""Output-folder housekeeping: only files a run listed, directly in the folder, are removed."""

from __future__ import annotations

import threading
from pathlib import Path

from summarize.core.errors import ConfigError
from summarize.core.files import check_writable_folder, remove_unwritten_outputs


def test_only_listed_plain_files_in_the_folder_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("old.html", "kept.html", "mine.html", ".hidden"):
        (folder / name).write_text(name, "utf-8")
    (tmp_path / "outside.html").write_text("outside", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.html").write_text("deep", "utf-8")
    (folder / "link.html").symlink_to(tmp_path / "outside.html")
    # A hand-edited run.json may name anything; only plain names of files here count.
    before = [
        "old.html",
        "kept.html",
        "../outside.html",
        "sub/deep.html",
        ".hidden",
        "link.html",
        "sub",
        "",
    ]
    removed = remove_unwritten_outputs(folder, before, ["kept.html"])
    assert removed == ["old.html"]
    assert sorted(path.name for path in folder.iterdir()) == [
        ".hidden",
        "kept.html",
        "link.html",
        "mine.html",
        "sub",
    ]
    assert (tmp_path / "outside.html").is_file() and (folder / "sub" / "deep.html").is_file()


def test_processes_checking_one_new_output_folder_at_once_never_see_a_file(
    tmp_path: Path,
) -> None:
    # Every process of a run checks the output folder by making it and removing it again; one
    # saw the folder another had just made, then (it being removed) "not a folder": a file.
    errors: list[str] = []

    def check_many() -> None:
        for index in range(2000):
            try:
                check_writable_folder(tmp_path / f"out{index}" / "briefing", "--output")
            except ConfigError as error:
                errors.append(str(error))

    threads = [threading.Thread(target=check_many) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
