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


#: Top-level modules of benchmarks/, which test_benchmark_tools imports by their own names.
BENCHMARKS = frozenset(path.stem for path in (TESTS.parent / "benchmarks").glob("*.py"))

#: Private names the tests still reach into, to be made public or tested through behaviour
#: (issue #21); named without their modules, which are moving. The list only shrinks: an entry
#: that no test uses any more fails the test too.
STILL_PRIVATE = frozenset(
    {
        "TransformersEngine._generate_batch",  # support.spies.GenerateSpy
        "_installed",  # commands.evaluation
    }
)


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_project_module(module: str) -> bool:
    root = module.split(".")[0]
    return root == "summarize" or root in BENCHMARKS


def private_uses(path: Path) -> set[str]:
    """``module._name``, ``from module import _name`` and ``setattr(module, "_name", ...)``.

    Only of summarize and benchmarks code.

    A name counts when it was imported from one of those modules (a module, class or function);
    attribute chains count by their root name (``engine.TransformersEngine._generate_batch``).
    """
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    project: dict[str, str] = {}  # local name -> where it comes from
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_project_module(alias.name):
                    root = alias.name.split(".")[0]
                    project[alias.asname or root] = alias.name if alias.asname else root
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and is_project_module(node.module)
        ):
            for alias in node.names:
                project[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if is_private(alias.name):
                    found.add(f"{node.module}.{alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            chain = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in project:
                found.add(".".join([project[value.id], *reversed(chain)]))
        # monkeypatch.setattr(module, "_name", ...) replaces a private name just the same.
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in project
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
        ):
            found.add(f"{project[node.args[0].id]}.{node.args[1].value}")
    return found


def without_modules(name: str) -> str:
    """``summarize.runners.pipeline._summary_key`` -> ``_summary_key``."""
    parts = name.split(".")
    while len(parts) > 1 and parts[0].islower() and not parts[0].startswith("_"):
        parts.pop(0)
    return ".".join(parts)


def test_tests_use_only_public_names_of_the_package_and_benchmarks() -> None:
    used = {name for path in sorted(TESTS.rglob("*.py")) for name in private_uses(path)}
    new = sorted(name for name in used if without_modules(name) not in STILL_PRIVATE)
    assert new == [], "test through public names, or make them public"
    gone = sorted(STILL_PRIVATE - {without_modules(name) for name in used})
    assert gone == [], "no test uses these now: drop them from STILL_PRIVATE"
