"""Input stage: turn files and folders of news articles into :class:`Article` records.

Supported inputs are plain text (``.txt``), Markdown (``.md``, ``.markdown``), HTML (``.html``,
``.htm``) and JSON Lines (``.jsonl``, one article per line). Every file is read as bytes and
decoded here (UTF-8, UTF-16/32 with a byte-order mark, else a guessed legacy encoding), so a bad
file or line becomes an :class:`InputFailure` and never stops the rest of the batch.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import lxml.html
import sentencex
from charset_normalizer import from_bytes
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from slugify import slugify

from summarize.core.errors import InputError
from summarize.core.files import printable
from summarize.core.records import Article, InputFailure

logger = logging.getLogger(__name__)

#: File-name suffixes read from folders (compared case-insensitively).
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
)

_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_JSONL_SUFFIX = ".jsonl"

#: A first line longer than this (words / characters) is body text, not a headline.
_HEADLINE_MAX_WORDS = 20
_HEADLINE_MAX_CHARS = 200
#: Derived titles are cut at a word boundary to at most this many characters (ellipsis included).
_TITLE_MAX_CHARS = 120
#: Only this much of the first paragraph is handed to the sentence splitter (characters).
_SENTENCE_SCAN_CHARS = 2000
#: Characters that end a sentence, so a first line ending in one is not a headline.
_SENTENCE_END = frozenset(".!?…。！？．‼⁉؟।")
#: Endings that mark a line as running on (a headline never ends this way).
_RUN_ON_END = frozenset(",;:、，；：")
#: Closing quotes and brackets skipped when looking at how a line ends ("... end." counts).
_CLOSERS = "\"'”’»›」』)]）】"

#: Fraction of NUL bytes, or of control / replacement characters after decoding, above which
#: a file is treated as binary rather than text with a few stray bytes.
_BINARY_RATIO = 0.1
#: Legacy code pages that charset-normalizer may pick for short Western text but that news
#: files practically never use (DOS, EBCDIC and classic Mac code pages); excluding them
#: stops e.g. French Latin-1 text being "detected" as Baltic DOS (cp775).
_UNLIKELY_CODEPAGES = frozenset(
    {
        *(f"cp{n}" for n in (37, 273, 424, 437, 500, 720, 737, 775, 850, 852, 855, 856, 857)),
        *(f"cp{n}" for n in (858, 860, 861, 862, 863, 864, 865, 866, 869, 875)),
        *(f"cp{n}" for n in (1006, 1026, 1125, 1140)),
        "hp_roman8",
        "mac_cyrillic",
        "mac_greek",
        "mac_iceland",
        "mac_latin2",
        "mac_roman",
        "mac_turkish",
    }
)
#: UTF-16 without a byte-order mark is recognised when more than this fraction of the bytes
#: on one side (odd or even offsets) are NUL and fewer than the second fraction on the other.
_UTF16_ZERO_SIDE = 0.7
_UTF16_TEXT_SIDE = 0.05
#: Accented lowercase letters of languages written in legacy Latin code pages (see
#: :func:`_alphabet_fit`): French, German, Spanish/Catalan, Portuguese, Italian, Dutch, Nordic,
#: Hungarian, Polish, Czech/Slovak, Romanian, Croatian/Slovenian, Turkish, Baltic.
_ALPHABETS: tuple[frozenset[str], ...] = tuple(
    frozenset(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",
        "äöüß",
        "áéíñóúüàçèïò",
        "áâãàçéêíóôõú",
        "àèéìíîòóùú",
        "áéíóúàèëïöüĳ",
        "åäöæøéüáíóúýþð",
        "áéíóöőúüű",
        "ąćęłńóśźż",
        "áčďéěíňóřšťúůýžäĺľŕô",
        "ăâîșțşţ",
        "čćđšž",
        "çğıöşü",
        "ąčęėįšųūžāēģīķļņõäöü",
    )
)
#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

#: C0/C1 control characters dropped from text (tab and newline are kept).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]")
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
#: Bidirectional embeddings, overrides and isolates, dropped from titles: an unclosed
#: right-to-left override in a headline reverses the rest of its line in the contents list
#: and the page title. Right-to-left text itself needs none of them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: An inline ``data:`` URI (an embedded image, font, ...) as an attribute or CSS ``url()``
#: value; short ones, and "data:" in prose, are left alone.
_DATA_URI = re.compile(r"(?P<lead>[\"'(=])\s*data:[^,\s\"'<>]*,[^\s\"'<>)]{64,}", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n")

#: Slugs are cut to this many characters before any hash suffix is added.
_SLUG_MAX_CHARS = 60
#: Names Windows refuses as file names (any extension), and names the output files use.
_RESERVED_SLUGS = frozenset(
    {"con", "prn", "aux", "nul", "clock"}
    | {f"com{n}" for n in range(10)}
    | {f"lpt{n}" for n in range(10)}
    | {"index", "results", "run"}
)

#: Elements whose text is never article text (HTML fallback extraction).
_HTML_SKIP_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "iframe", "head"}
)
#: Elements that start a new line of text (HTML fallback extraction).
_HTML_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p",
        "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_articles` found: the articles and the inputs that failed."""

    #: Articles in stable input order (inputs as given; folders in sorted relative-path order).
    articles: tuple[Article, ...]
    #: Files or JSONL lines that could not be read, with a reason a user can act on.
    failures: tuple[InputFailure, ...]


class _Unreadable(Exception):
    """A file or record that cannot become an article; the message is the failure reason."""


def _draft(**fields: Any) -> Article:
    """An article before run-wide id de-duplication and slug assignment (slug still empty)."""
    if not any(char.isalnum() for char in fields["text"]):
        # "!!!" or a stray "<" is no article: a model would invent a summary of nothing.
        raise _Unreadable("no words in the text (only punctuation or symbols)")
    title = _BIDI_CONTROLS.sub("", fields["title"]).strip()
    if not _is_visible(title):
        title = _BIDI_CONTROLS.sub("", _derive_title(fields["text"]))
    return Article(slug="", **{**fields, "title": title})


#: Letters and signs that render as blank space: Hangul fillers and the blank Braille cell.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _is_visible(text: str) -> bool:
    """Whether ``text`` shows anything: a headline of zero-width, format or filler characters
    would be a link nobody can see or have read aloud."""
    return any(
        unicodedata.category(char)[0] not in "CZ" and char not in _BLANK_GLYPHS for char in text
    )


@dataclass(frozen=True)
class _InputFile:
    """One file to read and the id its article gets when the content names none."""

    path: Path
    base_id: str


@dataclass
class _Decoded:
    """Decoded, normalised file text plus warnings met on the way."""

    text: str
    warnings: list[str] = field(default_factory=list)


def read_articles(inputs: Sequence[Path], *, exclude: Sequence[Path] = ()) -> ReadResult:
    """Read every article from ``inputs`` (files and folders), in a stable order.

    Folders are searched recursively for files with a suffix in :data:`SUPPORTED_SUFFIXES`,
    sorted by their relative POSIX path; hidden files and folders (names starting with ``.``)
    and the folders in ``exclude`` (the run's own output and cache) are skipped. A file named
    explicitly with another suffix is read as plain text. A file reached twice (e.g. named and
    inside a named folder) is read once.

    Each article gets a run-unique ``id`` (the record's own id, else the path relative to its
    input folder without suffix, else the file stem; repeats get ``~2``, ``~3``) and a
    run-unique ``slug`` that is safe as a file name on every OS.

    Raises:
        InputError: an input path does not exist. Unreadable or unparsable files and JSONL
            lines do not raise; they are returned as ``failures``. No articles at all is not
            an error here.
    """
    paths = [Path(p) for p in inputs]
    missing = [p for p in paths if not p.exists()]
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise InputError(f"input not found: {names}; check the path and try again")

    drafts: list[Article] = []
    failures: list[InputFailure] = []
    seen: set[Path] = set()
    skipped = frozenset(_resolved(Path(folder)) for folder in exclude)
    for item in _input_files(paths, skipped, failures):
        key = _resolved(item.path)
        if key in seen:
            logger.debug("skipping %s: already read", item.path)
            continue
        seen.add(key)
        new_drafts, new_failures = _read_file(item)
        drafts.extend(new_drafts)
        failures.extend(new_failures)

    for failure in failures:
        logger.info("skipped %s: %s", failure.source, failure.reason)
    return ReadResult(articles=_finalise(drafts), failures=tuple(failures))


# --- finding files ---------------------------------------------------------------------------


def _input_files(
    paths: Sequence[Path], skipped: frozenset[Path], failures: list[InputFailure]
) -> Iterator[_InputFile]:
    """Yield the files to read, in order; folders are walked in sorted relative-path order."""
    for path in paths:
        if path.is_dir():
            yield from _folder_files(path, skipped, failures)
        elif path.is_file():
            yield _InputFile(path=path, base_id=printable(path.stem or path.name))
        else:
            failures.append(InputFailure(printable(path), "not a regular file or folder"))


def _folder_files(
    root: Path, skipped: frozenset[Path], failures: list[InputFailure]
) -> list[_InputFile]:
    """Supported, non-hidden files under ``root`` outside the ``skipped`` folders (resolved
    paths), sorted by relative POSIX path."""

    def on_error(error: OSError) -> None:
        failures.append(
            InputFailure(printable(error.filename), f"cannot read folder ({error.strerror})")
        )

    found: list[tuple[str, Path]] = []
    for folder, dirnames, filenames in os.walk(root, onerror=on_error):
        # An output folder inside the input folder holds last run's pages and results.jsonl:
        # read back, they would become articles.
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".") and _resolved(Path(folder, d)) not in skipped
        ]
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                logger.debug("skipping %s: unsupported file type", path)
                continue
            found.append((path.relative_to(root).as_posix(), path))
    found.sort(key=lambda pair: pair[0])
    return [_InputFile(path=path, base_id=printable(_strip_suffix(rel))) for rel, path in found]


def _strip_suffix(relative: str) -> str:
    """``a/story.txt`` -> ``a/story`` (only the last suffix goes)."""
    head, _, name = relative.rpartition("/")
    stem = Path(name).stem or name
    return f"{head}/{stem}" if head else stem


def _resolved(path: Path) -> Path:
    """Canonical path used to read each file once."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


# --- reading one file ------------------------------------------------------------------------


def _read_file(item: _InputFile) -> tuple[list[Article], list[InputFailure]]:
    """Read one file into drafts; any problem becomes a failure for this file only.

    Paths become text with :func:`printable`: a non-UTF-8 file name must not put a lone
    surrogate into an id, slug or page.
    """
    source = printable(item.path)
    suffix = item.path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        logger.warning("%s: unsupported file type %r, reading it as plain text", source, suffix)
    try:
        data = item.path.read_bytes()
        if not data:
            raise _Unreadable("empty file")
        decoded = _decode(data, html=suffix in _HTML_SUFFIXES)
        for warning in decoded.warnings:
            logger.warning("%s: %s", source, warning)
        if not decoded.text.strip():
            raise _Unreadable("empty file (only whitespace)")
        if suffix == _JSONL_SUFFIX:
            return _read_jsonl(decoded, item)
        if suffix in _MARKDOWN_SUFFIXES:
            draft = _read_markdown(decoded, item)
        elif suffix in _HTML_SUFFIXES:
            draft = _read_html(decoded, item)
        else:
            draft = _read_text(decoded, item)
    except _Unreadable as exc:
        return [], [InputFailure(source, str(exc))]
    except OSError as exc:
        return [], [InputFailure(source, f"cannot read file ({exc.strerror or exc})")]
    except Exception as exc:  # a bug or library error on one file must not stop the batch
        logger.debug("unexpected error reading %s", source, exc_info=True)
        return [], [InputFailure(source, f"could not read file ({type(exc).__name__}: {exc})")]
    return [draft], []


def _read_text(decoded: _Decoded, item: _InputFile) -> Article:
    """Plain text: an optional headline line, then the body."""
    text = decoded.text.lstrip()
    headline = None
    first, newline, rest = text.partition("\n")
    # A headline is followed by the body or by a blank line ("Headline\n\n" alone is a
    # headline with no body; one short line without a blank line after it is body text).
    if newline and _looks_like_headline(first) and (rest.strip() or rest.startswith("\n")):
        headline = _one_line(first)
        text = rest
    body = _paragraphs(text)
    if not body:
        raise _Unreadable("headline but no body text")
    return _draft(
        id=item.base_id,
        title=headline or _derive_title(body),
        text=body,
        source=printable(item.path),
        warnings=tuple(decoded.warnings),
    )


def _read_markdown(decoded: _Decoded, item: _InputFile) -> Article:
    """Markdown: YAML front matter, the first ``#`` heading as headline, the rest as text."""
    meta, source_text = _split_front_matter(decoded.text)
    headline, blocks = _markdown_blocks(source_text, front_title=meta.get("title"))
    body = "\n\n".join(blocks)
    if not body:
        raise _Unreadable("headline but no body text" if headline else "no text in the document")
    title = meta.get("title") or headline or _derive_title(body)
    return _draft(
        id=item.base_id,
        title=title,
        text=body,
        source=printable(item.path),
        url=meta.get("url"),
        published=meta.get("date") or meta.get("published"),
        warnings=tuple(decoded.warnings),
    )


def _read_html(decoded: _Decoded, item: _InputFile) -> Article:
    """HTML: the article text as trafilatura extracts it, else the page's visible body text."""
    import trafilatura  # deferred: slow to import and only needed for HTML inputs

    # Inline data (a base64 image) is no text, and trafilatura's date search took runs of
    # digits in it for a publication year ("1996rAzK..." -> 1996-01-01): dropped first.
    html = _DATA_URI.sub(r"\g<lead>data:,", decoded.text)
    with _quiet_logger("trafilatura"):
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_recall=True,
        )
    title = url = published = None
    lines: list[str] = []
    if document is not None:
        title = _clean_line(getattr(document, "title", None))
        url = _clean_line(getattr(document, "url", None))
        published = _clean_line(getattr(document, "date", None))
        lines = _clean(getattr(document, "text", None) or "")[0].split("\n")
    tree = _parse_html(html)
    if tree is not None and not title:
        title = _first_text(tree, "//h1") or _first_text(tree, "//title")
    body = _html_paragraphs(lines, title)
    if not body and tree is not None:
        body = _html_paragraphs(_visible_body_lines(tree), title)
    if not body:
        raise _Unreadable("no article text found in the page")
    return _draft(
        id=item.base_id,
        title=title or _derive_title(body),
        text=body,
        source=printable(item.path),
        url=url,
        published=published,
        warnings=tuple(decoded.warnings),
    )


def _read_jsonl(decoded: _Decoded, item: _InputFile) -> tuple[list[Article], list[InputFailure]]:
    """JSON Lines: one article object per line; each bad line fails on its own."""
    drafts: list[Article] = []
    failures: list[InputFailure] = []
    for lineno, line in enumerate(decoded.text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{printable(item.path)}:{lineno}"
        try:
            drafts.append(_jsonl_record(line, lineno, source, item, decoded.warnings))
        except _Unreadable as exc:
            failures.append(InputFailure(source, f"line {lineno}: {exc}"))
    return drafts, failures


def _jsonl_record(
    line: str, lineno: int, source: str, item: _InputFile, file_warnings: list[str]
) -> Article:
    """One JSONL line -> draft, or :class:`_Unreadable` saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"invalid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise _Unreadable(f"expected a JSON object, got {type(record).__name__}")
    if "text" not in record or record["text"] is None:
        raise _Unreadable("record has no 'text'")
    if not isinstance(record["text"], str):
        raise _Unreadable(f"'text' must be a string, got {type(record['text']).__name__}")
    text, nuls = _clean(record["text"])
    body = _paragraphs(text)
    if not body:
        raise _Unreadable("'text' is empty")
    warnings = list(file_warnings)
    if nuls:
        warnings.append(_nul_warning("record", nuls))
        logger.warning("%s: %s", source, warnings[-1])
    record_id = _scalar_text(record.get("id"))
    return _draft(
        id=record_id or f"{item.base_id}-{lineno}",
        title=_scalar_text(record.get("title")) or _derive_title(body),
        text=body,
        source=source,
        url=_scalar_text(record.get("url")),
        published=_scalar_text(record.get("published")) or _scalar_text(record.get("date")),
        warnings=tuple(warnings),
    )


def _scalar_text(value: Any) -> str | None:
    """A JSON scalar as one clean line of text; None, empty, lists and objects give None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = value if isinstance(value, str) else str(value)
    return _clean_line(text)


# --- decoding and normalising ----------------------------------------------------------------


def _decode(data: bytes, *, html: bool = False) -> _Decoded:
    """Bytes -> normalised text (NFC, LF newlines, no control characters) and warnings."""
    warnings: list[str] = []
    text = _decode_bytes(data, warnings, html=html)
    if text and len(_BINARY_CHARS.findall(text)) / len(text) > _BINARY_RATIO:
        raise _Unreadable("looks like a binary file")
    cleaned, dropped = _clean(text)
    if dropped:
        warnings.append(_nul_warning("file", dropped))
    return _Decoded(cleaned, warnings)


def _decode_bytes(data: bytes, warnings: list[str], *, html: bool) -> str:
    """Pick the encoding: BOM, UTF-16 without BOM, UTF-8, ``<meta charset>``, then a guess."""
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            if "\ufffd" in text:
                warnings.append(f"some bytes were not valid {label} and were replaced")
            return text
    # Before UTF-8: mostly-ASCII UTF-16 is also valid UTF-8 (with a NUL in every other byte).
    utf16 = _sniff_utf16(data) if 0 in data else None
    if utf16 is not None:
        return _warn_guess(data.decode(utf16), f"{utf16.upper()} without byte-order mark", warnings)
    try:
        return data.decode("utf-8")  # NUL-heavy UTF-8 is judged as binary by the caller
    except UnicodeDecodeError:
        pass
    if data.count(0) / len(data) > _BINARY_RATIO:
        raise _Unreadable("looks like a binary file")
    if html:
        declared = _declared_html_charset(data)
        if declared is not None:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
    return _guess_encoding(data, warnings)


def _sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit in every other byte as in mostly-Latin UTF-16."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if (
            zeros.count(0) / len(zeros) > _UTF16_ZERO_SIDE
            and other.count(0) / len(other) < _UTF16_TEXT_SIDE
        ):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def _declared_html_charset(data: bytes) -> str | None:
    """The codec a page's ``<meta charset>`` names, if Python knows it."""
    match = _HTML_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # Browsers read pages labelled Latin-1 or ASCII as windows-1252 (WHATWG Encoding).
    return "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name


def _guess_encoding(data: bytes, warnings: list[str]) -> str:
    """Decode with charset-normalizer's best guess, recording which encoding it was."""
    matches = list(from_bytes(data, cp_exclusion=sorted(_UNLIKELY_CODEPAGES)))
    if not matches:
        raise _Unreadable("looks like a binary file (no text encoding fits)")
    best = matches[0]
    # charset-normalizer often cannot tell the Latin code pages apart in short text (it reads
    # French cp1252 "crème" as cp1250 "crčme"): among its equally scored candidates, take the
    # one whose accented letters all belong to one language, preferring windows-1252.
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if len(tied) > 1:
        best = max(tied, key=lambda m: (_alphabet_fit(str(m)), m.encoding == "cp1252"))
    encoding = best.encoding
    # Text often decodes identically in several code pages; name the common one then.
    if "cp1252" in best.could_be_from_charset:
        encoding = "cp1252"
    return _warn_guess(str(best), _encoding_label(encoding), warnings)


def _alphabet_fit(text: str) -> float:
    """Largest share of the accented letters in ``text`` that one language's alphabet holds.

    A wrong Latin code page mixes letters of different languages ("brűlée", "crčme"), so the
    right decoding scores higher. Text without accented Latin letters scores 0.
    """
    letters = [ch for ch in text.lower() if ord(ch) > 0x7F and ch.isalpha()]
    if not letters:
        return 0.0
    return max(sum(ch in alphabet for ch in letters) for alphabet in _ALPHABETS) / len(letters)


def _warn_guess(text: str, label: str, warnings: list[str]) -> str:
    warnings.append(f"decoded as {label} (guessed)")
    return text


def _encoding_label(encoding: str) -> str:
    """Python codec name -> the name users know (``cp1252`` -> ``windows-1252``)."""
    match = re.fullmatch(r"cp(125\d)", encoding)
    if match:
        return f"windows-{match.group(1)}"
    if encoding in {"latin_1", "iso8859_1"}:
        return "ISO-8859-1"
    return encoding.replace("_", "-").upper() if encoding.startswith("iso") else encoding


def _nul_warning(where: str, count: int) -> str:
    return f"dropped {count} NUL byte{'s' if count != 1 else ''} from the {where}"


def _clean(text: str) -> tuple[str, int]:
    """NFC, LF newlines, page breaks as newlines, control characters dropped; NULs counted."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    nuls = text.count("\x00")
    # A lone surrogate (JSON's "\ud800") could be written into no page: U+FFFD instead.
    text = printable(_CONTROL_CHARS.sub("", text))
    return unicodedata.normalize("NFC", text), nuls


def _clean_line(text: str | None) -> str | None:
    """Text as one trimmed line with single spaces; None when nothing is left."""
    if not text:
        return None
    line = _one_line(_clean(text)[0])
    return line or None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    """Body text with paragraphs separated by one blank line and no trailing whitespace.

    Text without any blank line (one paragraph per line, as in many scraped files) gets one
    paragraph per line; otherwise lines inside a paragraph are kept as they are.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    if not text:
        return ""
    if not _BLANK_LINES.search(text):
        return "\n\n".join(line for line in lines if line.strip())
    blocks = (block.strip("\n") for block in _BLANK_LINES.split(text))
    return "\n\n".join(block for block in blocks if block.strip())


# --- titles ----------------------------------------------------------------------------------


def _looks_like_headline(line: str) -> bool:
    """Short, has words, and does not end like a sentence (``."`` counts as an ending)."""
    line = line.strip()
    if not line or len(line) > _HEADLINE_MAX_CHARS or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if not any(ch.isalnum() for ch in line):
        return False
    end = line.rstrip(_CLOSERS + " ")
    return bool(end) and end[-1] not in _SENTENCE_END and end[-1] not in _RUN_ON_END


def _derive_title(body: str) -> str:
    """The first sentence of the body, cut at a word boundary to fit a title."""
    first_paragraph = _one_line(body.split("\n\n", 1)[0][:_SENTENCE_SCAN_CHARS])
    sentence = next(
        (s.strip() for s in sentencex.segment("en", first_paragraph) if s.strip()),
        first_paragraph,
    )
    return _shorten(sentence, _TITLE_MAX_CHARS)


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with ``…`` when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # else one very long word or unspaced script: cut mid-word
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


# --- Markdown --------------------------------------------------------------------------------


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` YAML front matter off; return its simple ``key: value`` pairs and the rest.

    Only flat ``key: value`` lines are read (quotes removed, keys lowercased); nested YAML is
    ignored. This avoids a YAML dependency and YAML's surprises (``title: No`` -> ``False``).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in {"---", "..."}:
            break
    else:
        return {}, text  # no closing fence: a thematic break, not front matter
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        match = re.fullmatch(r"([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*", line)
        if match is None:
            continue
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        cleaned = _clean_line(value)
        if cleaned:
            meta.setdefault(match.group(1).lower(), cleaned)
    return meta, "\n".join(lines[end + 1 :])


def _markdown_blocks(source: str, *, front_title: str | None) -> tuple[str | None, list[str]]:
    """Parse Markdown; return the headline (first level-1 heading) and plain-text paragraphs.

    When front matter gives the title, a level-1 heading is taken as a repeat of it only when
    it opens the document; elsewhere it stays in the text as a section heading.
    """
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    root = SyntaxTreeNode(parser.parse(source))
    headline_node = None
    for index, node in enumerate(root.children):
        if node.type == "heading" and node.tag == "h1":
            if front_title is None or index == 0:
                headline_node = node
            break
    blocks = _md_block_texts(root.children, skip=headline_node)
    headline = _one_line(_md_inline_text(headline_node)) if headline_node else None
    return headline or None, blocks


def _md_block_texts(nodes: Iterable[Any], skip: Any = None) -> list[str]:
    """Plain-text paragraphs for the block-level Markdown ``nodes``."""
    blocks: list[str] = []
    for child in nodes:
        if child is skip:
            continue
        kind = child.type
        if kind in {"paragraph", "heading"}:
            blocks.append(_md_inline_text(child).strip())
        elif kind in {"bullet_list", "ordered_list"}:
            blocks.append("\n".join(_md_list_lines(child, depth=0)))
        elif kind in {"code_block", "fence"}:
            blocks.append(child.content.rstrip())
        elif kind == "table":
            blocks.append("\n".join(_md_table_rows(child)))
        elif kind in {"html_block", "hr"}:
            continue  # raw HTML and rules carry no article text
        else:  # blockquote and any container a plugin adds
            blocks.extend(_md_block_texts(child.children))
    tidied = ("\n".join(line.rstrip() for line in b.split("\n") if line.strip()) for b in blocks)
    return [block for block in tidied if block]


def _md_list_lines(node: Any, depth: int) -> list[str]:
    """One line per list item (``- `` or ``1. ``), nested lists indented two spaces a level."""
    lines: list[str] = []
    number = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 0
    for item in node.children:
        marker = f"{number}." if node.type == "ordered_list" else "-"
        number += 1
        texts: list[str] = []
        nested: list[str] = []
        for child in item.children:
            if child.type in {"bullet_list", "ordered_list"}:
                nested.extend(_md_list_lines(child, depth + 1))
            else:
                texts.extend(_one_line(t) for t in _md_block_texts([child]))
        lines.append(("  " * depth + f"{marker} {' '.join(texts)}").rstrip())
        lines.extend(nested)
    return lines


def _md_table_rows(node: Any) -> list[str]:
    """Table rows as lines, cells separated by `` | ``."""
    rows: list[str] = []
    for section in node.children:
        for row in section.children:
            cells = [_one_line(_md_inline_text(cell)) for cell in row.children]
            rows.append(" | ".join(cells))
    return rows


def _md_inline_text(node: Any) -> str:
    """Inline Markdown as plain text: formatting dropped, link text and image alt text kept."""
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in {"text", "code_inline"}:
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "html_inline":
            continue
        else:  # inline container, em, strong, s, link, image (its children are the alt text)
            parts.append(_md_inline_text(child))
    return "".join(parts)


# --- HTML ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    """Hide a library's log records for a while: trafilatura logs 'empty HTML tree: None' and
    the like at ERROR without naming the file, for pages this reader reports as failures
    itself, by file."""
    library = logging.getLogger(name)
    level = library.level
    library.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        library.setLevel(level)


def _parse_html(html: str) -> Any:
    """An lxml tree of the page, or None when lxml cannot parse it."""
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except Exception:  # lxml raises several types on junk input; the caller falls back
        logger.debug("lxml could not parse the page", exc_info=True)
        return None


def _first_text(tree: Any, xpath: str) -> str | None:
    """Text of the first element matching ``xpath`` that has any."""
    for element in tree.xpath(xpath):
        text = _clean_line(element.text_content())
        if text:
            return text
    return None


def _visible_body_lines(tree: Any) -> list[str]:
    """The ``<body>``'s visible text, one line per block, without scripts and page chrome."""
    body = tree.find("body")
    if body is None:
        body = tree
    parts: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _HTML_SKIP_TAGS or not tag:  # comments, processing instructions
            parts.append(element.tail or "")
            return
        block = tag.lower() in _HTML_BLOCK_TAGS
        if block:
            parts.append("\n")
        parts.append(element.text or "")
        for child in element:
            walk(child)
        if block:
            parts.append("\n")
        parts.append(element.tail or "")

    walk(body)
    text, _ = _clean("".join(parts))
    return [_one_line(line) for line in text.split("\n")]


def _html_paragraphs(lines: list[str], title: str | None) -> str:
    """Extracted lines -> paragraphs; a leading repeat of the title is dropped.

    Consecutive ``- `` list lines stay together as one block.
    """
    lines = [_one_line(line) for line in lines]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    blocks: list[str] = []
    for line in lines:
        if blocks and line.startswith("- ") and blocks[-1].split("\n")[-1].startswith("- "):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return "\n\n".join(blocks)


# --- ids and slugs ---------------------------------------------------------------------------


def _finalise(drafts: Sequence[Article]) -> tuple[Article, ...]:
    """Make ids unique (``~2``, ``~3``) and give every article a unique, safe slug."""
    used_ids: set[str] = set()
    used_slugs: set[str] = set()
    articles: list[Article] = []
    for draft in drafts:
        article_id = draft.id
        warnings = list(draft.warnings)
        if article_id in used_ids:
            number = 2
            while f"{draft.id}~{number}" in used_ids:
                number += 1
            article_id = f"{draft.id}~{number}"
            message = f"id {draft.id!r} was already used; renamed to {article_id!r}"
            logger.warning("%s: %s", draft.source, message)
            warnings.append(message)
        used_ids.add(article_id)
        articles.append(
            replace(
                draft,
                id=article_id,
                slug=_make_slug(article_id, used_slugs),
                warnings=tuple(warnings),
            )
        )
    return tuple(articles)


def _make_slug(article_id: str, used: set[str]) -> str:
    """A lowercase ASCII ``a-z0-9-`` file stem for ``article_id``, unique among ``used``.

    Never empty, never a Windows device name or an output file name, never containing a path
    separator or ``.``, so ``<output>/<slug>.html`` always stays inside the output folder.
    """
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8]
    base = slugify(article_id, max_length=_SLUG_MAX_CHARS, word_boundary=True)
    if not base:
        slug = f"article-{digest}"
    elif base in _RESERVED_SLUGS or base in used:
        slug = f"{base[: _SLUG_MAX_CHARS - len(digest) - 1].rstrip('-')}-{digest}"
    else:
        slug = base
    candidate, number = slug, 2
    while candidate in used:
        candidate = f"{slug}-{number}"
        number += 1
    used.add(candidate)
    return candidate
