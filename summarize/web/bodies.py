"""Reading a response body within a size limit, decoding gzip and deflate ourselves.

httpx decodes each network chunk in one go, so a 64 KB chunk of a gzip bomb can become
tens of megabytes before anyone counts; here every decoded piece is capped at what the limit
still allows, so memory stays within the limit whatever the compression ratio.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable

from summarize.web.records import FetchFailed

#: The encodings we ask for (Accept-Encoding) and can decode within a limit.
ACCEPT_ENCODING = "gzip, deflate"

_BYTES_PER_MB = 1_000_000


def size_text(limit: int) -> str:
    """``10_000_000`` as ``10 MB``; small limits in KB or bytes."""
    if limit >= _BYTES_PER_MB:
        return f"{limit / _BYTES_PER_MB:g} MB"
    if limit >= 1000:
        return f"{limit / 1000:g} KB"
    return f"{limit} bytes"


def too_large(limit: int) -> FetchFailed:
    return FetchFailed(f"larger than {size_text(limit)}")


class _Decoder:
    """One Content-Encoding, decoded in pieces of at most a given size."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: the
            # first byte tells (0x78 is the zlib header of any usual window size).
            self._zlib = None
        elif encoding not in ("", "identity"):
            raise FetchFailed(f"the server sent an encoding we did not ask for ({encoding})")

    def decode(self, data: bytes, room: int) -> bytes:
        """Decoded ``data``, at most ``room + 1`` bytes: one more than fits means too large."""
        if self.encoding in ("", "identity"):
            return data
        if self._zlib is None:  # deflate, first chunk
            wbits = zlib.MAX_WBITS if data[:1] == b"\x78" else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits)
        try:
            return self._zlib.decompress(data, room + 1)
        except zlib.error as error:
            raise FetchFailed(f"the {self.encoding} body is damaged ({error})") from None


def read_bounded(
    chunks: Iterable[bytes],
    *,
    content_encoding: str,
    limit: int,
    truncate: bool = False,
    deadline: float | None = None,
    on_deadline: Callable[[], FetchFailed] | None = None,
) -> bytes:
    """The decoded body from raw ``chunks``, failing "larger than N MB" past ``limit`` bytes
    (``truncate``: cut there instead) and ``on_deadline()`` once the monotonic ``deadline``
    passes between chunks (a body trickled slowly never trips a per-read timeout)."""
    encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
    if len(encodings) > 1:
        raise FetchFailed(f"the server sent a stacked encoding we cannot read ({content_encoding})")
    decoder = _Decoder(encodings[0] if encodings else "")
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        if deadline is not None and on_deadline is not None and time.monotonic() > deadline:
            raise on_deadline()
        piece = decoder.decode(chunk, limit - size)
        size += len(piece)
        parts.append(piece)
        if size > limit:
            if truncate:
                return b"".join(parts)[:limit]
            raise too_large(limit)
    return b"".join(parts)


def parse_content_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type and ``charset`` of a Content-Type header, lowercased, or None each."""
    if not header:
        return None, None
    media, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").strip().lower() or None
    return media.strip().lower() or None, charset
