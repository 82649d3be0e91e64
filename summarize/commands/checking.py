"""``summarize check``: the run's quality checks on summaries and translations made elsewhere.

Reads JSONL, one item a line: a translation (``source``, ``translation``, ``language``), a
summary (``article``, ``summary``), or both in the shape of ``results.jsonl`` (``summary``
and ``translations``: language -> text), a run's results.jsonl as it is. Each line gets the
checks ``summarize run`` gives its articles (:func:`summarize.quality.check_article`, with
the same thresholds) and one JSONL record back: its ``id`` and ``warnings``, written as
results.jsonl writes them. No seq2seq model is loaded; nothing leaves the machine.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.core.errors import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    ConfigError,
    InputError,
    SummarizeError,
)
from summarize.core.files import terminal_safe, write_atomic
from summarize.core.languages import get_language
from summarize.core.records import QualityWarning
from summarize.inputs import BYTES_PER_MB, classify_all, read_articles
from summarize.quality import check_article, check_translation, sentence_pairs, warning_records

logger = logging.getLogger(__name__)

#: What stands for standard input (or output) on the command line.
STANDARD_STREAM = "-"
#: The run report next to a results.jsonl, which names the run's inputs.
RUN_REPORT = "run.json"


class BadLine(SummarizeError):
    """A JSONL line ``summarize check`` cannot use; its message says what it lacks."""


@dataclass(frozen=True)
class CheckedLine:
    """One input line's result: its warnings, or why it could not be checked."""

    number: int
    id: Any
    warnings: tuple[QualityWarning, ...] = ()
    #: Why the line was unusable (None: it was checked).
    error: str | None = None

    def as_record(self) -> dict[str, Any]:
        """The line's output record: ``id``, ``warnings`` (and ``error`` for an unusable line)."""
        record: dict[str, Any] = {"id": self.id, "warnings": warning_records((), self.warnings)}
        if self.error is not None:
            record["error"] = self.error
        return record


@dataclass
class CheckOutcome:
    """Every line's result, and what the command says and returns."""

    lines: list[CheckedLine] = field(default_factory=list)
    #: Summaries checked without their article (not given, not found): no numbers or names.
    without_article: int = 0

    @property
    def exit_code(self) -> int:
        """2 when a line was unusable, else 1 when something was flagged, else 0."""
        if any(line.error is not None for line in self.lines):
            return EXIT_USAGE
        return EXIT_SOME_FAILED if any(line.warnings for line in self.lines) else EXIT_OK

    def messages(self) -> list[str]:
        """Lines for stderr: each unusable input line, then a one-line summary."""
        said = [
            f"summarize: line {line.number}: {terminal_safe(line.error)}"
            for line in self.lines
            if line.error is not None
        ]
        checked = [line for line in self.lines if line.error is None]
        flagged = sum(1 for line in checked if line.warnings)
        warnings = sum(len(line.warnings) for line in checked)
        summary = (
            f"summarize: {len(checked)} checked, {flagged} flagged ({warnings} warnings)"
            f", {len(self.lines) - len(checked)} unusable"
        )
        if self.without_article:
            summary += (
                f"; {self.without_article} summaries without their article (numbers and names "
                "not checked)"
            )
        return [*said, summary]


def check(source: str | Path, output: Path | None = None) -> CheckOutcome:
    """Check every line of the JSONL file ``source`` (``-``: standard input) and write one
    record per line to ``output`` (None: standard output)."""
    from_stdin = str(source) == STANDARD_STREAM
    path = None if from_stdin else Path(source)
    if path is not None and not path.is_file():
        what = "not a file" if path.exists() else "no such file"
        raise InputError(f"{source}: {what}; give a JSONL file, or - for standard input")
    articles = _RunArticles(path.parent / RUN_REPORT if path is not None else None)
    outcome = CheckOutcome()
    for number, raw in _numbered_lines(path):
        outcome.lines.append(_check_line(number, raw, articles, outcome))
    text = "".join(
        json.dumps(line.as_record(), ensure_ascii=False) + "\n" for line in outcome.lines
    )
    if output is None or str(output) == STANDARD_STREAM:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, text)
    return outcome


def _numbered_lines(path: Path | None) -> Iterator[tuple[int, bytes]]:
    """Each non-blank line with its number (from 1), as bytes: each decodes on its own."""
    try:
        opened = nullcontext(sys.stdin.buffer) if path is None else path.open("rb")
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from error
    with opened as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield number, raw


def _check_line(
    number: int, raw: bytes, articles: _RunArticles, outcome: CheckOutcome
) -> CheckedLine:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return CheckedLine(number, None, error="not UTF-8 text")
    except ValueError as error:
        return CheckedLine(number, None, error=f"not JSON ({error})")
    if not isinstance(record, dict):
        return CheckedLine(number, None, error="not a JSON object")
    try:
        warnings, has_article = check_record(record, articles.find)
    except BadLine as error:
        return CheckedLine(number, record.get("id"), error=str(error))
    if not has_article:
        outcome.without_article += 1
    return CheckedLine(number, record.get("id"), tuple(warnings))


def check_record(
    record: Mapping[str, Any],
    find_article: Callable[[Mapping[str, Any]], str | None] | None = None,
) -> tuple[list[QualityWarning], bool]:
    """The warnings for one JSONL item, and whether its summary was checked against its article
    (True when it has no summary).

    ``find_article`` maps a results.jsonl record to its article's text (None: not found).

    Raises:
        BadLine: the item holds neither a summary nor a translation, or a field is not text.
    """
    summary = _text(record, "summary")
    warnings: list[QualityWarning] = []
    has_article = True
    if "translation" in record:
        source = _text(record, "source") or summary
        translation = _text(record, "translation")
        if source is None or translation is None:
            raise BadLine('a translation needs its English "source" and the "translation"')
        language = _language(record.get("language"))
        warnings += check_translation(
            source, translation, language, sentence_pairs(source, translation, language)
        )
    if summary is not None:
        article = _text(record, "article")
        if article is None and find_article is not None:
            article = find_article(record)
        has_article = article is not None
        translations = _translations(record.get("translations"))
        warnings += check_article(
            summary,
            [article] if article is not None else None,
            translations,
            {
                language: pairs
                for language, text in translations.items()
                if (pairs := sentence_pairs(summary, text, language)) is not None
            },
            # An article summarised from its English translation (pivot) is not English:
            # names can only be compared with English text, as in the run.
            names=record.get("pivot") is None,
        )
    elif "translation" not in record:
        raise BadLine(
            'neither a "summary" nor a "translation": see `summarize check --help` for the '
            "shapes of a line"
        )
    return warnings, has_article


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise BadLine(f'"{key}" is not text but {type(value).__name__}')


def _language(value: Any) -> str:
    if not isinstance(value, str):
        raise BadLine('a translation needs the code of its "language", such as "hu"')
    try:
        return get_language(value).code
    except ConfigError as error:
        raise BadLine(str(error)) from None


def _translations(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
        raise BadLine('"translations" is not an object of language code -> text')
    return {_language(code): text for code, text in value.items()}


class _RunArticles:
    """The articles of the run whose run.json is given, read from its inputs when first asked."""

    def __init__(self, report: Path | None) -> None:
        self.report = report
        self.texts: dict[str, str] | None = None

    def find(self, record: Mapping[str, Any]) -> str | None:
        """The text of the article a results.jsonl record names, or None when not found."""
        if self.texts is None:
            self.texts = self._read()
        # Ids come from the inputs' paths (repeats numbered in reading order), so the same
        # inputs read again give every article its run's id.
        key = record.get("id")
        return self.texts.get(key) if isinstance(key, str) else None

    def _read(self) -> dict[str, str]:
        if self.report is None or not self.report.is_file():
            return {}
        try:
            report = json.loads(self.report.read_text(encoding="utf-8"))
            settings = report["settings"]
            sources = classify_all([str(each) for each in settings["inputs"]])
        except (OSError, ValueError, KeyError, TypeError, InputError) as error:
            logger.warning("%s: cannot read its inputs (%s)", self.report, error)
            return {}
        # Local files only: URLs are not fetched again (a check makes no request) and standard
        # input is gone.
        inputs = [source.path for source in sources if source.kind == "path"]
        # Paths as the run was given them: relative to where it ran, most often the folder
        # above its output folder (``summarize run seeds -o outputs``).
        found = [_existing(each, self.report.parent.parent) for each in inputs]
        paths = [each for each in found if each is not None]
        if not paths:
            logger.warning("%s: none of the run's inputs is here any more", self.report)
            return {}
        cache = settings.get("cache")
        exclude = [self.report.parent] + ([Path(cache)] if isinstance(cache, str) else [])
        limit = settings.get("max_input_mb")
        entries = settings.get("max_feed_entries")
        read = read_articles(
            paths,
            exclude=exclude,
            max_bytes=int(limit * BYTES_PER_MB) if isinstance(limit, int | float) else None,
            max_feed_entries=entries if isinstance(entries, int) and entries > 0 else None,
        )
        return {article.id: article.text for article in read.articles}


def _existing(path: Path, run_folder: Path) -> Path | None:
    if path.exists():
        return path
    beside = run_folder / path
    return beside if not path.is_absolute() and beside.exists() else None
