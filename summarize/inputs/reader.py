"""Reading every input in a stable order, each file by its format, into articles."""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from summarize.core.config import RunConfig
from summarize.core.errors import InputError
from summarize.core.files import printable
from summarize.core.records import Article, Duplicate, InputFailure
from summarize.inputs.cleanup import clean, nul_warning, one_line, paragraphs
from summarize.inputs.decoding import Decoded, decode
from summarize.inputs.drafts import Unreadable, finalise, make_draft
from summarize.inputs.entries import OFFLINE, read_feed
from summarize.inputs.feeds import NOT_A_FEED, sniff_feed
from summarize.inputs.files import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    JSONL_SUFFIX,
    MARKDOWN_SUFFIXES,
    QUIET_SUFFIXES,
    SUPPORTED_SUFFIXES,
    InputFile,
    input_files,
    not_regular,
    resolved,
)
from summarize.inputs.html import read_html
from summarize.inputs.jsonl import read_jsonl
from summarize.inputs.markdown import read_markdown
from summarize.inputs.metadata import with_metadata
from summarize.inputs.sources import InputSource, classify_all
from summarize.inputs.stdin import STDIN_ITEM, STDIN_SOURCE, is_jsonl, read_stream
from summarize.inputs.titles import derive_title, looks_like_headline
from summarize.inputs.web import read_url
from summarize.web import PageFetcher

logger = logging.getLogger(__name__)

#: Bytes in one MB of ``--max-input-mb``.
BYTES_PER_MB = 1_000_000


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_articles` found: the articles and the inputs that failed."""

    #: Articles in stable input order (inputs as given; folders in sorted relative-path order).
    articles: tuple[Article, ...]
    #: Files or JSONL lines that could not be read, with a reason a user can act on.
    failures: tuple[InputFailure, ...]
    #: Copies of a story merged into another article (see :mod:`summarize.inputs.duplicates`);
    #: empty until the run merges them.
    duplicates: tuple[Duplicate, ...] = ()


def read_articles(
    inputs: Sequence[str | Path | InputSource],
    *,
    exclude: Sequence[Path] = (),
    max_bytes: int | None = None,
    fetcher: PageFetcher | None = None,
    max_feed_entries: int | None = None,
    stdin: BinaryIO | None = None,
) -> ReadResult:
    """Read every article from ``inputs`` (files, folders, http(s) URLs, ``-``), in order.

    Folders are searched recursively for files with a suffix in :data:`SUPPORTED_SUFFIXES`,
    sorted by their relative POSIX path; hidden files and folders (names starting with ``.``)
    and the folders in ``exclude`` (the run's own output and cache) are skipped. A file named
    explicitly with another suffix is read as plain text, unless it is a news feed. A file
    reached twice (e.g. named and inside a named folder) is read once. Only regular files are
    read, none larger than ``max_bytes`` (default: ``--max-input-mb``'s); in a folder, a
    symbolic link is followed only to a target inside that folder (see
    :mod:`summarize.inputs.files`).

    Feeds (RSS, Atom, JSON Feed; told by content) give one article per entry, at most
    ``max_feed_entries`` (default: ``--max-feed-entries``'s), newest first. URLs and the pages
    of feed entries that carry only a teaser are fetched with ``fetcher``; None fetches
    nothing (offline: a URL input fails, a teaser is used as it is or fails). ``-`` reads
    ``stdin`` (default: the process's standard input).

    Each article gets a run-unique ``id`` (the record's own id or feed id, else the path
    relative to its input folder without suffix, else the file stem; repeats get ``~2``,
    ``~3``) and a run-unique ``slug`` that is safe as a file name on every OS.

    Raises:
        InputError: an input path does not exist, a URL has a scheme other than http(s), or
            ``-`` is named twice. Unreadable or unparsable files, feeds, entries, pages and
            JSONL lines (a link loop or broken link named as an input too) do not raise; they
            are returned as ``failures``. No articles at all is not an error here.
    """
    sources = classify_all(inputs)
    missing = [s.path for s in sources if s.kind == "path" and not os.path.lexists(s.path)]
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise InputError(f"input not found: {names}; check the path and try again")

    reading = _Reading(
        limit=RunConfig.max_input_mb * BYTES_PER_MB if max_bytes is None else max_bytes,
        fetcher=fetcher,
        max_entries=RunConfig.max_feed_entries if max_feed_entries is None else max_feed_entries,
    )
    drafts: list[Article] = []
    failures: list[InputFailure] = []
    seen: set[Path] = set()
    skipped = frozenset(resolved(Path(folder)) for folder in exclude)
    for source in sources:
        if source.kind == "url":
            new_drafts, new_failures = _read_url(source.text, reading)
            drafts.extend(with_metadata(draft, None) for draft in new_drafts)
            failures.extend(new_failures)
            continue
        if source.kind == "stdin":
            new_drafts, new_failures = _read_stdin(stdin or sys.stdin.buffer, reading)
            drafts.extend(with_metadata(draft, None) for draft in new_drafts)
            failures.extend(new_failures)
            continue
        for item in input_files([source.path], skipped, failures):
            key = resolved(item.path)
            if key in seen:
                logger.debug("skipping %s: already read", item.path)
                continue
            seen.add(key)
            new_drafts, new_failures = _read_file(item, reading)
            drafts.extend(with_metadata(draft, item) for draft in new_drafts)
            failures.extend(new_failures)

    for failure in failures:
        logger.info("skipped %s: %s", failure.source, failure.reason)
    return ReadResult(articles=finalise(drafts), failures=tuple(failures))


@dataclass(frozen=True)
class _Reading:
    """How this run reads: the size limit, the fetcher (None: offline), the feed cap."""

    limit: int
    fetcher: PageFetcher | None
    max_entries: int


def _read_url(url: str, reading: _Reading) -> tuple[list[Article], list[InputFailure]]:
    if reading.fetcher is None:
        return [], [InputFailure(url, f"not fetched: {OFFLINE}")]
    return read_url(url, reading.fetcher, max_entries=reading.max_entries)


def _read_stdin(stream: BinaryIO, reading: _Reading) -> tuple[list[Article], list[InputFailure]]:
    """Standard input: JSON Lines when every line is an object, else one plain-text article."""
    try:
        data = read_stream(stream, reading.limit)
        if len(data) > reading.limit:
            raise Unreadable(
                f"larger than the input size limit of {_size(reading.limit)}; not read (raise "
                "the limit with --max-input-mb)"
            )
        if not data.strip():
            raise Unreadable("nothing on standard input")
        decoded = decode(data)
        for warning in decoded.warnings:
            logger.warning("%s: %s", STDIN_SOURCE, warning)
        if is_jsonl(decoded):
            return read_jsonl(decoded, STDIN_ITEM)
        return [_read_text(decoded, STDIN_ITEM)], []
    except Unreadable as exc:
        return [], [InputFailure(STDIN_SOURCE, str(exc))]
    except OSError as exc:
        return [], [InputFailure(STDIN_SOURCE, f"cannot read it ({exc.strerror or exc})")]
    except Exception as exc:  # as for a file: one bad input must not stop the batch
        logger.debug("unexpected error reading standard input", exc_info=True)
        return [], [InputFailure(STDIN_SOURCE, f"could not read it ({type(exc).__name__}: {exc})")]


def read_texts(texts: Sequence[str]) -> ReadResult:
    """Articles from texts in memory (the Python API), each read as a ``.txt`` file is: an
    optional headline line, then the body; ids ``text-1``, ``text-2``... in order."""
    drafts: list[Article] = []
    failures: list[InputFailure] = []
    for number, text in enumerate(texts, start=1):
        source = f"text {number}"
        if not isinstance(text, str):
            failures.append(InputFailure(source, f"not a string but {type(text).__name__}"))
            continue
        cleaned, dropped = clean(text)
        decoded = Decoded(cleaned, [nul_warning("text", dropped)] if dropped else [])
        try:
            if not decoded.text.strip():
                raise Unreadable("empty text")
            item = InputFile(Path(source), f"text-{number}")
            drafts.append(with_metadata(_read_text(decoded, item), item))
        except Unreadable as exc:
            failures.append(InputFailure(source, str(exc)))
    return ReadResult(articles=finalise(drafts), failures=tuple(failures))


def _read_file(item: InputFile, reading: _Reading) -> tuple[list[Article], list[InputFailure]]:
    """Read one file into drafts; any problem becomes a failure for this file only.

    Paths become text with :func:`printable`: a non-UTF-8 file name must not put a lone
    surrogate into an id, slug or page.
    """
    source = printable(item.path)
    suffix = item.path.suffix.lower()
    try:
        data = _read_bounded(item.path, reading.limit)
        if not data:
            raise Unreadable("empty file")
        # A JSONL file is records, even should a line quote a JSON Feed's version.
        kind = sniff_feed(data) if suffix != JSONL_SUFFIX else None
        if kind is not None:
            return read_feed(
                data,
                kind,
                source=source,
                base_id=item.base_id,
                base_url=None,
                fetcher=reading.fetcher,
                max_entries=reading.max_entries,
            )
        if suffix in QUIET_SUFFIXES and item.in_folder:
            logger.debug("skipping %s: %s", source, NOT_A_FEED)
            return [], []
        if suffix in FEED_SUFFIXES:
            raise Unreadable(NOT_A_FEED)
        if suffix not in SUPPORTED_SUFFIXES:
            logger.warning("%s: unsupported file type %r, reading it as plain text", source, suffix)
        decoded = decode(data, html=suffix in HTML_SUFFIXES)
        for warning in decoded.warnings:
            logger.warning("%s: %s", source, warning)
        if not decoded.text.strip():
            raise Unreadable("empty file (only whitespace)")
        if suffix == JSONL_SUFFIX:
            return read_jsonl(decoded, item)
        if suffix in MARKDOWN_SUFFIXES:
            draft = read_markdown(decoded, item)
        elif suffix in HTML_SUFFIXES:
            draft = read_html(decoded, item)
        else:
            draft = _read_text(decoded, item)
    except Unreadable as exc:
        return [], [InputFailure(source, str(exc))]
    except OSError as exc:
        return [], [InputFailure(source, f"cannot read file ({exc.strerror or exc})")]
    except Exception as exc:  # a bug or library error on one file must not stop the batch
        logger.debug("unexpected error reading %s", source, exc_info=True)
        return [], [InputFailure(source, f"could not read file ({type(exc).__name__}: {exc})")]
    return [draft], []


def _read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (else Unreadable)."""
    # O_NONBLOCK: should a FIFO take the file's place after the walk looked, opening it must
    # not wait for a writer; fstat then refuses it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb", closefd=True) as handle:
        found = os.fstat(handle.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise Unreadable(not_regular(found.st_mode))
        # The size can be wrong (a growing file, /proc): read one byte past the limit to know.
        data = b"" if found.st_size > limit else handle.read(limit + 1)
    if found.st_size > limit or len(data) > limit:
        raise Unreadable(
            f"larger than the input size limit of {_size(limit)}; not read (raise the limit "
            "with --max-input-mb if the file really is an article)"
        )
    return data


def _size(limit: int) -> str:
    """``10 MB``, or ``1,500 bytes`` for a limit in no whole MB."""
    if limit % BYTES_PER_MB == 0:
        return f"{limit // BYTES_PER_MB} MB"
    return f"{limit:,} bytes"


def _read_text(decoded: Decoded, item: InputFile) -> Article:
    """Plain text: an optional headline line, then the body."""
    text = decoded.text.lstrip()
    headline = None
    first, newline, rest = text.partition("\n")
    # A headline is followed by the body or by a blank line ("Headline\n\n" alone is a
    # headline with no body; one short line without a blank line after it is body text).
    if newline and looks_like_headline(first) and (rest.strip() or rest.startswith("\n")):
        headline = one_line(first)
        text = rest
    body = paragraphs(text)
    if not body:
        raise Unreadable("headline but no body text")
    return make_draft(
        id=item.base_id,
        title=headline or derive_title(body),
        text=body,
        source=printable(item.path),
        warnings=tuple(decoded.warnings),
    )
