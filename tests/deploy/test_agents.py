"""Every agent the compose file and the Helm chart run is registered, with the same topics."""

from __future__ import annotations

from pathlib import Path

import yaml

from agents.registry import AGENTS

ROOT = Path(__file__).resolve().parents[2]


def test_helm_agents_are_registered_with_their_topics() -> None:
    values = yaml.safe_load((ROOT / "helm/interviewlm-workers/values.yaml").read_text())
    for name, agent in values["agents"].items():
        assert name in AGENTS.names(), f"values.yaml runs unregistered agent {name!r}"
        assert tuple(agent["topics"]) == AGENTS[name].topics, name


def test_compose_services_run_registered_agents() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    chosen = []
    for service in compose["services"].values():
        command = service.get("command") or []
        if command[:1] == ["worker"] and "--agents" in command:
            chosen.append(command[command.index("--agents") + 1])
    assert chosen, "no compose service runs a worker with --agents"
    for spec in chosen:
        assert AGENTS.choose(spec), spec
