"""Memory allocator settings for running models on the CPU.

Neither CTranslate2 nor torch keeps freed CPU memory for reuse: every intermediate tensor is a
fresh ``posix_memalign`` and a ``free``. With glibc's defaults, a block over the mmap threshold
(128 KiB, rising to at most 32 MiB) gets pages of its own from the kernel and gives them back
when freed, and each worker thread allocates from an arena of its own whose heaps are capped at
64 MiB, so a thread's large blocks are always mapped and unmapped. A summariser's attention
scores (hundreds of MiB per layer) and a translator's beam logits (MiB per step) therefore
cost a page fault and a zeroed page for every 4 KiB, every time, and a large share of the CPU
time goes to the kernel.

Serving every thread from the main heap, with no block handed to mmap and nothing trimmed back,
makes freed pages the next tensor's pages: far fewer faults and quicker summarising, for a
little more peak memory (freed blocks are kept, so the heap fragments a little). The figures
are in benchmarks/README.md ("Memory on CPU").

Only glibc has these settings, and only on the CPU do they matter (GPU memory is cached by the
engines). Anyone who sets glibc's malloc options themselves, or preloads another allocator,
keeps exactly what they set.
"""

from __future__ import annotations

import ctypes
import logging
import os
from collections.abc import Callable, Mapping

logger = logging.getLogger(__name__)

# mallopt parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: The largest value mallopt takes (an int): blocks up to 2 GiB come from the heap.
_NEVER = 2**31 - 1
#: Half of glibc's 64 MiB heap size: the largest mmap threshold some glibc versions take.
_LARGEST_EVERYWHERE = 32 * 2**20
#: (parameter, values to try in turn until one is taken), in the order they are set.
SETTINGS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (_M_ARENA_MAX, (1,)),  # first: it applies to the arenas threads pick from now on
    (_M_MMAP_THRESHOLD, (_NEVER, _LARGEST_EVERYWHERE)),
    (_M_TRIM_THRESHOLD, (_NEVER,)),
)

#: The same settings as glibc tunables, read by glibc as a process starts.
TUNABLES = ":".join(
    (
        "glibc.malloc.arena_max=1",
        f"glibc.malloc.mmap_threshold={_NEVER}",
        f"glibc.malloc.trim_threshold={_NEVER}",
    )
)

#: Environment variables by which a user sets glibc's malloc options, or swaps the allocator.
_USER_MALLOC_VARIABLES = (
    "MALLOC_ARENA_MAX",
    "MALLOC_ARENA_TEST",
    "MALLOC_MMAP_MAX_",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TOP_PAD_",
    "MALLOC_TRIM_THRESHOLD_",
)
#: What a preloaded allocator's file name holds (libjemalloc, libtcmalloc, libmimalloc, ...).
_OTHER_ALLOCATORS = ("malloc", "hoard")


def reuse_freed_memory(
    device: str,
    environ: Mapping[str, str] = os.environ,
    mallopt: Callable[[int, int], int] | None = None,
) -> bool:
    """Make freed CPU memory the next allocation's (see the module's docstring).

    Call it before the first model loads: a thread keeps the arena it first allocated from.
    Returns whether the settings are in force. ``environ`` and ``mallopt`` are for tests.
    """
    reason = _reason_to_leave_alone(device, environ)
    if reason is None and mallopt is None:
        mallopt = _glibc_mallopt()
        if mallopt is None:
            reason = "glibc's mallopt is not available"
    if reason is not None:
        logger.debug("memory allocator left as it is: %s", reason)
        return False
    assert mallopt is not None
    taken = [any(mallopt(parameter, value) for value in values) for parameter, values in SETTINGS]
    if not all(taken):
        logger.debug("memory allocator: glibc refused a setting; the rest stay in force")
        return False
    logger.debug("memory allocator: one heap for all threads, freed memory kept for reuse")
    return True


def environment_for_workers(device: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Environment variables that put the same settings in force in a process started with them.

    For worker processes that start threads before summarize's code runs (a Ray actor has
    about 20 by then): a thread keeps the arena it first allocated from, so a late
    :func:`reuse_freed_memory` leaves their large blocks mapped afresh. Set at start-up, glibc
    applies them before any thread exists. Empty where :func:`reuse_freed_memory` would leave
    malloc alone.
    """
    if _reason_to_leave_alone(device, environ) is not None:
        return {}
    own = environ.get("GLIBC_TUNABLES", "")
    return {"GLIBC_TUNABLES": f"{own}:{TUNABLES}" if own else TUNABLES}


def _reason_to_leave_alone(device: str, environ: Mapping[str, str]) -> str | None:
    if device != "cpu":
        return f"models run on {device}"
    if not _glibc():
        return "the C library is not glibc"
    chosen = [name for name in _USER_MALLOC_VARIABLES if name in environ]
    if "glibc.malloc." in environ.get("GLIBC_TUNABLES", ""):
        chosen.append("GLIBC_TUNABLES")
    preload = environ.get("LD_PRELOAD", "").lower()
    if any(name in preload for name in _OTHER_ALLOCATORS):
        chosen.append("LD_PRELOAD")
    if chosen:
        return f"already set ({', '.join(chosen)})"
    return None


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # not a glibc system (macOS, Windows, musl)
        return False


def _glibc_mallopt() -> Callable[[int, int], int] | None:
    try:
        function = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int)
    function.restype = ctypes.c_int
    return function
