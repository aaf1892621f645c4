"""The floors of the house (docs/architecture.md): no import runs back up.

models → store → stages (collectors and search_index; above them publish: the site builder and
Datasette publishing) → the application (CLI, serve). demo/ and bench/ stand beside the product: they may import it, the
product never imports them at module level (a developer command may, inside the command).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "store", "collectors", "search_index", "publish", "gongkai", "demo", "bench")
PRODUCT = ("models", "store", "collectors", "search_index", "publish", "gongkai")
# What each floor may import (besides itself and the standard library / third parties).
ALLOWED: dict[str, set[str]] = {
    "models": set(),
    "store": {"models"},
    "collectors": {"models", "store"},
    "search_index": {"models", "store"},
    "publish": {"models", "store", "search_index"},
    "gongkai": {"models", "store", "collectors", "search_index", "publish"},
    "demo": {*PRODUCT},
    "bench": {*PRODUCT, "demo"},
}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, at module level?) of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` and try/except blocks at module level count as module level
        if isinstance(node, ast.If | ast.Try):
            top |= {id(n) for n in ast.walk(node)}
    out: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, id(node) in top))
        elif isinstance(node, ast.Import):
            out.extend((alias.name, id(node) in top) for alias in node.names)
    return out


def _edges() -> list[tuple[str, str, str, bool]]:
    """(package, imported package, importing file, module level?) for every cross-package import."""
    edges = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for module, at_top in _imports(path):
                target = module.split(".")[0]
                if target in PACKAGES and target != package:
                    edges.append((package, target, str(path.relative_to(ROOT)), at_top))
    return edges


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_runs_back_up(package: str) -> None:
    wrong = [f"{file} imports {target}" for src, target, file, at_top in _edges()
             if src == package and target not in ALLOWED[package]
             and not (target in ("demo", "bench") and not at_top and src == "gongkai")]
    assert not wrong, "imports against the floors (docs/architecture.md):\n" + "\n".join(wrong)


def test_the_product_never_imports_demo_or_bench_at_module_level() -> None:
    wrong = [f"{file} imports {target}" for src, target, file, at_top in _edges()
             if src in PRODUCT
             and target in ("demo", "bench") and at_top]
    assert not wrong, "\n".join(wrong)


def test_the_package_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for src, target, _file, at_top in _edges():
        if at_top:
            graph[src].add(target)
    seen: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        seen[node] = 1
        for nxt in graph[node]:
            assert seen.get(nxt) != 1, f"import cycle: {' → '.join([*trail, node, nxt])}"
            if nxt not in seen:
                visit(nxt, [*trail, node])
        seen[node] = 2

    for p in PACKAGES:
        if p not in seen:
            visit(p, [])
