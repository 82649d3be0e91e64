"""Output-folder housekeeping: only files a run listed, directly in the folder, are removed."""

from __future__ import annotations

from pathlib import Path

from summarize.files import remove_unwritten_outputs


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
