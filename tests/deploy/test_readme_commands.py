"""The Helm commands the README and the operations guide tell people to run, run
through helm itself (``helm template`` with the same arguments), so a command the
chart's schema rejects cannot stay in the docs."""

from __future__ import annotations

import re
import shlex
from itertools import pairwise
from pathlib import Path

import pytest

from tests.deploy.tools import CHART, KUBE_VERSION, OPERATIONS_DOC, ROOT, helm_run

DOCS = (ROOT / "README.md", OPERATIONS_DOC)
_LINE = r"(?:[^`\n\\]|\\(?!\n))*"  # up to a line-continuing backslash
_COMMAND = re.compile(rf"helm (?:install|upgrade --install) {_LINE}(?:\\\n{_LINE})*")


def documented_helm_commands() -> list[tuple[str, str]]:
    """``(doc name, command)`` for every helm install/upgrade written in the docs."""
    found = []
    for doc in DOCS:
        for match in _COMMAND.finditer(doc.read_text(encoding="utf-8")):
            found.append((doc.name, re.sub(r"\s*\\\n\s*", " ", match.group(0)).strip()))
    return found


def as_template(command: str, values: Path) -> list[str]:
    """``helm install|upgrade --install NAME CHART ARGS`` -> ``template NAME CHART ARGS``;
    ``...`` placeholders get a value and ``-f my-values.yaml`` a real file."""
    words = shlex.split(command.replace("=...", "=placeholder"))
    words = words[2:] if words[1] == "install" else words[3:]
    words = [str(values) if w == "my-values.yaml" else w for w in words]
    name, chart, *rest = words
    assert (ROOT / chart).resolve() == CHART.resolve(), chart
    return ["template", name, str(CHART), "--kube-version", KUBE_VERSION, *rest]


def test_the_docs_show_helm_commands() -> None:
    docs = {doc for doc, _ in documented_helm_commands()}
    assert docs == {"README.md", "operations.md"}


@pytest.mark.parametrize(("doc", "command"), documented_helm_commands())
def test_documented_helm_command_is_accepted_by_the_chart(doc: str, command: str,
                                                          tmp_path: Path) -> None:
    values = tmp_path / "my-values.yaml"
    values.write_text("secrets:\n  existingSecret: interviewlm-workers\n")
    result = helm_run(*as_template(command, values))
    assert result.returncode == 0, f"{doc}: {command}\n{result.stderr}"
    assert "kind: Deployment" in result.stdout
    words = shlex.split(command)
    for flag, setting in pairwise(words):
        if flag == "--set":  # every value set reaches the manifests whole
            value = setting.split("=", 1)[1].replace("\\,", ",")
            assert value in result.stdout, (doc, setting)
