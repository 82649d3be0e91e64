"""The briefing's file names: front page, one edition per language, and each edition's own
page per article (``<slug>.html`` in English, ``<slug>.<code>.html`` in the others)."""

from __future__ import annotations

import os
from pathlib import Path

from summarize.core.languages import SOURCE_LANGUAGE
from summarize.core.records import (
    RunInfo,
)

#: Name of the briefing's front page; no article may use it as a slug.
INDEX_FILE = "index.html"

#: A language edition's file name; ``code`` is a target language code.
EDITION_FILE = "briefing.{code}.html"

#: The English "About this briefing" page: the run's internals, kept off the reader's pages.
ABOUT_FILE = "about.html"
#: A language edition's "About this briefing" page.
ABOUT_EDITION_FILE = "about.{code}.html"

#: An edition's Atom 1.0 feed, English included (``feed.en.xml``).
ATOM_FEED_FILE = "feed.{code}.xml"
#: An edition's JSON Feed 1.1, English included (``feed.en.json``).
JSON_FEED_FILE = "feed.{code}.json"

#: The archive's English list of past briefings (``--archive``), and an edition's.
ARCHIVE_FILE = "archive.html"
ARCHIVE_EDITION_FILE = "archive.{code}.html"


def edition_codes(run: RunInfo) -> list[str]:
    """Languages that get an edition of their own: every target language but English."""
    return [code for code in dict.fromkeys(run.languages) if code != SOURCE_LANGUAGE]


def edition_name(code: str) -> str:
    """File name of a language's edition."""
    return EDITION_FILE.format(code=code)


def edition_page(code: str) -> str:
    """The page a language's switcher entry leads to: the front page for English."""
    return INDEX_FILE if code == SOURCE_LANGUAGE else edition_name(code)


def about_name(code: str = SOURCE_LANGUAGE) -> str:
    """File name of an edition's "About this briefing" page (English: :data:`ABOUT_FILE`)."""
    return ABOUT_FILE if code == SOURCE_LANGUAGE else ABOUT_EDITION_FILE.format(code=code)


def archive_name(code: str = SOURCE_LANGUAGE) -> str:
    """File name of an edition's list of past briefings in an archive's top folder."""
    return ARCHIVE_FILE if code == SOURCE_LANGUAGE else ARCHIVE_EDITION_FILE.format(code=code)


def feed_names(code: str) -> tuple[str, str]:
    """File names of an edition's feeds: (Atom, JSON Feed)."""
    return ATOM_FEED_FILE.format(code=code), JSON_FEED_FILE.format(code=code)


def page_name(slug: str, code: str = SOURCE_LANGUAGE) -> str:
    """File name of an article's page in the ``code`` edition, after checking the slug is a
    plain file-name stem."""
    if (
        not slug
        or slug.startswith(".")
        or "/" in slug
        or "\\" in slug
        or "\x00" in slug
        or os.sep in slug
        or (os.altsep is not None and os.altsep in slug)
    ):
        raise ValueError(f"unsafe article slug {slug!r}: it must be a plain file-name stem")
    name = slug + ".html"
    if name.casefold() in (INDEX_FILE.casefold(), ABOUT_FILE.casefold()):
        raise ValueError(f"article slug {slug!r} is reserved for a page of the briefing")
    return name if code == SOURCE_LANGUAGE else f"{slug}.{code}.html"


def check_unique(names: list[str]) -> None:
    """Refuse two outputs with the same name (case-insensitively, as on macOS and Windows)."""
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in seen:
            raise ValueError(f"two outputs would be written to {name!r}; slugs must be unique")
        seen.add(key)


def safe_path(output_dir: Path, name: str) -> Path:
    """``output_dir / name``, refusing any path that resolves outside ``output_dir``."""
    path = output_dir / name
    if path.parent != output_dir or not path.resolve().is_relative_to(output_dir.resolve()):
        raise ValueError(f"refusing to write {str(path)!r}: it is outside {str(output_dir)!r}")
    return path
