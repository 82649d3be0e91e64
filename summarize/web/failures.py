"""Why a try failed, in a user's words, and whether another try may do better."""

from __future__ import annotations

import email.utils
import errno
import http
import socket
import ssl
import time
from collections.abc import Mapping

import httpx

from summarize.web.records import FetchFailed


class TryFailed(FetchFailed):
    """A try that failed; ``retry``: another try may do better (after ``retry_after`` s)."""

    def __init__(
        self, reason: str, *, retry: bool, status: int = 0, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.status = status
        self.retry_after = retry_after


def status_text(status: int) -> str:
    """``HTTP 404 Not Found``."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {status} {phrase}".rstrip()


def status_failure(status: int, headers: Mapping[str, str], *, retry: bool) -> TryFailed:
    """A try answered with an error ``status``; ``retry``: one worth trying again."""
    retry_after = retry_after_s(headers.get("retry-after")) if retry else None
    return TryFailed(status_text(status), retry=retry, status=status, retry_after=retry_after)


def retry_after_s(value: str | None) -> float | None:
    """Retry-After in seconds from now (delay-seconds or an HTTP date); None when absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        return None
    return max(0.0, when.timestamp() - time.time())


def after_tries(failure: TryFailed, tries: int) -> str:
    if tries < 2:
        return failure.reason
    if failure.status:
        return f"{failure.reason} after {tries} tries"
    return f"{failure.reason} ({tries} tries)"


def transport_failure(url: httpx.URL, error: httpx.TransportError) -> TryFailed:
    """A failed connection in a user's words, and whether another try may help."""
    host = url.host
    where = f"{host}:{url.port}" if url.port is not None else host
    for cause in _causes(error):
        if isinstance(cause, socket.gaierror):
            # EAI_AGAIN is a resolver that did not answer in time; the rest is a name that
            # does not exist, which no second try changes.
            passing = cause.errno == getattr(socket, "EAI_AGAIN", None)
            return TryFailed(f"could not resolve host {host}", retry=passing)
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return TryFailed(f"connection refused by {where}", retry=True)
        if isinstance(cause, ssl.SSLError):
            detail = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
            return TryFailed(f"secure connection to {host} failed ({detail or cause})", retry=False)
    if isinstance(error, httpx.ConnectError):
        return TryFailed(f"could not connect to {where} ({error})", retry=True)
    if isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
        return TryFailed(f"the connection to {where} broke off ({error})", retry=True)
    if isinstance(error, httpx.UnsupportedProtocol):
        return TryFailed("not an http(s) URL", retry=False)
    return TryFailed(f"could not fetch it ({type(error).__name__}: {error})", retry=False)


def _causes(error: BaseException) -> list[BaseException]:
    """``error`` and what it was raised from, innermost last (httpx wraps httpcore wraps
    the socket's own error)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
