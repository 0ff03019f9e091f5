"""constraints.txt pins the environment the suite runs in, and every install path
(scripts/bootstrap.sh, the Dockerfile) uses it."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distributions

from tests.deploy.tools import DOCKERFILE, ROOT

CONSTRAINTS = ROOT / "constraints.txt"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and version, f"not an exact pin: {line!r}"
            pins[_canonical(name)] = version
    return pins


def test_every_installed_package_is_pinned_at_its_installed_version() -> None:
    pins = _pins()
    own = _canonical("interviewlm-workers")
    installed = {_canonical(d.metadata["Name"]): d.version for d in distributions()}
    installed.pop(own, None)
    for tool in ("pip", "setuptools", "wheel"):
        installed.pop(tool, None)
    differ = {name: (version, pins.get(name)) for name, version in installed.items()
              if pins.get(name) != version}
    assert differ == {}, "run: bash scripts/lock.sh"


def test_every_declared_requirement_is_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    pins = _pins()
    for requirement in declared:
        name = _canonical(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])
        assert name in pins, f"{requirement} is not pinned in constraints.txt"


def test_install_paths_use_the_constraints() -> None:
    assert "-c constraints.txt" in (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "-c constraints.txt" in DOCKERFILE.read_text()
