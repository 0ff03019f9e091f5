"""Read the import graph of our packages with :mod:`ast` and list what breaks the layout.

The packages sit on floors and imports point down only (equal floors may import each
other as long as the graph stays acyclic)::

    interviewlm   4  composition root: app, CLI, web, admin, worker, stack, synthetic data
    agents        3  Faust agents, their processors, the evaluation service, the registry
    adapters      2  db, llm, notify, analysis, reports, Kafka admin, lag, classifier
    runtime       1  settings, logs, metrics, errors
    streams, assess, tables   0  pure: the wire contract, the domain, the reducer

Every import counts, including those inside functions and under ``TYPE_CHECKING``:
a deferred import still ties the two modules together. The checks are plain
functions over a source root so a test can run them on a made-up tree and see
each of them fail.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DRIVERS",
    "FLOORS",
    "PURE",
    "Import",
    "cycles",
    "driver_imports",
    "impure_imports",
    "read_imports",
    "upward_imports",
]

FLOORS: dict[str, int] = {
    "streams": 0, "assess": 0, "tables": 0,
    "runtime": 1, "adapters": 2, "agents": 3, "interviewlm": 4,
}
#: Packages with no I/O: they import none of OUTSIDE and nothing above floor 0.
PURE = frozenset({"streams", "assess", "tables"})
#: Client libraries that reach a server; only adapters (and the root) may import them.
DRIVERS = frozenset({"asyncpg", "aiohttp", "anthropic", "aiokafka", "kafka", "httpx"})
#: What a pure package never imports: the drivers and the stream framework.
OUTSIDE = DRIVERS | {"faust", "mode", "pydantic_settings"}


@dataclass(frozen=True, slots=True)
class Import:
    """One ``import`` statement's target, seen from the module that holds it."""

    module: str  # dotted name of the importing module
    target: str  # absolute dotted name imported (a module, or a module's attribute)
    where: str  # "path:line", for failure messages

    @property
    def source_package(self) -> str:
        return self.module.split(".")[0]

    @property
    def target_package(self) -> str:
        return self.target.split(".")[0]

    def __str__(self) -> str:
        return f"{self.where}: {self.module} imports {self.target}"


def _modules(root: Path, packages: Iterable[str]) -> Iterator[tuple[str, Path]]:
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names, resolving leading dots."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def read_imports(root: Path, packages: Iterable[str] = FLOORS) -> list[Import]:
    """Every import in the given packages under ``root``, relative ones made absolute."""
    found = []
    for module, path in _modules(root, packages):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = str(path.relative_to(root))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, path.name == "__init__.py", node)
                targets = [f"{base}.{alias.name}" if base else alias.name
                           for alias in node.names]
            else:
                continue
            found += [Import(module, t, f"{where}:{node.lineno}") for t in targets]
    return found


def _ours(imports: Iterable[Import]) -> Iterator[Import]:
    return (i for i in imports
            if i.target_package in FLOORS and i.target_package != i.source_package)


def upward_imports(imports: Iterable[Import]) -> list[Import]:
    """Imports of a package on a higher floor than the importer."""
    return sorted((i for i in _ours(imports)
                   if FLOORS[i.target_package] > FLOORS[i.source_package]), key=str)


def impure_imports(imports: Iterable[Import]) -> list[Import]:
    """Drivers, Faust or settings imported by a pure package."""
    return [i for i in imports if i.source_package in PURE
            and (i.target_package in OUTSIDE or i.target.endswith(".Settings"))]


def driver_imports(imports: Iterable[Import], package: str = "agents") -> list[Import]:
    """Driver libraries imported by ``package``: it must go through an adapter."""
    return [i for i in imports if i.source_package == package and i.target_package in DRIVERS]


def _unit(target: str, depth: int, known: set[str]) -> str | None:
    """The package (depth 1) or first-level subpackage/module (depth 2) ``target`` is in."""
    parts = target.split(".")
    for n in range(min(depth, len(parts)), 0, -1):
        name = ".".join(parts[:n])
        if name in known:
            return name
    return None


def cycles(imports: Iterable[Import], depth: int) -> list[str]:
    """Import cycles between packages (depth 1) or their first-level members (depth 2).

    Returns the cycles graphlib finds, one at a time: each is reported, its first
    edge dropped, and the search repeated, so one test run lists all of them.
    """
    imports = list(imports)
    modules = {i.module for i in imports}
    known = {".".join(m.split(".")[:n]) for m in modules for n in range(1, depth + 1)}
    edges: dict[str, set[str]] = {}
    for i in imports:
        source, target = _unit(i.module, depth, known), _unit(i.target, depth, known)
        if source and target and source != target:
            edges.setdefault(source, set()).add(target)
    found = []
    while True:
        try:
            graphlib.TopologicalSorter(edges).prepare()
        except graphlib.CycleError as exc:
            loop: list[str] = exc.args[1]  # each node is imported by the next one
            edges[loop[1]].discard(loop[0])
            path = list(reversed(loop))[:-1]  # each node imports the next one
            start = path.index(min(path))  # the same cycle always reads the same way
            path = path[start:] + path[:start]
            found.append(" -> ".join([*path, path[0]]))
            continue
        return found
