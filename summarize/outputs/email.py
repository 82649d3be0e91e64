"""The email edition: each edition's briefing as one HTML file a mail client can show.

Mail clients drop ``<style>`` elements and media queries, or honour only some of them, so the
page is a single 600 px column of tables with every rule inlined into ``style=`` attributes
(by css-inline). It loads nothing: no scripts, images, fonts or remote stylesheets.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from summarize.core.files import printable
from summarize.core.languages import SOURCE_LANGUAGE
from summarize.core.records import Briefing, RunInfo
from summarize.outputs.context import build_context
from summarize.outputs.environment import blamed_on, render_template
from summarize.outputs.layout import edition_codes
from summarize.outputs.messages import catalogue_name, load_user_messages

#: Template of the email edition; it gets an edition page's context plus ``email_sections``.
EMAIL_TEMPLATE = "email.html"
#: The English email edition's file name (the English web edition is ``index.html``).
ENGLISH_EMAIL_FILE = "briefing.email.html"
#: A language's email edition's file name; ``code`` is a target language code.
EMAIL_FILE = "briefing.{code}.email.html"


def email_name(code: str) -> str:
    """File name of a language's email edition (English: :data:`ENGLISH_EMAIL_FILE`)."""
    return ENGLISH_EMAIL_FILE if code == SOURCE_LANGUAGE else EMAIL_FILE.format(code=code)


def email_codes(run: RunInfo) -> list[str]:
    """Languages with an email edition, in output order: English, then the web editions'."""
    return [SOURCE_LANGUAGE, *edition_codes(run)]


def email_names(run: RunInfo) -> list[str]:
    """File names of the run's email editions, in :func:`email_codes` order."""
    return [email_name(code) for code in email_codes(run)]


def render_emails(
    env: jinja2.Environment, briefing: Briefing, user_templates: Path | None
) -> list[str]:
    """Every email edition of ``briefing``, in :func:`email_codes` order, CSS inlined."""
    pages = []
    for code in email_codes(briefing.run):
        with blamed_on(user_templates, catalogue_name(code), "message catalogue"):
            context = build_context(
                briefing, code, messages=load_user_messages(code, user_templates)
            )
        html = render_template(env, EMAIL_TEMPLATE, email_context(context), user_templates)
        with blamed_on(user_templates, EMAIL_TEMPLATE, "template"):
            pages.append(inline_css(html))
    return pages


def email_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """An edition's template context plus ``email_sections``: the front page's sections
    (``sections``, see :func:`build_context`), each ``{name, heading, anchor, articles}``."""
    return {**context, "email_sections": context["sections"]}


def inline_css(html: str) -> str:
    """``html`` with its ``<style>`` rules moved into ``style=`` attributes and the element
    removed; nothing is fetched (a ``<link>`` stylesheet is dropped, not loaded)."""
    import css_inline  # deferred: only a run that writes a briefing needs it

    # A lone surrogate (a non-UTF-8 folder name in the run's facts) is U+FFFD, as on the
    # other pages: the inliner takes only text UTF-8 can encode.
    html = printable(html)
    inliner = css_inline.CSSInliner(
        keep_style_tags=False,
        keep_link_tags=False,
        keep_at_rules=False,
        load_remote_stylesheets=False,
    )
    return str(inliner.inline(html))
