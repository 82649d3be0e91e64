"""URLs: only plain http(s) URLs become links; hosts are shown as browsers show them."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Only these URL schemes become links; anything else (``javascript:``, ``data:``) is text.
_SAFE_SCHEMES = frozenset({"http", "https"})
#: ASCII controls and whitespace, which browsers strip or ignore inside URLs, and the
#: backslash, which they read as "/" where Python's urlsplit does not: with it, the host the
#: link goes to ("https://evil\\@good") is not the one the page names.
_URL_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
#: ``scheme://`` at the start of an input: a URL, not a path (a path holds no ``://``, and
#: ``C:/`` has one slash).
_URL_START = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def url_scheme(text: str) -> str | None:
    """The lowercased scheme of ``text`` when it is written as a URL (``https://...``), else
    None: inputs and config-file entries tell URLs from paths with it."""
    match = _URL_START.match(text)
    return match.group(1).lower() if match else None


#: Query parameters that track a click rather than name a page.
_TRACKING_PARAMETER = re.compile(r"^(?:utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$")


def safe_href(url: str | None) -> str | None:
    """Return ``url`` if it is safe to emit as a link (absolute ``http``/``https`` with a
    host), else None."""
    if not url:
        return None
    url = url.strip()
    if _URL_UNSAFE_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return None
    return url


def normalised_url(url: str) -> str:
    """``url`` as the same story's URL is compared (page names, feed entry ids): scheme and
    host lowercased, no fragment, no default port, no click-tracking parameters, no trailing
    slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # a port that is no number: left out, as a browser would refuse it
        port = None
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port in (None, default) else f"{host}:{port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMETER.match(key.lower())
        ]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def display_host(host: str | None) -> str | None:
    """``host`` as the card names it: a label mixing alphabets ("pаypal" with a Cyrillic
    "а") in its ASCII form (``xn--pypal-4ve``), as browsers show it, so a look-alike of a
    known site does not pass for it; labels in one alphabet ("münchen", "президент") as
    written."""
    if host is None or host.isascii():
        return host
    return ".".join(
        _ascii_label(label) if _mixes_alphabets(label) else label for label in host.split(".")
    )


def _mixes_alphabets(label: str) -> bool:
    scripts = {unicodedata.name(char, "").split(" ", 1)[0] for char in label if char.isalpha()}
    # Japanese writes one name in Han, Hiragana and Katakana: that mix is no disguise.
    if scripts & _JAPANESE_SCRIPTS:
        scripts = scripts - _JAPANESE_SCRIPTS | {"JAPANESE"}
    return len(scripts) > 1


#: Scripts (first word of a character's Unicode name) that Japanese mixes in one word.
_JAPANESE_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA"})


def _ascii_label(label: str) -> str:
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--" + label.encode("punycode").decode("ascii")
