"""The CPU memory allocator settings: in force for CPU runs on glibc, and only there."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.articles import SEED
from support.configs import marian_config
from support.spies import GenerateSpy

from summarize.engines import allocator

on_glibc = pytest.mark.skipif(
    sys.platform != "linux" or not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"),
    reason="glibc's malloc only",
)

# Where a worker thread's 64 MiB block lands: in the main heap, or in pages mapped for it.
_WHERE_A_THREADS_BLOCK_LANDS = textwrap.dedent(
    """
    import ctypes, sys, threading
    from summarize.engines import allocator

    if sys.argv[1] == "tuned":
        assert allocator.reuse_freed_memory("cpu")
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    addresses = []
    thread = threading.Thread(target=lambda: addresses.append(libc.malloc(64 << 20)))
    thread.start()
    thread.join()
    for line in open("/proc/self/maps"):
        start, end = (int(part, 16) for part in line.split()[0].split("-"))
        if start <= addresses[0] < end:
            print("heap" if line.rstrip().endswith("[heap]") else "mapped")
    """
)


def _block_placement(mode: str, extra: dict[str, str] | None = None) -> str:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MALLOC_") and name not in ("GLIBC_TUNABLES", "LD_PRELOAD")
    } | (extra or {})
    done = subprocess.run(
        [sys.executable, "-c", _WHERE_A_THREADS_BLOCK_LANDS, mode],
        capture_output=True,
        text=True,
        env=environ,
        check=True,
    )
    return done.stdout.strip()


@on_glibc
def test_a_worker_threads_large_blocks_come_from_the_reused_heap() -> None:
    # glibc's default maps a thread's 64 MiB block afresh (and unmaps it on free): the
    # faults this module exists to avoid. With the settings, it comes from the main heap.
    assert _block_placement("default") == "mapped"
    assert _block_placement("tuned") == "heap"


@on_glibc
def test_a_process_started_with_the_worker_environment_has_the_settings_from_the_start() -> None:
    # What a Ray actor's process gets: glibc reads it before any thread exists.
    environment = allocator.environment_for_workers("cpu", {})
    assert _block_placement("default", environment) == "heap"


@on_glibc
@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, allocator.TUNABLES),
        (
            {"GLIBC_TUNABLES": "glibc.cpu.x86_shstk=off"},
            f"glibc.cpu.x86_shstk=off:{allocator.TUNABLES}",
        ),
    ],
)
def test_worker_environment_carries_the_same_settings(environ, expected) -> None:
    assert allocator.environment_for_workers("cpu", environ) == {"GLIBC_TUNABLES": expected}
    assert "arena_max=1" in expected and "mmap_threshold=2147483647" in expected


@pytest.mark.parametrize(
    ("device", "environ"),
    [("cuda", {}), ("cpu", {"MALLOC_ARENA_MAX": "4"}), ("cpu", {"LD_PRELOAD": "libjemalloc.so"})],
)
def test_worker_environment_is_empty_where_malloc_is_left_alone(device, environ) -> None:
    assert allocator.environment_for_workers(device, environ) == {}


class _Mallopt:
    """Records mallopt calls; takes them unless told to refuse one parameter above a value."""

    def __init__(self, refuse: int | None = None, above: int = -1) -> None:
        self.calls: list[tuple[int, int]] = []
        self.refuse, self.above = refuse, above

    def __call__(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 0 if parameter == self.refuse and value > self.above else 1


@on_glibc
@pytest.mark.parametrize("environ", [{}, {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F"}])
def test_cpu_runs_get_one_arena_and_no_unmapping(environ) -> None:
    mallopt = _Mallopt()
    assert allocator.reuse_freed_memory("cpu", environ, mallopt)
    # The arena limit first: a thread picks its arena at its first allocation.
    assert mallopt.calls == [(-8, 1), (-3, 2**31 - 1), (-1, 2**31 - 1)]


@pytest.mark.parametrize(
    "environ",
    [
        {"MALLOC_ARENA_MAX": "4"},
        {"MALLOC_TRIM_THRESHOLD_": "0"},
        {"GLIBC_TUNABLES": "glibc.rtld.nns=2:glibc.malloc.arena_max=2"},
        {"LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"},
        {"LD_PRELOAD": "libtcmalloc_minimal.so.4"},
    ],
)
def test_a_users_own_malloc_settings_are_left_as_they_are(environ) -> None:
    mallopt = _Mallopt()
    assert not allocator.reuse_freed_memory("cpu", environ, mallopt)
    assert mallopt.calls == []


@pytest.mark.parametrize("device", ["cuda", "cuda:1", "mps"])
def test_runs_on_an_accelerator_are_left_alone(device) -> None:
    mallopt = _Mallopt()
    assert not allocator.reuse_freed_memory(device, {}, mallopt)
    assert mallopt.calls == []


@on_glibc
def test_a_refused_setting_is_reported_as_not_in_force() -> None:
    assert not allocator.reuse_freed_memory("cpu", {}, _Mallopt(refuse=-3))


@on_glibc
def test_a_glibc_that_caps_the_mmap_threshold_gets_its_largest() -> None:
    # Some glibc versions refuse a threshold over half their 64 MiB heap size.
    mallopt = _Mallopt(refuse=-3, above=32 * 2**20)
    assert allocator.reuse_freed_memory("cpu", {}, mallopt)
    assert mallopt.calls == [(-8, 1), (-3, 2**31 - 1), (-3, 32 * 2**20), (-1, 2**31 - 1)]


def test_a_cpu_run_sets_the_allocator_before_any_model_loads(
    tiny_models, tmp_path: Path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    devices: list[str] = []

    def record(device: str) -> bool:
        devices.append(device)
        assert spy.loads == []
        return True

    monkeypatch.setattr(allocator, "reuse_freed_memory", record)
    run(marian_config(tiny_models, (SEED,), tmp_path / "out"))
    assert devices == ["cpu"]
    assert spy.loads  # the models did load, after
