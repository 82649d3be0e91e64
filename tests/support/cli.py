"""Running the installed ``summarize`` command as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.configs import TINY_TRANSLATORS


def summarize_command() -> list[str]:
    """The installed console script, next to this interpreter."""
    script = shutil.which("summarize", path=str(Path(sys.executable).parent))
    assert script, "the summarize console script is not installed (pip install -e .)"
    return [script]


def run_cli(
    args: list[str],
    cwd: Path,
    module: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run the console script (or ``python -m summarize``) and capture its output."""
    command = [sys.executable, "-m", "summarize"] if module else summarize_command()
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=os.environ.copy() if env is None else env,
        timeout=timeout,
    )


def tiny_model_flags(tiny: dict[str, Path], languages: tuple[str, ...] = ("hu", "zh", "ru", "uk")):
    """The command-line flags of marian_config's models, for the languages given."""
    flags = ["--summary-model", str(tiny["bart"])]
    for code in languages:
        flags += ["--translation-model", f"{code}={tiny[TINY_TRANSLATORS[code]]}"]
    return flags
