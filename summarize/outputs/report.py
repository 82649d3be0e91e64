"""run.json: what a run did, per article and in total, for people and for scripts."""

from __future__ import annotations

import json
import platform
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from summarize.core.files import write_atomic
from summarize.core.records import InputFailure, QualityWarning, RunInfo
from summarize.quality import warning_records

RUN_REPORT_FILE = "run.json"

#: done: computed (at least partly) in this run; cached: every unit came from the cache;
#: failed: could not be read or processed; skipped: not finished (the run was interrupted).
Status = Literal["done", "cached", "failed", "skipped"]


@dataclass(frozen=True)
class ArticleReport:
    """One input's line in run.json."""

    id: str | None
    source: str
    status: Status
    reason: str | None = None
    chunks: int | None = None
    #: The article's language (ISO 639-1), detected or set by the user.
    language: str | None = None
    #: Model that translated it into English before summarising, if it was not English.
    pivot: str | None = None
    #: Stage (``summary``, ``translation:hu``, ...) -> seconds spent on this article.
    seconds: Mapping[str, float] = field(default_factory=dict)
    #: Non-fatal problems met while reading it (guessed encoding, dropped NUL bytes, ...).
    warnings: tuple[str, ...] = ()
    #: What the quality checks flagged in its summary and translations.
    quality_warnings: tuple[QualityWarning, ...] = ()


def build_run_report(
    *,
    run: RunInfo,
    settings: Mapping[str, Any],
    versions: Mapping[str, str],
    articles: Sequence[ArticleReport],
    input_failures: Sequence[InputFailure],
    finished_at: str,
    seconds: float,
    interrupted: bool,
) -> dict[str, Any]:
    """The run.json document: counts at the top, then run facts, then every input."""
    entries = list(articles) + [
        ArticleReport(id=None, source=failure.source, status="failed", reason=failure.reason)
        for failure in input_failures
    ]
    counts = Counter(entry.status for entry in entries)
    flagged = [warning for entry in entries for warning in entry.quality_warnings]
    return {
        "articles": len(entries),
        "done": counts["done"],
        "cached": counts["cached"],
        "failed": counts["failed"],
        "skipped": counts["skipped"],
        "status": "interrupted" if interrupted else "finished",
        # Articles with quality warnings, the warnings, and how many of each kind.
        "quality": {
            "flagged": sum(1 for entry in entries if entry.quality_warnings),
            "warnings": len(flagged),
            "kinds": dict(sorted(Counter(warning.kind for warning in flagged).items())),
        },
        "started_at": run.generated_at,
        "finished_at": finished_at,
        "seconds": round(seconds, 3),
        "versions": {"summarize": run.version, "python": platform.python_version(), **versions},
        "device": run.device,
        "dtype": run.dtype,
        "languages": list(run.languages),
        "models": dict(run.models),
        "settings": dict(settings),
        "items": [
            {
                "id": entry.id,
                "source": entry.source,
                "status": entry.status,
                "reason": entry.reason,
                "chunks": entry.chunks,
                "language": entry.language,
                "pivot": entry.pivot,
                "seconds": {stage: round(value, 3) for stage, value in entry.seconds.items()},
                "warnings": warning_records(entry.warnings, entry.quality_warnings),
            }
            for entry in entries
        ],
    }


def files_of_last_run(output_dir: Path) -> list[str]:
    """The file names the run.json in ``output_dir`` says its run wrote (none if unreadable)."""
    try:
        files = json.loads((output_dir / RUN_REPORT_FILE).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no earlier run, or one from before run.json listed its files
    return [name for name in files if isinstance(name, str)] if isinstance(files, list) else []


def write_run_report(report: Mapping[str, Any], output_dir: Path) -> Path:
    """Write run.json atomically into ``output_dir``."""
    path = output_dir / RUN_REPORT_FILE
    output_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return path
