"""What each input names: a local path, a web address, or standard input, told apart once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from summarize.core.errors import InputError
from summarize.core.urls import safe_href, url_scheme

#: What stands for standard input among the inputs.
STDIN = "-"
#: The URL schemes an input may have; any other is a usage error naming these.
WEB_SCHEMES = ("http", "https")

SourceKind = Literal["path", "url", "stdin"]


@dataclass(frozen=True)
class InputSource:
    """One input as the user gave it, and what kind of thing it names."""

    kind: SourceKind
    #: As given: a path, a URL, or ``-``.
    text: str

    @property
    def path(self) -> Path:
        """The input as a path (for ``path`` inputs)."""
        return Path(self.text)


def classify(given: str | Path | InputSource) -> InputSource:
    """``given`` as an InputSource; a URL of another scheme than http(s) is an InputError."""
    if isinstance(given, InputSource):
        return given
    if isinstance(given, Path):
        return InputSource("path", str(given))
    if given == STDIN:
        return InputSource("stdin", given)
    scheme = url_scheme(given)
    if scheme is None:
        return InputSource("path", given)
    if scheme not in WEB_SCHEMES or safe_href(given) is None:
        raise InputError(
            f"{given}: cannot read {scheme}:// URLs (or this one is malformed); give an "
            "http:// or https:// URL, or a local file or folder (download it first)"
        )
    return InputSource("url", given)


def classify_all(inputs: Sequence[str | Path | InputSource]) -> tuple[InputSource, ...]:
    """Every input classified; ``-`` named twice is an InputError (standard input is read
    once)."""
    sources = tuple(classify(given) for given in inputs)
    if sum(source.kind == "stdin" for source in sources) > 1:
        raise InputError(
            "- (standard input) is named more than once; it can be read only once, so name it once"
        )
    return sources
