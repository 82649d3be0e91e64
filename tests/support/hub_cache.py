"""Models laid out as the Hugging Face cache holds a download, for tests that never download."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path


def put_in_hub_cache(cache: Path, repo_id: str, folder: Path) -> str:
    """Lay ``folder`` out as the Hub cache holds a downloaded ``repo_id``; returns its commit."""
    commit = hashlib.sha1(repo_id.encode("utf-8")).hexdigest()
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    shutil.copytree(folder, repo / "snapshots" / commit, dirs_exist_ok=True)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit, encoding="utf-8")
    return commit
