"""Shared helpers for the deployment tests: tool lookup, YAML, Helm rendering, PromQL.

External tools (helm, promtool) and optional Python packages (PyYAML,
kubernetes-validate) are installed by ``scripts/install_ops_tools.sh``. When one
is missing the test is skipped on a developer machine and fails under CI
(``CI=true``), so a broken install can never pass CI silently.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.support.tools import missing_tool

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "interviewlm-workers"
CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))
COMPOSE_FILE = ROOT / "docker-compose.yml"
ALERTS_FILE = ROOT / "deploy" / "prometheus" / "alerts.yml"
PROMETHEUS_FILE = ROOT / "deploy" / "prometheus" / "prometheus.yml"
DASHBOARD_FILE = ROOT / "deploy" / "grafana" / "dashboards" / "interviewlm.json"
GRAFANA_PROVISIONING = ROOT / "deploy" / "grafana" / "provisioning"
DOCKERFILE = ROOT / "Dockerfile"
OPERATIONS_DOC = ROOT / "docs" / "operations.md"

#: The Kubernetes version manifests are rendered for and validated against.
KUBE_VERSION = "1.37.0"
AGENTS = ("interview", "evaluation", "notification")
CRD_KINDS = {
    "ServiceMonitor": "monitoring.coreos.com/v1",
    "PrometheusRule": "monitoring.coreos.com/v1",
    "ScaledObject": "keda.sh/v1alpha1",
}


def missing(what: str) -> None:
    """Skip on a partial setup, fail when the run promised its tools (scripts/test.sh)."""
    missing_tool(what, "scripts/install_ops_tools.sh")


def require_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"Python package {name!r}")
        raise  # unreachable: missing() always raises


def helm() -> str:
    path = ROOT / ".cache" / "bin" / "helm"
    if not os.access(path, os.X_OK):
        missing("helm (.cache/bin/helm)")
    return str(path)


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        missing("promtool")
    assert path is not None
    return path


def load_yaml(path: Path) -> Any:
    yaml = require_module("yaml")
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_yaml_all(text: str) -> list[dict[str, Any]]:
    yaml = require_module("yaml")
    return [doc for doc in yaml.safe_load_all(text) if doc]


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False,
                          **kwargs)


def _helm_env() -> dict[str, str]:
    home = Path(tempfile.gettempdir()) / "interviewlm-helm-home"
    env = dict(os.environ)
    for var, sub in (("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config"),
                     ("HELM_DATA_HOME", "data")):
        env[var] = str(home / sub)
    return env


def helm_run(*args: str) -> subprocess.CompletedProcess[str]:
    return run([helm(), *args], env=_helm_env())


@functools.cache
def _render(values_name: str | None, extra: tuple[str, ...]) -> str:
    args = ["template", "iv", str(CHART), "--namespace", "workers",
            "--kube-version", KUBE_VERSION]
    if values_name:
        args += ["-f", str(CHART / "ci" / values_name)]
    args += list(extra)
    result = helm_run(*args)
    assert result.returncode == 0, f"helm {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def render(values: Path | None = None, *extra: str) -> list[dict[str, Any]]:
    """Rendered manifests of the chart for one ci/*-values.yaml (or the defaults)."""
    return load_yaml_all(_render(values.name if values else None, tuple(extra)))


def workloads(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in manifests if m["kind"] in ("Deployment", "StatefulSet")]


def container_env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def settings_env_names() -> set[str]:
    from runtime.settings import Settings

    return {name.upper() for name in Settings.model_fields}


# --- PromQL ------------------------------------------------------------------

#: Grafana's built-in interval/range variables, with values that make valid PromQL.
_GRAFANA_DURATIONS = {
    "__rate_interval": "5m", "__interval": "1m", "__range": "1h",
    "__range_s": "3600", "__range_ms": "3600000", "__interval_ms": "60000",
}


def grafana_to_promql(expr: str) -> str:
    """Replace Grafana template variables by values promtool can parse."""

    def sub(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        if name in _GRAFANA_DURATIONS:
            return _GRAFANA_DURATIONS[name]
        return ".*"  # dashboard variables are only used inside regex matchers

    return re.sub(r"\$\{(?P<braced>\w+)(?::\w+)?\}|\$(?P<plain>\w+)", sub, expr)


def dashboard_exprs(node: Any) -> list[str]:
    """Every ``expr`` string anywhere in a dashboard JSON document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                found.append(value)
            else:
                found += dashboard_exprs(value)
    elif isinstance(node, list):
        for item in node:
            found += dashboard_exprs(item)
    return found


def load_dashboard() -> dict[str, Any]:
    with DASHBOARD_FILE.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


_KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
             "group_right", "bool", "offset", "inf", "nan", "atan2", "start", "end"}


def metric_names(expr: str) -> set[str]:
    """Metric names selected by a PromQL expression.

    A light tokenizer, enough for the expressions in this repository: string
    literals, label matchers, grouping label lists and range durations are removed;
    what remains is identifiers, and those not called as functions nor keywords
    are metric names.
    """
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ",
                  text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?", text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in _KEYWORDS:
            continue
        names.add(name)
    return names


def alert_rules() -> list[dict[str, Any]]:
    doc = load_yaml(ALERTS_FILE)
    return [rule for group in doc["groups"] for rule in group["rules"]]
