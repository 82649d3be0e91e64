"""What the checks make of the evaluation set: per fault and language, how many are flagged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from benchmarks.quality.cases import CORRECT, FAULTS, LANGUAGES, SUMMARY_LANGUAGE, Case
from summarize.commands.checking import check_record

#: Columns of the table: the translation languages, then English summaries.
COLUMNS = (*LANGUAGES, SUMMARY_LANGUAGE)
#: The targets of issue #22: no correct text flagged, and this share of faulty text caught.
MIN_RECALL = 0.95


@dataclass
class Cell:
    """Cases of one fault in one language: how many, how many flagged, how many as the fault."""

    total: int = 0
    flagged: int = 0
    #: Flagged with the warning kind that claims the fault (FAULTS).
    named: int = 0
    #: Origins of the cases not flagged (faults) or flagged (correct text).
    exceptions: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.flagged / self.total if self.total else 0.0


def measure(cases: Iterable[Case]) -> dict[str, dict[str, Cell]]:
    """fault -> language -> Cell, running each case through summarize check's own function."""
    table: dict[str, dict[str, Cell]] = defaultdict(lambda: defaultdict(Cell))
    for case in cases:
        warnings, _ = check_record(case.record)
        cell = table[case.fault][case.language]
        cell.total += 1
        flagged = bool(warnings)
        cell.flagged += flagged
        if case.fault != CORRECT:
            cell.named += any(warning.kind == FAULTS[case.fault] for warning in warnings)
        if flagged == (case.fault == CORRECT):
            cell.exceptions.append(case.origin)
    return table


def meets_target(fault: str, cell: Cell) -> bool:
    """Whether a cell meets the target: none flagged if correct, else MIN_RECALL caught."""
    if fault == CORRECT:
        return cell.flagged == 0
    return cell.share >= MIN_RECALL


def format_markdown(table: dict[str, dict[str, Cell]]) -> str:
    """The table as Markdown: one row per fault, flagged/total per language (— not derived),
    a * where the target is missed."""
    header = ["fault (kind that claims it)", *LANGUAGES, "summaries (en)"]
    rows = [header, ["---"] * len(header)]
    for fault in (CORRECT, *FAULTS):
        cells = []
        for column in COLUMNS:
            cell = table.get(fault, {}).get(column)
            if cell is None or not cell.total:
                cells.append("—")
                continue
            mark = "" if meets_target(fault, cell) else " *"
            cells.append(f"{cell.flagged}/{cell.total}{mark}")
        if any(cell != "—" for cell in cells):
            label = "correct (flagged)" if fault == CORRECT else f"{fault} ({FAULTS[fault]})"
            rows.append([label, *cells])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def format_misses(table: dict[str, dict[str, Cell]]) -> str:
    """Which items missed the target, per fault and language, and how many were flagged as the
    kind that claims the fault."""
    lines = []
    for fault in (CORRECT, *FAULTS):
        for column in COLUMNS:
            cell = table.get(fault, {}).get(column)
            if cell is None or not cell.total:
                continue
            named = "" if fault == CORRECT else f", {cell.named} as {FAULTS[fault]}"
            exceptions = ", ".join(cell.exceptions) or "none"
            what = "flagged" if fault == CORRECT else "missed"
            lines.append(
                f"{fault:18} {column}: {cell.flagged}/{cell.total}{named}; {what}: {exceptions}"
            )
    return "\n".join(lines)
