"""A :class:`~summarize.core.records.Briefing` as HTML pages, ``results.jsonl`` and run.json.

The pages are ``index.html`` (the English front page), one edition per target language
(``briefing.<code>.html``: translated headlines and summaries and every label in that
language, dates formatted for its locale with Babel) and each edition's own page per article
(``<slug>.html`` in English, with all languages side by side; ``<slug>.<code>.html``). The
run's internals (input files, chunks, device, precision, run times, failed inputs) are on
each edition's "About this briefing" page (``about.html``, ``about.<code>.html``), linked
from every page's footer. Each available edition also has two feeds, ``feed.<code>.xml``
(Atom) and ``feed.<code>.json`` (JSON Feed), announced in its front page's head
(:mod:`summarize.outputs.feeds`); ``--archive`` keeps every run in a dated folder
(:mod:`summarize.outputs.archive`).
Quality flags, the status line and an unavailable language are said in the page's language;
English diagnostics stay in results.jsonl and run.json.
UI strings come from message catalogues, ``messages/<code>.json`` in the templates folder;
a string missing from a language's catalogue (or a language without one) falls back to
English, one string at a time.

Everything is rendered in memory first, then written atomically, so a template error never
leaves a half-written briefing behind. Article text, titles, sources and summaries are
untrusted: templates are autoescaped, data is never rendered as a template, and a link is
emitted for an article's URL only when it is plain ``http``/``https``.
"""

from __future__ import annotations

from summarize.outputs.briefing import check_templates, write_briefing
from summarize.outputs.context import build_context
from summarize.outputs.environment import builtin_templates_dir, make_environment
from summarize.outputs.layout import ABOUT_FILE, EDITION_FILE, INDEX_FILE
from summarize.outputs.messages import Messages, load_messages
from summarize.outputs.report import (
    RUN_REPORT_FILE,
    build_run_report,
    files_of_last_run,
    write_run_report,
)
from summarize.outputs.results import result_record

__all__ = [
    "ABOUT_FILE",
    "EDITION_FILE",
    "INDEX_FILE",
    "RUN_REPORT_FILE",
    "Messages",
    # The module the runners call in archive mode; not imported here (see "writer").
    "archive",
    "build_context",
    "build_run_report",
    "builtin_templates_dir",
    "check_templates",
    "files_of_last_run",
    "load_messages",
    "make_environment",
    "result_record",
    "write_briefing",
    "write_run_report",
    # The module the runners call; not imported here: it imports summarize itself.
    "writer",
]
