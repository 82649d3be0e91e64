"""Domain errors. Each message names what went wrong and what the user can do next."""

from __future__ import annotations


class SummarizeError(Exception):
    """Base class for every error the tool expects and reports without a traceback."""

    #: Process exit code the CLI uses when this error stops the run.
    exit_code: int = 2


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

    exit_code = 1


class RunInterrupted(SummarizeError):
    """The user interrupted the run; finished work was written and cached."""

    exit_code = 130
