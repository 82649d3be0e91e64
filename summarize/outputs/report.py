"""run.json: what a run did, per article and in total, for people and for scripts."""

from __future__ import annotations

import json
import platform
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from summarize.core.files import write_atomic
from summarize.core.records import (
    ArticleOutcome,
    Duplicate,
    InputFailure,
    LanguageUnavailable,
    RunInfo,
)
from summarize.quality import warning_records

RUN_REPORT_FILE = "run.json"


def build_run_report(
    *,
    run: RunInfo,
    settings: Mapping[str, Any],
    versions: Mapping[str, str],
    articles: Sequence[ArticleOutcome],
    input_failures: Sequence[InputFailure],
    finished_at: str,
    unavailable: Sequence[LanguageUnavailable] = (),
    duplicates: Sequence[Duplicate] = (),
    seconds: float,
    interrupted: bool,
) -> dict[str, Any]:
    """The run.json document: counts at the top, then run facts, then every input."""
    items = [report_item(outcome) for outcome in articles]
    items += [failure_item(failure) for failure in input_failures]
    counts = Counter(item["status"] for item in items)
    flagged = [warning for outcome in articles for warning in outcome.quality_warnings]
    return {
        "articles": len(items),
        "done": counts["done"],
        "cached": counts["cached"],
        "failed": counts["failed"],
        "skipped": counts["skipped"],
        "status": "interrupted" if interrupted else "finished",
        # Target languages the run could not produce, why, and the full message.
        "unavailable": [
            {"language": entry.language, "reason": entry.reason, "detail": entry.detail}
            for entry in unavailable
        ],
        # Articles with quality warnings, the warnings, and how many of each kind.
        "quality": {
            "flagged": sum(1 for outcome in articles if outcome.quality_warnings),
            "warnings": len(flagged),
            "kinds": dict(sorted(Counter(warning.kind for warning in flagged).items())),
        },
        # Copies of a story merged into the article kept (its id), and why: url, guid, text.
        "duplicates": [duplicate.as_record() for duplicate in duplicates],
        "started_at": run.generated_at,
        "finished_at": finished_at,
        "seconds": round(seconds, 3),
        "versions": {"summarize": run.version, "python": platform.python_version(), **versions},
        "device": run.device,
        "dtype": run.dtype,
        "languages": list(run.languages),
        "models": dict(run.models),
        "settings": dict(settings),
        "items": items,
    }


def report_item(outcome: ArticleOutcome) -> dict[str, Any]:
    """One article's entry in run.json's ``items``."""
    return {
        "id": outcome.article.id,
        "source": outcome.article.source,
        "status": outcome.status,
        "reason": outcome.failure,
        "chunks": outcome.summary.chunks if outcome.summary else None,
        "language": outcome.language,
        "pivot": outcome.pivot_model,
        "seconds": {stage: round(value, 3) for stage, value in outcome.seconds.items()},
        "warnings": warning_records(outcome.article.warnings, outcome.quality_warnings),
    }


def failure_item(failure: InputFailure) -> dict[str, Any]:
    """An input that never became an article, as an entry in run.json's ``items``."""
    return {
        "id": None,
        "source": failure.source,
        "status": "failed",
        "reason": failure.reason,
        "chunks": None,
        "language": None,
        "pivot": None,
        "seconds": {},
        "warnings": [],
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
