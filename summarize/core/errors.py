"""Domain errors and the exit codes they end a run with. Each message names what went wrong and
what the user can do next."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarize.core.records import InputFailure

#: Every article done (or nothing to do).
EXIT_OK = 0
#: The run finished and wrote what it could, but some inputs failed or a language was unavailable.
EXIT_SOME_FAILED = 1
#: A usage, configuration or model-loading error stopped the run before any work.
EXIT_USAGE = 2
#: An unexpected error (a bug, a crashed process): nothing says the outputs are complete.
EXIT_CRASHED = 3
#: A file could not be written: no space left, a read-only file system, a disk quota.
EXIT_WRITE_FAILED = 4
#: Interrupted (Ctrl-C); finished work was written and cached first.
EXIT_INTERRUPTED = 130

#: Why a write can fail that is the machine's state, not a bug: each with the fix to name.
_WRITE_PROBLEMS = {
    errno.ENOSPC: ("no space left on the device", "free space on it"),
    errno.EDQUOT: ("disk quota exceeded", "free some of your quota"),
    errno.EROFS: ("read-only file system", "make it writable"),
}


class SummarizeError(Exception):
    """Base class for every error the tool expects and reports without a traceback."""

    #: Process exit code the CLI uses when this error stops the run.
    exit_code: int = EXIT_USAGE


class ConfigError(SummarizeError):
    """A flag, config-file key or value is invalid."""


class InputError(SummarizeError):
    """An input path or article cannot be read."""


class ModelLoadError(SummarizeError):
    """A model or its tokenizer cannot be loaded."""


class UnsupportedLanguageError(SummarizeError):
    """A translation model cannot produce a requested target language."""


class ProcessCrashed(SummarizeError):
    """A process of ``--processes`` stopped unexpectedly (killed, crashed): nothing was written."""

    exit_code = EXIT_CRASHED


class RunInterrupted(SummarizeError):
    """The user interrupted the run; finished work was written and cached."""

    exit_code = EXIT_INTERRUPTED


class WriteFailed(SummarizeError):
    """A file could not be written because of the disk it is on (full, read-only, quota)."""

    exit_code = EXIT_WRITE_FAILED


class NothingNew(SummarizeError):
    """An archive run with no story to publish (an earlier run published every one, or every
    input failed): no briefing is written and the archive's latest pages stay as they were.
    Not an error in itself (exit 0); inputs that failed still make it exit 1."""

    exit_code = EXIT_OK

    def __init__(self, message: str, failures: tuple[InputFailure, ...] = ()) -> None:
        super().__init__(message)
        #: The inputs that failed (InputFailure records), reported as a run's are.
        self.failures = failures


def write_failure(error: OSError, path: object = None) -> WriteFailed | None:
    """``error`` as a WriteFailed naming ``path`` (else the error's file name) and the fix, or
    None when it is not a full, read-only or over-quota disk."""
    problem = _WRITE_PROBLEMS.get(error.errno)  # type: ignore[arg-type]
    if problem is None:
        return None
    what, fix = problem
    where = path if path is not None else error.filename
    if where is None:
        return WriteFailed(
            f"cannot write the outputs or the cache: {what}; {fix}, "
            "or pass -o / --cache-dir a folder on another disk"
        )
    return WriteFailed(
        f"cannot write {os.fsdecode(where)}: {what}; {fix}, "
        "or pass -o / --cache-dir a folder on another disk"
    )
