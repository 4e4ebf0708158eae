"""The package's layers point one way, and no import cycle exists (lazy imports included).

Each folder of reportgen/ is one concern with a rank; a module may import its own folder and
lower ranks only (docs/architecture.md draws the same picture). Imports inside functions and
under TYPE_CHECKING count too: a lazy import hides a cycle from Python, not from a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
RANKS = {"core": 0, "data": 1, "compute": 2, "charts": 3, "render": 4, "pdf": 4,
         "pipeline": 5, "preview": 6, "publish": 6, "commands": 7, "__main__": 8}
# The PDF engine's folder stands apart from the HTML side: it needs the core only.
ONLY = {"pdf": {"core"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(source: str, name: str, known: set[str]) -> set[str]:
    """Return the reportgen modules a module's source imports, wherever the import stands."""
    found: set[str] = set()
    package = name if name in known and (PACKAGE.parent / name.replace(".", "/")).is_dir() \
        else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from reportgen.charts import store` names a module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(path.read_text(encoding="utf-8"), name, known)
            for name, path in found.items()}


def layer(module: str) -> str | None:
    """Return the folder (or top-level module) a module belongs to; None for the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Return every import that points from a lower layer to a higher (or sideways) one."""
    out = []
    for source, targets in sorted(edges.items()):
        here = layer(source)
        for target in sorted(targets):
            there = layer(target)
            if here is None or there is None or here == there:
                continue
            allowed = ONLY.get(here)
            if here not in RANKS or there not in RANKS:
                out.append(f"{source} -> {target}: {here or there} has no rank in RANKS")
            elif RANKS[there] >= RANKS[here] or (allowed is not None and there not in allowed):
                out.append(f"{source} ({here}) imports {target} ({there})")
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_every_folder_has_a_rank() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert folders | top <= set(RANKS), (folders | top) - set(RANKS)


def test_no_layer_imports_a_higher_one() -> None:
    assert violations(graph()) == []


def test_no_import_cycle_even_lazy() -> None:
    assert cycles(graph()) == []


def test_the_checks_see_lazy_imports_upward_imports_and_cycles() -> None:
    known = {"reportgen.core.model", "reportgen.pipeline", "reportgen.data.load"}
    lazy = "def f():\n    from reportgen.pipeline import build\n"
    found = imports_of(lazy, "reportgen.core.model", known)
    assert found == {"reportgen.pipeline"}
    assert violations({"reportgen.core.model": found}) == [
        "reportgen.core.model (core) imports reportgen.pipeline (pipeline)"]
    assert cycles({"reportgen.core.model": {"reportgen.data.load"},
                   "reportgen.data.load": {"reportgen.core.model"}}) == [
        ["reportgen.core.model", "reportgen.data.load"]]


def test_the_pdf_engine_needs_only_the_core() -> None:
    assert violations({"reportgen.pdf.write": {"reportgen.charts.spec"}}) == [
        "reportgen.pdf.write (pdf) imports reportgen.charts.spec (charts)"]
