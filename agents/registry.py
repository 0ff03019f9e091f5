"""Every agent a worker can run: its name, the topics it consumes, how to build it.

One :class:`AgentSpec` per agent is all the rest of the system reads: ``interviewlm
worker --agents`` validates names and lists them in ``--help`` from here, the app
factory builds the chosen ones, and the worker creates their topics at start.
Adding an agent is two steps (``docs/adding-an-agent.md``): write a module with a
``register(app, settings)`` function, then add one ``AGENTS.add(...)`` line below.

``build`` is a ``"module:function"`` string rather than the function itself so a
worker imports only the agents it runs (the evaluation agent pulls in the LLM
stack, which an interview-only worker never needs).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from streams.topics import EVALUATION, EVALUATION_URGENT, INTERVIEW, NOTIFICATION

if TYPE_CHECKING:  # the CLI reads the registry for --help without loading Faust
    import faust

    from runtime.settings import Settings

__all__ = ["AGENTS", "AgentRegistry", "AgentSpec", "Builder"]

#: ``register(app, settings)``: declares the agent's Faust agents, tables and timers.
Builder = Callable[["faust.App", "Settings"], object]

_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """One agent.

    name: what ``--agents`` takes; also the metric label and the compose/Helm key.
    topics: base topic names it consumes (no prefix; ``.retry``/``.dlq`` are implied).
    build: ``"package.module:function"``, a :data:`Builder` imported on first use.
    """

    name: str
    topics: tuple[str, ...]
    build: str

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):  # match() lets "$" accept a trailing newline
            raise ValueError(f"agent name {self.name!r} must match {_NAME.pattern}")
        if not self.topics or not all(isinstance(t, str) and t for t in self.topics):
            raise ValueError(f"agent {self.name!r} needs at least one topic name")
        if not _TARGET.fullmatch(self.build):
            raise ValueError(f"agent {self.name!r}: build must be 'module:function'")

    def builder(self) -> Builder:
        """Import and return the build function."""
        module, _, function = self.build.partition(":")
        return cast(Builder, getattr(importlib.import_module(module), function))


class AgentRegistry:
    """Agents by name, in the order they were added (the default ``--agents`` order)."""

    def __init__(self, specs: Iterable[AgentSpec] = ()) -> None:
        self._specs: dict[str, AgentSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: AgentSpec) -> AgentSpec:
        """Register ``spec``; a second agent under the same name is refused."""
        if spec.name in self._specs:
            raise ValueError(f"agent {spec.name!r} is already registered")
        self._specs[spec.name] = spec
        return spec

    def names(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def __getitem__(self, name: str) -> AgentSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[AgentSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def choose(self, spec: str | Iterable[str] | None) -> list[str]:
        """``"interview,evaluation"`` -> ``["interview", "evaluation"]``; None -> all.

        Unknown names and an empty choice raise ``ValueError`` naming the known ones.
        """
        if spec is None:
            return list(self._specs)
        names = spec.split(",") if isinstance(spec, str) else list(spec)
        chosen = [n.strip() for n in names if n.strip()]
        unknown = sorted(set(chosen) - set(self._specs))
        if unknown or not chosen:
            raise ValueError(f"unknown agents {unknown}; choose from {', '.join(self._specs)}")
        return chosen

    def topics(self, names: Iterable[str]) -> list[str]:
        """The base topics the named agents consume, each once, in registry order."""
        seen: dict[str, None] = {}
        for name in names:
            seen.update(dict.fromkeys(self._specs[name].topics))
        return list(seen)


AGENTS = AgentRegistry()
AGENTS.add(AgentSpec("interview", (INTERVIEW,),
                     "agents.faust_interview:register_interview_agent"))
AGENTS.add(AgentSpec("evaluation", (EVALUATION, EVALUATION_URGENT),
                     "agents.faust_evaluation:register_evaluation_agent"))
AGENTS.add(AgentSpec("notification", (NOTIFICATION,),
                     "agents.faust_notification:register_notification_agent"))
