"""Ways through the task: the scripts the crafted sessions are made of.

``solve`` is the standard session with knobs for each thing a ladder varies: how the
candidate prompts (``prompts``), how the assistant is used (``ai``: hints only, code
the AI applies, code the candidate pastes, or hints first and code after), the route to a
solution (``route``), whether and when tests are run (``runs``) and the code the
session ends with (``final``: by default the documented version on routes that
solve the task, and wherever the route ends otherwise). Everything not varied stays
the same, so a ladder changes one dimension's behaviour at a time.
"""

from __future__ import annotations

from typing import Any, Literal

from benchmarks.validation.builder import Script, fenced
from benchmarks.validation.tasks import VERSIONS
from benchmarks.validation.texts import HINTS, PROMPTS

__all__ = ["solve"]

Ai = Literal["hints", "code", "paste", "mixed", "none"]
Route = Literal["clean", "wander", "stuck", "bad", "late"]
Runs = Literal["always", "end", "never"]


class _Path:
    """One script plus the knobs that decide how each step is written."""

    def __init__(self, script: Script, prompts: tuple[str, str, str], ai: Ai, runs: Runs,
                 pace: float) -> None:
        self.s, self.prompts, self.ai, self.runs, self.pace = script, prompts, ai, runs, pace

    def step(self, index: int, version: str, *, ask: bool = True, wait: float = 240) -> None:
        """Optionally ask about the current failure, then change the code, then maybe test."""
        mode = self.ai if self.ai != "mixed" else ("hints" if index == 0 else "code")
        if ask and mode != "none":
            # a code reply holds exactly the code that is then applied
            reply = (fenced(VERSIONS[version].code) if mode in ("code", "paste")
                     else HINTS[index])
            self.s.ask(self.prompts[index], reply, wait=60 * self.pace, edits=mode == "code")
        trigger = "ai" if ask and mode == "code" else "manual"
        self.s.edit(version, trigger=trigger, wait=wait * self.pace)
        self.test()

    def test(self) -> None:
        if self.runs == "always":
            self.s.run()


def solve(session_id: str, *, prompts: str | tuple[str, str, str] = "precise", ai: Ai = "hints",
          route: Route = "clean", runs: Runs = "always", final: str | None = None,
          answers: tuple[bool, ...] = (), identity: dict[str, Any] | None = None,
          candidate: str = "cand-001", end: float = 2700) -> list[dict[str, Any]]:
    """One session of the merge-intervals task (see the module docstring)."""
    texts = PROMPTS[prompts] if isinstance(prompts, str) else prompts
    script = Script(session_id, candidate_id=candidate, identity=dict(identity or {}))
    script.start()
    pace = 2.6 if route == "late" else 1.0
    path = _Path(script, texts, ai, runs, pace)
    path.step(0, "draft", ask=False, wait=300)
    for correct in answers:
        script.answer(f"q-{len(script.events)}", correct)
    _ROUTES[route](path)
    chosen = final if final is not None else ("documented" if route in ("clean", "wander",
                                                                          "late") else None)
    if chosen is not None and chosen != script.version:
        path.step(2, chosen, ask=False, wait=180)
    if runs == "end":
        script.run()
    return script.complete(end)


def _clean(path: _Path) -> None:
    path.step(0, "sorted")
    path.step(1, "bare")


def _wander(path: _Path) -> None:
    path.step(0, "sorted")
    path.step(1, "messy_wrong", ask=False)  # a rewrite that breaks five more tests
    path.step(1, "sorted", ask=False, wait=200)  # back out of it
    path.step(1, "bare")


def _stuck(path: _Path) -> None:
    path.step(0, "sorted")
    path.step(1, "draft", ask=False)  # undoes the sort: a regression
    path.step(1, "sorted", ask=True, wait=300)


def _bad(path: _Path) -> None:
    path.step(0, "messy_wrong")
    path.step(1, "draft", ask=False)
    path.step(2, "messy_wrong", ask=True)


_ROUTES = {"clean": _clean, "wander": _wander, "stuck": _stuck, "bad": _bad, "late": _clean}
