"""The layout holds: one floor per package, arrows down, pure packages pure, agents driver-free.

The checks live in :mod:`tests.architecture`; the second half of this file runs them
on a small made-up tree with one violation of each kind, so a check that stopped
seeing anything would fail here rather than pass silently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture import (
    FLOORS,
    cycles,
    driver_imports,
    impure_imports,
    read_imports,
    upward_imports,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def imports() -> list:
    found = read_imports(ROOT)
    assert {i.source_package for i in found} == set(FLOORS), "a package was not read"
    return found


def _report(found: list) -> str:
    return "\n".join(str(i) for i in found)


def test_arrows_point_down(imports: list) -> None:
    assert not upward_imports(imports), _report(upward_imports(imports))


def test_packages_form_a_dag(imports: list) -> None:
    assert cycles(imports, depth=1) == []


def test_modules_of_each_floor_form_a_dag(imports: list) -> None:
    """No circle between first-level modules either (web <-> admin was one)."""
    assert cycles(imports, depth=2) == []


def test_pure_packages_import_no_io_and_no_settings(imports: list) -> None:
    assert not impure_imports(imports), _report(impure_imports(imports))


def test_agents_reach_the_outside_only_through_adapters(imports: list) -> None:
    """asyncpg, aiohttp, anthropic and Kafka clients are adapters' business.

    Adapters translate their exceptions into ``runtime.errors``; an agent that
    imports a driver ends up catching the driver's exceptions itself.
    """
    assert not driver_imports(imports), _report(driver_imports(imports))


# --- the checks themselves see what they should -------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def bad_tree(tmp_path: Path) -> Path:
    return _tree(tmp_path, {
        "streams/__init__.py": "",
        "streams/codec.py": "import aiokafka\n",
        "tables/__init__.py": "",
        "tables/config.py": "from typing import TYPE_CHECKING\n"
                            "if TYPE_CHECKING:\n    from runtime.settings import Settings\n",
        "assess/__init__.py": "",
        "runtime/__init__.py": "",
        "runtime/settings.py": "class Settings: ...\n",
        "adapters/__init__.py": "",
        "adapters/db.py": "def f():\n    from agents import x\n",
        "agents/__init__.py": "",
        "agents/x.py": "import asyncpg.exceptions\nfrom . import y\nfrom adapters.db import f\n",
        "agents/y.py": "from .x import thing\n",
        "interviewlm/__init__.py": "",
        "interviewlm/web.py": "from interviewlm import admin\n",
        "interviewlm/admin/__init__.py": "",
        "interviewlm/admin/views.py": "from ..web import page\n",
    })


def test_checks_report_each_kind_of_violation(bad_tree: Path) -> None:
    found = read_imports(bad_tree)
    assert [str(i) for i in upward_imports(found)] == [
        "adapters/db.py:2: adapters.db imports agents.x",
        "tables/config.py:3: tables.config imports runtime.settings.Settings",
    ]
    assert [i.where for i in impure_imports(found)] == ["streams/codec.py:1",
                                                        "tables/config.py:3"]
    assert [i.target for i in driver_imports(found)] == ["asyncpg.exceptions"]
    assert cycles(found, depth=1) == ["adapters -> agents -> adapters"]
    assert sorted(cycles(found, depth=2)) == [
        "adapters.db -> agents.x -> adapters.db",
        "agents.x -> agents.y -> agents.x",
        "interviewlm.admin -> interviewlm.web -> interviewlm.admin",
    ]


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    root = _tree(tmp_path, {f"{p}/__init__.py": "" for p in FLOORS} | {
        "interviewlm/app.py": "import faust\nfrom agents import registry\n",
        "agents/registry.py": "from adapters.db import pool\nimport faust\n",
        "adapters/db.py": "import asyncpg\nfrom runtime import errors\n",
        "tables/reducer.py": "from assess import irt\nfrom streams import events\n",
    })
    found = read_imports(root)
    assert len(found) == 8
    assert not upward_imports(found) and not impure_imports(found)
    assert not driver_imports(found) and cycles(found, 1) == cycles(found, 2) == []


#: Fixtures that start or reach a server: a test using one is an integration test.
SERVER_FIXTURES = frozenset({"stack", "database_url", "worker_env", "fault_env", "eval_env",
                             "interview_worker", "redis_server"})


def _test_modules(kind: str) -> list[Path]:
    return sorted((ROOT / "tests" / kind).rglob("test_*.py"))


@pytest.mark.parametrize("kind", ["unit", "integration"])
def test_test_folders_mirror_the_packages(kind: str) -> None:
    """tests/<kind>/<package>/...: each test sits under the package it tests."""
    outside = [str(p.relative_to(ROOT)) for p in _test_modules(kind)
               if len(p.relative_to(ROOT / "tests" / kind).parts) > 1
               and p.relative_to(ROOT / "tests" / kind).parts[0] not in FLOORS]
    assert not outside, f"not under a package folder: {outside}"


def _server_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [a.arg for a in node.args.args if a.arg in SERVER_FIXTURES]
        elif isinstance(node, ast.Attribute) and node.attr == "integration":
            found.append("pytest.mark.integration")
    return found


def test_no_unit_test_needs_a_server() -> None:
    offenders = {str(p.relative_to(ROOT)): uses for p in _test_modules("unit")
                 if (uses := _server_uses(p))}
    assert not offenders, f"unit tests that need a server (move them to integration/): {offenders}"


def test_the_server_check_sees_a_server_fixture(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text("import pytest\npytestmark = pytest.mark.integration\n"
                      "def test_a(database_url):\n    pass\n")
    assert sorted(_server_uses(module)) == ["database_url", "pytest.mark.integration"]
