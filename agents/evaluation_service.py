"""Scoring one completed session: deterministic methods plus, when possible, the LLM review.

Shared by the evaluation agent (realtime and batch paths) and the analyst CLI, so a
session is scored the same way everywhere. Nothing here touches Kafka or the
database: callers hand in the recording and the interview signals.

How the LLM review ends up in a result (the stored ``mode``):

=============  ==============================================================
``llm``        the review was used as one more method per dimension
``llm-pending`` the review waits in a Message Batch; deterministic result for now
``fallback``   the review was attempted but dropped (malformed twice, over budget,
               refused, unavailable on the last attempt, batch entry errored or
               expired); every dimension carries an ``llm_method_dropped`` flag
``offline``    no API key: deterministic methods only, flagged ``offline_mode``
=============  ==============================================================

Personal data: the request text is scrubbed by :func:`build_llm_request`; evidence
snippets are scrubbed with the candidate's identity terms (``redact``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.analysis import run_static_analysis
from adapters.llm import (
    BudgetExceeded,
    CostLedger,
    LLMClient,
    LLMError,
    LLMRejected,
    LLMUnavailable,
    MalformedLLMOutput,
    PrefixCheck,
    StructuredRequest,
    Usage,
    Validator,
)
from assess.evaluation import (
    DEFAULT_RUBRIC,
    DIMENSIONS,
    LLM_REVIEW_SCHEMA,
    LLM_TOOL_NAME,
    Evaluation,
    Flag,
    InterviewSignals,
    LLMReview,
    Rubric,
    StaticReport,
    build_llm_request,
    final_code,
    parse_llm_review,
    review_prefix,
    score_session,
)
from assess.privacy import identity_terms
from assess.recording import RecordedEvent
from runtime.settings import Settings

__all__ = [
    "Channel",
    "Review",
    "ReviewStatus",
    "Scored",
    "check_cache_prefix",
    "realtime_review",
    "recording_digest",
    "redact_terms",
    "review_request",
    "review_validator",
    "rubric_from",
    "score",
    "static_analysis",
]

ReviewStatus = Literal["used", "dropped", "pending", "offline"]
Channel = Literal["realtime", "batch"]
_MODES: dict[ReviewStatus, str] = {
    "used": "llm", "dropped": "fallback", "pending": "llm-pending", "offline": "offline"}
#: What a dimension's ``missing`` says about the LLM when its review is not in the result.
_ABSENT: dict[ReviewStatus, str] = {"dropped": "the LLM review was dropped ({})",
                                    "pending": "the LLM review is queued in a message batch"}
_TOOL_DESCRIPTION = ("Record the review: per dimension a score (0-100), a confidence (0-1), "
                     "a rationale and evidence.")


@dataclass(frozen=True)
class Review:
    """What became of the LLM review, with the tokens and dollars it cost."""

    status: ReviewStatus
    reviews: Mapping[str, LLMReview] = field(default_factory=dict)
    model: str | None = None
    channel: Channel | None = None
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    reason: str = ""
    calls: int = 0

    def describe(self) -> dict[str, Any]:
        """The ``llm`` section of a stored result (no prompt or answer text)."""
        return {"status": self.status, "channel": self.channel, "model": self.model,
                "reason": self.reason or None}

    def usage_dict(self) -> dict[str, Any]:
        """The ``evaluations.usage`` column: token counts by kind, channel and calls."""
        return {"model": self.model, "channel": self.channel, "calls": self.calls,
                "inputTokens": self.usage.input, "outputTokens": self.usage.output,
                "cacheWriteTokens": self.usage.cache_write,
                "cacheReadTokens": self.usage.cache_read, "costDollars": round(self.cost, 6)}


@dataclass(frozen=True)
class Scored:
    """A scored session ready to store: the evaluation, its JSON and what the LLM cost."""

    evaluation: Evaluation
    mode: str
    result: dict[str, Any]
    usage: dict[str, Any]
    cost: float

    @property
    def final(self) -> bool:
        """False while the LLM review still waits in a batch."""
        return self.mode != "llm-pending"


def rubric_from(settings: Settings) -> Rubric:
    """The configured rubric: ``RUBRIC_VERSION`` and optional ``RUBRIC_WEIGHTS``."""
    weights = settings.rubric_weights or DEFAULT_RUBRIC.weights
    return Rubric(version=settings.rubric_version, weights=weights)


def recording_digest(recording: Sequence[RecordedEvent]) -> str:
    """A short digest of the recording's event ids: equal digests, same recording."""
    text = "\n".join(event.event_id for event in recording)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def redact_terms(recording: Sequence[RecordedEvent], extra: Iterable[str | None] = ()) -> list[str]:
    """Identity values to scrub from evidence: those in the recording plus ``extra``."""
    terms = identity_terms(recording)
    return terms + [t for t in extra if t and t not in terms]


async def static_analysis(recording: Sequence[RecordedEvent]) -> StaticReport:
    """Ruff on the final code, in a thread so the event loop keeps serving other work."""
    return await asyncio.to_thread(run_static_analysis, final_code(recording))


def review_request(recording: Sequence[RecordedEvent], rubric: Rubric,
                   settings: Settings) -> StructuredRequest:
    """The scrubbed review request; system prompt and rubric are the cached prefix."""
    system, rubric_text, user_text = build_llm_request(recording, rubric)
    return StructuredRequest(model=settings.evaluation_model, system=system, rubric=rubric_text,
                             user=user_text, tool_name=LLM_TOOL_NAME,
                             input_schema=LLM_REVIEW_SCHEMA,
                             max_tokens=settings.llm_evaluation_max_tokens,
                             tool_description=_TOOL_DESCRIPTION)


async def check_cache_prefix(client: LLMClient, rubric: Rubric, settings: Settings, *,
                             timeout: float = 10.0) -> PrefixCheck | None:
    """The review's cached prefix against the model's caching minimum, counted by the API.

    Below the minimum the API caches nothing and says nothing, so the worker checks
    once at start. None when the count is unavailable (the worker starts anyway).
    """
    system, rubric_text = review_prefix(rubric)
    request = StructuredRequest(model=settings.evaluation_model, system=system, rubric=rubric_text,
                                user=".", tool_name=LLM_TOOL_NAME, input_schema=LLM_REVIEW_SCHEMA,
                                tool_description=_TOOL_DESCRIPTION)
    try:
        return await asyncio.wait_for(client.prefix_tokens(request), timeout)
    except (LLMError, TimeoutError):
        return None


def review_validator(recording: Sequence[RecordedEvent]) -> Validator[dict[str, LLMReview]]:
    """Accepts only a complete review (every dimension well formed), then parses it."""

    def validate(payload: dict[str, Any]) -> dict[str, LLMReview]:
        for name in DIMENSIONS:
            _check_dimension(name, payload.get(name))
        return parse_llm_review(payload, recording)

    return validate


def _check_dimension(name: str, entry: object) -> None:
    if not isinstance(entry, Mapping):
        raise ValueError(f"{name}: missing")
    value = entry.get("score")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: score is not a number")
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise ValueError(f"{name}: score outside 0-100")
    if not isinstance(entry.get("rationale"), str) or not isinstance(entry.get("evidence"), list):
        raise ValueError(f"{name}: rationale or evidence missing")


async def realtime_review(client: LLMClient, recording: Sequence[RecordedEvent], rubric: Rubric,
                          settings: Settings, *, final_attempt: bool = True) -> Review:
    """One structured call (the client retries a malformed answer once) under the budget.

    Returns a ``used`` or ``dropped`` review. :class:`LLMUnavailable` is raised
    again unless this is the job's final attempt, so the job is retried later;
    on the final attempt the review is dropped instead of failing the evaluation.
    """
    request = review_request(recording, rubric, settings)
    ledger = CostLedger.for_evaluation(settings, client.prices)
    model = request.model

    def dropped(reason: str) -> Review:
        return Review("dropped", model=model, channel="realtime", usage=ledger.usage,
                      cost=ledger.spent, reason=reason, calls=ledger.calls)

    try:
        result = await client.run(request, review_validator(recording), ledger=ledger)
    except MalformedLLMOutput as exc:
        return dropped(f"no valid review in {exc.attempts} attempts ({exc.reason})")
    except BudgetExceeded as exc:
        return dropped(f"budget ${exc.budget:.2f} per evaluation: spent ${exc.spent:.4f}, "
                       f"next call up to ${exc.estimate:.4f}")
    except LLMRejected as exc:
        return dropped(f"the API refused the request (status {exc.status_code})")
    except LLMUnavailable:
        if not final_attempt:
            raise
        return dropped("the API was unavailable on every attempt")
    return Review("used", result.value, model=result.model, channel="realtime",
                  usage=ledger.usage, cost=ledger.spent, calls=ledger.calls)


def score(recording: Sequence[RecordedEvent], *, rubric: Rubric,
          signals: InterviewSignals | None, static: StaticReport | None, review: Review,
          redact: Iterable[str] = ()) -> Scored:
    """Score the session with whatever the review gave, and mark how it was produced."""
    used = review.status == "used"
    evaluation = score_session(recording, rubric=rubric, signals=signals, static=static,
                               llm=review.reviews if used else None,
                               model=review.model if used else None, redact=list(redact),
                               llm_absent=_ABSENT.get(review.status, "").format(review.reason)
                               or "no LLM review (offline)")
    if review.status == "dropped":
        evaluation = _replace_offline_flag(evaluation, [
            Flag("llm_method_dropped", f"LLM review dropped: {review.reason}", name)
            for name in DIMENSIONS])
    elif review.status == "pending":
        evaluation = _replace_offline_flag(evaluation, [Flag(
            "offline_mode", "LLM review queued in a message batch; deterministic methods "
                            "only until it ends")])
    mode = _MODES[review.status]
    result = evaluation.to_dict()
    result["mode"] = mode
    result["llm"] = review.describe()
    return Scored(evaluation, mode, result, review.usage_dict(), review.cost)


def _replace_offline_flag(evaluation: Evaluation, flags: list[Flag]) -> Evaluation:
    kept = [f for f in evaluation.flags if f.code != "offline_mode"]
    return dataclasses.replace(evaluation, flags=(*kept, *flags))
