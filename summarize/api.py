"""The Python API: run a briefing, or summarise and translate texts in memory.

Both take the settings of ``summarize run`` as keyword arguments, named as in the config file
(``summary_model``, ``languages``, ``device``, ``num_beams``...), and check them as the command
line does: a bad value raises :class:`~summarize.core.errors.ConfigError` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from summarize.core.config import RunConfig, build_run_config
from summarize.core.errors import ConfigError, InputError
from summarize.core.progress import ProgressFactory, silent_progress
from summarize.core.records import ArticleOutcome
from summarize.inputs import read_texts
from summarize.outputs.writer import RunOutcome
from summarize.runners import local

__all__ = ["run", "summarise"]


def run(
    inputs: Sequence[str | Path] | str | Path = ("seeds",),
    output: str | Path = "outputs",
    *,
    progress: ProgressFactory = silent_progress,
    **settings: Any,
) -> RunOutcome:
    """Run the batch job as ``summarize run`` does, writing the briefing into ``output``.

    ``inputs`` are files, folders (read recursively), http(s) URLs of pages or feeds, or ``-``
    (standard input); ``settings`` are the config file's keys (``archive="DIR"`` keeps every
    run in ``DIR/<date>/`` and ``output`` is not used). Returns what was written:
    ``outcome.briefing`` (the articles and
    failures), ``outcome.written`` (the files) and ``outcome.report`` (run.json).

    Raises ConfigError for a bad setting, InputError when there is nothing to read, and
    RunInterrupted (after writing what is done) on Ctrl-C; an article that fails does not
    raise: it is in ``outcome.briefing.failures``.

    Example::

        import summarize

        outcome = summarize.run(["news/"], "briefing/", languages=["hu", "uk"])
        print(len(outcome.briefing.results), "articles,", outcome.failed, "failed")
    """
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    # archive="DIR" writes DIR/<date>/ instead of ``output`` (which has a default, so it is
    # not passed on: --archive with -o is refused).
    where = {} if settings.get("archive") is not None else {"output": Path(output)}
    config = build_run_config({"inputs": [str(p) for p in paths]} | where | settings)
    return local.run(config, progress)


def summarise(
    texts: Sequence[str],
    *,
    languages: Sequence[str] = (),
    **settings: Any,
) -> list[ArticleOutcome]:
    """Summarise ``texts`` (articles, in any language the tool detects) and translate each
    summary into ``languages``, in memory: nothing is written, no cache is kept unless
    ``cache_dir`` is given.

    Returns one outcome per text, in order: ``summary.text``, ``translations[code]``, the
    detected ``language``, the ``quality_warnings`` the checks raised, and ``failure`` (None
    unless that text failed; the others are still done). A text whose first line looks like a
    headline gets it as its ``article.title``, as a ``.txt`` file would. A language whose
    translation model failed to load (or failed on every text) is missing from every
    ``translations``; the log says why.

    Each call loads its models once for all its texts: pass the texts together.

    Example::

        import summarize

        [result] = summarize.summarise([article_text], languages=["hu"])
        print(result.summary.text, result.translations["hu"], sep="\\n")
    """
    if isinstance(texts, str):
        raise ConfigError("summarise() takes a list of texts; wrap a single text in a list")
    read = read_texts(texts)
    if read.failures:
        problems = "; ".join(f"{failure.source}: {failure.reason}" for failure in read.failures)
        raise InputError(f"nothing to summarise in {problems}")
    config = _in_memory_config(languages, settings)
    computation = local.compute(config, read.articles, silent_progress)
    return computation.outcomes(config.languages)


def _in_memory_config(languages: Sequence[str], settings: Mapping[str, Any]) -> RunConfig:
    """The settings of an in-memory call: checked as the command line's, quiet, no cache
    unless one is named, and no languages unless some are asked for."""
    if isinstance(languages, str):
        languages = [code for code in languages.split(",") if code.strip()]
    given = {"quiet": True, "no_cache": "cache_dir" not in settings} | dict(settings)
    if languages:
        given["languages"] = list(languages)
    config = build_run_config(given)
    return config if languages else replace(config, languages=())
