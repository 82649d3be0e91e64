"""``python -m benchmarks.quality``: the quality checks' false positives and recall, as a table.

Runs every case of the evaluation set (sentences.toml, articles.toml and the faults derived
from them) through ``summarize check``'s own function and prints, per fault and language,
flagged/total: for correct text the false positives, for faulty text the faults caught.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.quality.cases import all_cases
from benchmarks.quality.scores import format_markdown, format_misses, measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__)
    parser.add_argument(
        "--details",
        action="store_true",
        help="also list, per fault and language, the items missed (or flagged, if correct)",
    )
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    cases = all_cases()
    table = measure(cases)
    print(format_markdown(table))
    print(f"\n{len(cases)} cases in {time.perf_counter() - started:.1f} s; * misses the target")
    if arguments.details:
        print("\n" + format_misses(table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
