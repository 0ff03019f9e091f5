"""What the scorer reads besides the recording: interview signals, static analysis, LLM review.

These are plain frozen values so adapters (the ruff runner, the Anthropic client,
the interview agent's metrics) can build them without the domain importing them.
Scores are on a 0-100 scale; theta is on the logit scale.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "EvidenceRef",
    "FunctionComplexity",
    "InterviewSignals",
    "LLMReview",
    "StaticFinding",
    "StaticReport",
]


@dataclass(frozen=True, slots=True)
class InterviewSignals:
    """Metrics the interview agent kept for the session (candidates never see these).

    theta/se: IRT ability estimate and its standard error (logits).
    avg_prompt_quality: mean prompt quality on the 1-5 scale.
    ai_dependency: share of the work done by the AI, 0-100.
    """

    theta: float | None = None
    se: float | None = None
    avg_prompt_quality: float | None = None
    ai_dependency: float | None = None


@dataclass(frozen=True, slots=True)
class StaticFinding:
    """One linter finding: rule code (e.g. ``F401``), message, file and 1-based line."""

    code: str
    message: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class FunctionComplexity:
    """McCabe cyclomatic complexity of one function (1 = straight-line code)."""

    file: str
    name: str
    line: int
    complexity: int


@dataclass(frozen=True, slots=True)
class StaticReport:
    """Static analysis of the final code, produced outside the domain (e.g. by ruff).

    ``python_lines`` counts the non-blank lines that were linted, so findings can be
    normalised per 100 lines. ``skipped_files`` were not linted (not Python, or an
    unsafe path); the scorer gives them generic metrics only. ``error`` is set when
    the tool failed or timed out, in which case ``findings`` is empty and not meaningful.
    """

    findings: tuple[StaticFinding, ...] = ()
    complexity: tuple[FunctionComplexity, ...] = ()
    analysed_files: tuple[str, ...] = ()
    skipped_files: tuple[str, ...] = ()
    python_lines: int = 0
    tool: str = "ruff"
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the tool ran and its findings can be trusted."""
        return self.error is None and bool(self.analysed_files)


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """An LLM's pointer into the recording: an event id and an optional quoted snippet."""

    event_id: str
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class LLMReview:
    """An LLM reviewer's verdict on one dimension: score 0-100, rationale, evidence refs.

    ``confidence`` (0-1) is what the model stated, anchored in the rubric to how much
    of the dimension the session shows; None when it gave none.
    """

    score: float
    rationale: str
    evidence: tuple[EvidenceRef, ...] = ()
    confidence: float | None = None
