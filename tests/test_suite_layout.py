"""The test suite's own layout: shared helpers live in tests/support/, never in a test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_test_module_imports_another() -> None:
    offenders = [
        f"{path.relative_to(TESTS)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0].startswith("test_") or name.split(".")[0] == "conftest"
    ]
    assert offenders == [], "move what they share to tests/support/: " + "; ".join(offenders)


def test_only_tests_and_conftest_sit_beside_the_tests() -> None:
    beside = sorted(
        path.name
        for path in TESTS.glob("*.py")
        if not path.name.startswith("test_") and path.name != "conftest.py"
    )
    assert beside == [], f"shared helpers belong in tests/support/, not {beside}"
