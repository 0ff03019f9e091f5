"""The agent registry: one entry per agent, validated, built lazily, matching the deploys."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.registry import AGENTS, AgentRegistry, AgentSpec
from interviewlm.app import parse_agents
from interviewlm.cli import build_parser


def test_the_built_in_agents_and_their_topics() -> None:
    assert AGENTS.names() == ("interview", "evaluation", "notification")
    assert AGENTS.topics(AGENTS.names()) == ["interview", "evaluation", "evaluation-urgent",
                                             "notification"]
    for spec in AGENTS:
        assert callable(spec.builder()), spec.name


def test_parse_agents_reads_the_registry() -> None:
    assert parse_agents(None) == list(AGENTS.names())
    assert parse_agents(" evaluation, interview ") == ["evaluation", "interview"]
    with pytest.raises(ValueError, match=r"unknown agents \['nope'\]; choose from interview"):
        parse_agents("interview,nope")
    with pytest.raises(ValueError, match="unknown agents"):
        parse_agents(" , ")


def test_worker_help_lists_the_registered_agents() -> None:
    worker = build_parser()._subparsers._group_actions[0].choices["worker"]  # type: ignore[union-attr]
    assert "interview, evaluation, notification" in " ".join(worker.format_help().split())


def test_a_duplicate_name_is_refused() -> None:
    registry = AgentRegistry([AgentSpec("a", ("t",), "m:f")])
    with pytest.raises(ValueError, match="already registered"):
        registry.add(AgentSpec("a", ("u",), "m:g"))
    assert registry["a"].topics == ("t",) and len(registry) == 1


def test_topics_are_listed_once_in_registry_order() -> None:
    registry = AgentRegistry([AgentSpec("a", ("x", "y"), "m:f"), AgentSpec("b", ("y", "z"), "m:f")])
    assert registry.topics(["b", "a"]) == ["y", "z", "x"]


def test_the_build_function_is_imported_only_when_asked_for(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "lazy_agent_mod.py").write_text("def build(app, settings):\n    return 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = AgentSpec("lazy", ("t",), "lazy_agent_mod:build")
    assert "lazy_agent_mod" not in sys.modules
    assert spec.builder()(None, None) == 42
    assert "lazy_agent_mod" in sys.modules


@given(st.text(max_size=45))
def test_names_outside_the_pattern_are_refused(name: str) -> None:
    valid = (0 < len(name) <= 40 and name[0].isascii() and name[0].islower()
             and all(c.isascii() and (c.islower() or c.isdigit() or c == "-") for c in name))
    if valid:
        assert AgentSpec(name, ("t",), "m:f").name == name
    else:
        with pytest.raises(ValueError, match="agent name"):
            AgentSpec(name, ("t",), "m:f")


@pytest.mark.parametrize("topics, build", [((), "m:f"), (("",), "m:f"), (("t",), "m"),
                                           (("t",), "m:f:g"), (("t",), ":f")])
def test_entries_without_topics_or_a_module_function_are_refused(topics, build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        AgentSpec("a", topics, build)
