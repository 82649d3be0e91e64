"""Shared fixtures: an offline, throwaway Hugging Face environment and the tiny models.

huggingface_hub reads ``HF_HUB_OFFLINE`` and ``HF_HOME`` once, when it is first imported
(``huggingface_hub.constants``), and transformers asks it whether it is offline. Setting them
in a fixture therefore only reaches code that reads the environment later (subprocesses, the
CLI); ``pytest_configure`` sets them for the whole session before any test module imports
transformers, and this file imports nothing from it at module level for the same reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.disks import SmallDisk, mounted_tmpfs
from support.webserver import PROXY_VARIABLES, WebServer

# Variables that keep transformers / huggingface_hub off the network. HF_HOME is set
# separately, to a temp dir, so nothing reads or writes the user's cache either. A test that
# switches downloads on still reaches only this machine: the Hub endpoint is a closed port on
# 127.0.0.1 (tests that serve a Hub set their own). Ray reports usage only when asked, but a
# user's ~/.ray config may ask: the tests say no.
_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_ENDPOINT": "http://127.0.0.1:9",
    "RAY_USAGE_STATS_ENABLED": "0",
}

# Environment as it was before pytest_configure, and the session HF_HOME, for unconfigure.
_saved_env: dict[str, str | None] = {}
_session_hf_home: list[str] = []


def _set_env(values: dict[str, str]) -> dict[str, str | None]:
    """Set environment variables; return their previous values (None: was unset)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    return previous


def _restore_env(previous: dict[str, str | None]) -> None:
    """Undo :func:`_set_env`."""
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_configure(config: pytest.Config) -> None:
    """Go offline with an empty HF_HOME before any test module imports huggingface_hub."""
    home = tempfile.mkdtemp(prefix="summarize-hf-home-")
    _session_hf_home.append(home)
    _saved_env.update(_set_env({**_OFFLINE_ENV, "HF_HOME": home}))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Restore the environment and delete the session HF_HOME."""
    _restore_env(_saved_env)
    _saved_env.clear()
    while _session_hf_home:
        shutil.rmtree(_session_hf_home.pop(), ignore_errors=True)


@pytest.fixture(autouse=True)
def offline_hf(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test offline, with an empty temp ``HF_HOME`` of its own."""
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))
    for name, value in _OFFLINE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The tiny random models (``support.tiny_models.build_all``), built once per session."""
    # Imported here: importing transformers takes seconds, and only tests using this pay it.
    from support.tiny_models import build_all

    # Session fixtures run before the function-scoped autouse one above, so the build sets its
    # own offline environment (restored afterwards; monkeypatch is function-scoped only).
    previous = _set_env({**_OFFLINE_ENV, "HF_HOME": str(tmp_path_factory.mktemp("hf-home-build"))})
    try:
        models = build_all(tmp_path_factory.mktemp("tiny-models"))
    finally:
        _restore_env(previous)
    yield models


@pytest.fixture(scope="session")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Replica folders of real checkpoints (``support.replicas``), built once per session.

    Keys are Hub ids (the published snapshot) and ``"<hub id>@<variant>"``.
    """
    from support.replicas import build_all_replicas

    previous = _set_env({**_OFFLINE_ENV, "HF_HOME": str(tmp_path_factory.mktemp("hf-home-rep"))})
    try:
        models = build_all_replicas(tmp_path_factory.mktemp("replicas"))
    finally:
        _restore_env(previous)
    yield models


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 1 MiB tmpfs at ``tmp_path / "disk"`` (``support.disks``); skipped where none mounts."""
    with mounted_tmpfs(tmp_path / "disk", 1 << 20) as disk:
        yield disk


@pytest.fixture
def web_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebServer]:
    """An HTTP server on 127.0.0.1 that the test gives routes (``support.webserver``), with
    no proxy from the environment in the way (httpx would honour HTTP_PROXY)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with WebServer() as server:
        yield server
