"""The Jinja environment: where templates are found, how they load, whom an error blames."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from summarize.core.errors import ConfigError

#: Package that holds the built-in templates once installed (mapped from the top-level folder).
TEMPLATES_PACKAGE = "summarize.templates"
#: Template that renders one language edition.
EDITION_TEMPLATE = "edition.html"
#: Paragraph break in summaries and translations: a blank line.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def builtin_templates_dir() -> Path:
    """Locate the directory of built-in templates.

    Installed, the templates are the package data ``summarize.templates``; in a source
    checkout they are the top-level ``templates/`` folder next to the ``summarize`` package.
    Returns a real directory on the file system.
    """
    try:
        # joinpath() on a file turns a namespace package's MultiplexedPath into a real Path.
        marker = resources.files(TEMPLATES_PACKAGE).joinpath("base.html")
    except (ModuleNotFoundError, TypeError):
        marker = None
    if isinstance(marker, Path) and marker.is_file():
        return marker.parent
    return Path(__file__).resolve().parents[2] / "templates"


def make_environment(user_templates: Path | None = None) -> jinja2.Environment:
    """Create the Jinja environment used for every page.

    Autoescaping is on for every template and string, and undefined variables raise
    (``StrictUndefined``). Templates are looked up in ``user_templates`` first, then in the
    built-in templates, so a user directory may override any single template (a page, a
    partial or ``style.css``) and the rest fall back to the built-ins. A user template can
    extend the built-in it replaces as ``builtin/<name>``.

    Raises:
        ConfigError: ``user_templates`` is given but is not an existing directory.
    """
    builtin = builtin_templates_dir()
    search_path = [builtin]
    if user_templates is not None:
        user_templates = Path(user_templates)
        if not user_templates.is_dir():
            raise ConfigError(
                f"templates directory {str(user_templates)!r} does not exist or is not a "
                "directory; pass an existing folder of Jinja2 templates to --templates, or "
                "leave it out to use the built-in templates"
            )
        search_path.insert(0, user_templates)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"builtin": _Utf8Loader(builtin)}),
            _Utf8Loader(search_path),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = _paragraphs
    return env


class _Utf8Loader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose template that is not UTF-8 (saved as Latin-1, say) is a
    template error naming the file, not a bare UnicodeDecodeError."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Any]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            raise jinja2.TemplateSyntaxError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8",
                lineno=1,
                name=template,
            ) from exc


def _paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines (a Jinja filter)."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def render_template(
    env: jinja2.Environment,
    name: str,
    context: dict[str, Any],
    user_templates: Path | None,
) -> str:
    """Render one template; a user template's error becomes a ConfigError naming it."""
    with blamed_on(user_templates, name, "template"):
        return env.get_template(name).render(context)


@contextlib.contextmanager
def blamed_on(user_templates: Path | None, name: str, kind: str) -> Iterator[None]:
    """With user templates, any error in the block (a Jinja error, a type error or a division
    by zero in a template, a catalogue string format() cannot fill in) is a ConfigError
    naming ``name`` (a template's own name when Jinja knows it) and the folder, not a
    traceback. Without them, errors are bugs and pass through."""
    try:
        yield
    except ConfigError:
        raise
    except Exception as exc:
        if user_templates is None:
            raise
        # Only Jinja's errors name a template (an AttributeError's name is the attribute's).
        where = (
            getattr(exc, "name", None) if isinstance(exc, jinja2.TemplateError) else None
        ) or name
        raise ConfigError(
            f"{kind} {where!r} (templates directory {str(user_templates)!r}) failed: {exc}; "
            f"fix the {kind} or remove it to use the built-in one"
        ) from exc
