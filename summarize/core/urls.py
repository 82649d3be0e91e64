"""URLs: only plain http(s) URLs become links; hosts are shown as browsers show them; one
story's URLs and feed ids compare equal (page names, duplicates, seen stories, feed entry ids
all use these rules)."""

from __future__ import annotations

import ipaddress
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


#: Query parameters that say how a reader arrived, not which page it is: dropped.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # X / Twitter
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "_ga",  # Google Analytics cross-domain
        "_gl",
        "cmpid",
        "ocid",
        "smid",
        "at_medium",
        "at_campaign",
        "ito",
    }
)
#: Prefixes of tracking parameters (``utm_source``, ``utm_medium``, ...).
TRACKING_PREFIXES = ("utm_", "at_custom")
#: ``?amp=1``, ``?amp`` and ``?outputType=amp`` ask for the AMP rendering of the same article.
_AMP_QUERY = {("amp", "1"), ("amp", ""), ("amp", "true"), ("outputtype", "amp")}


def normalise_url(url: str | None) -> str | None:
    """``url`` in one canonical form, so that copies of one page compare equal; None for
    anything but an absolute ``http(s)`` URL.

    http and https are one; the host is lowercased, without ``www.`` and a default port; the
    fragment, a trailing slash, tracking parameters (``utm_*``, ``fbclid``, ``gclid``,
    ``mc_cid``, ...) and AMP markers (a final ``/amp`` path segment, ``?amp=1``) go; the
    remaining query parameters are sorted. The path keeps its case (servers tell it apart).
    """
    href = safe_href(url)
    if href is None:
        return None
    parts = urlsplit(href)
    host = (parts.hostname or "").rstrip(".")
    host = host.removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # a port that is no number: not a URL a browser would open
        return None
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    # /amp is the AMP rendering of the page it ends (news sites' convention); never the page's
    # own last segment, which is a slug or an id.
    path = re.sub(r"/amp/?$", "/", path)
    path = path.rstrip("/")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key) and (key.lower(), value.lower()) not in _AMP_QUERY
    ]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def guid_key(guid: str | None, publisher: str | None) -> str | None:
    """The key a feed id is matched by; None without one.

    A feed id is unique only within its feed (two feeds may both number their entries from
    1), so it counts together with the publisher's name, unless it is a URL or a URN
    (``tag:``, ``urn:uuid:``), which are unique anywhere.
    """
    guid = (guid or "").strip()
    if not guid:
        return None
    if re.match(r"^(?:https?://|urn:|tag:)", guid, re.IGNORECASE):
        return normalise_url(guid) or guid
    return f"{(publisher or '').casefold()}\x00{guid}"


def private_host(host: str | None) -> bool:
    """Whether ``host`` names this machine or a private network by itself: ``localhost``, or
    an IP address that is not global (loopback, private, link-local). Names are not resolved
    (a look-up would leave the machine; the fetcher's connection is what reaches the host)."""
    if not host:
        return False
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def host_of(url: str | None) -> str | None:
    """The lowercased host of a plain http(s) URL, else None."""
    href = safe_href(url)
    return urlsplit(href).hostname if href is not None else None


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
