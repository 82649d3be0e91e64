"""The package's own layout: each sub-package says in ``__all__`` what the others may use.

A name starting with an underscore is private to its sub-package: no module of another one
imports it or reaches it through a module (``hub._probe``). Each sub-package's ``__init__.py``
has an ``__all__`` naming what it defines or imports, or its modules; a module of another
sub-package imports only from those.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "summarize"
SUBPACKAGES = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def subpackage_of(path: Path) -> str | None:
    """The sub-package a module of summarize/ belongs to; None for summarize/*.py."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


@dataclass(frozen=True)
class Use:
    """One name that a module of summarize/ takes from a sub-package (or one of its modules)."""

    where: str
    package: str
    #: The module of ``package`` it comes from; None for the package itself.
    module: str | None
    #: Attribute path from there (``try_to_load`` or ``Cache._entry``); empty for a module.
    names: tuple[str, ...]


def uses(path: Path) -> Iterator[Use]:
    """Every name ``path`` imports from summarize's sub-packages or reads off their modules."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    where = str(path.relative_to(PACKAGE.parent))
    # local name -> (package, module, the name's path from there)
    bound: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}

    def place(dotted: str) -> tuple[str, str | None] | None:
        parts = dotted.split(".")
        if parts[0] != "summarize" or len(parts) < 2 or parts[1] not in SUBPACKAGES:
            return None
        return parts[1], parts[2] if len(parts) > 2 else None

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found = place(node.module)
            if found is None:
                continue
            package, module = found
            for alias in node.names:
                if module is None and (PACKAGE / package / f"{alias.name}.py").exists():
                    source, names = alias.name, ()  # a module: from summarize.engines import hub
                else:
                    source, names = module, (alias.name,)
                bound[alias.asname or alias.name] = (package, source, names)
                yield Use(f"{where}:{node.lineno}", package, source, names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found = place(alias.name)
                if found is not None:
                    yield Use(f"{where}:{node.lineno}", *found, ())
                    if alias.asname:
                        bound[alias.asname] = (*found, ())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            base: ast.expr = node
            while isinstance(base, ast.Attribute):
                chain.insert(0, base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                package, module, names = bound[base.id]
                yield Use(f"{where}:{node.lineno}", package, module, (*names, *chain))


def cross_package_uses() -> Iterator[Use]:
    for path in sorted(PACKAGE.rglob("*.py")):
        own = subpackage_of(path)
        for use in uses(path):
            if use.package != own:
                yield use


def declared_names(init: Path) -> set[str]:
    """The names an ``__init__.py`` defines or imports at its top level."""
    names: set[str] = set()
    for node in ast.parse(init.read_text("utf-8")).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def all_of(package: str) -> list[str] | None:
    """The ``__all__`` of a sub-package, as written; None when it has none."""
    for node in ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return [ast.literal_eval(item) for item in node.value.elts]  # type: ignore[attr-defined]
    return None


def test_no_module_uses_a_private_name_of_another_package() -> None:
    offenders = [
        f"{use.where}: {'.'.join(filter(None, (use.package, use.module, *use.names)))}"
        for use in cross_package_uses()
        if any(is_private(name) for name in (use.module or "", *use.names))
    ]
    assert offenders == [], "make these public where they are defined: " + "; ".join(offenders)


def test_every_subpackage_lists_what_it_offers() -> None:
    problems: list[str] = []
    for package in SUBPACKAGES:
        listed = all_of(package)
        if listed is None:
            problems.append(f"summarize/{package}/__init__.py has no __all__")
            continue
        declared = declared_names(PACKAGE / package / "__init__.py")
        for name in listed:
            if name not in declared and not (PACKAGE / package / f"{name}.py").exists():
                problems.append(f"summarize.{package}.__all__ lists {name!r}, which it lacks")
        if len(set(listed)) != len(listed):
            problems.append(f"summarize.{package}.__all__ repeats a name")
    assert problems == [], "; ".join(problems)


def test_other_packages_use_only_what_all_lists() -> None:
    offenders: set[str] = set()
    for use in cross_package_uses():
        listed = all_of(use.package) or []
        offered = use.module if use.module is not None else (use.names or ("",))[0]
        if offered not in listed:
            offenders.add(f"{use.where} uses summarize.{use.package}.{offered}")
    assert not offenders, "add them to the package's __all__ (or keep them inside): " + (
        "; ".join(sorted(offenders))
    )
