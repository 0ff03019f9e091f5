"""Event models: the wire contract the platform already speaks.

Every message is ``{"type": "<event type>", "data": {"sessionId", "timestamp", ...}}``
with camelCase fields (see ``shared/spec/events.md``). Field types are strict: a
string is never coerced into an int. Unknown fields inside ``data`` are ignored
so the platform can add fields without dead-lettering traffic; fields that are
ours (``eventId``, item parameters, confidence bands) are optional on input.

Every value must also be one PostgreSQL and our arithmetic accept
(:mod:`streams.storable` catches text and numbers while parsing): timestamps carry
a timezone and lie in [:data:`TIMESTAMP_MIN`, :data:`TIMESTAMP_MAX`); counts and
durations have generous upper bounds so sums and ratios stay finite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

__all__ = [
    "EVENT_MODELS",
    "TIMESTAMP_MAX",
    "TIMESTAMP_MIN",
    "AdjustDifficulty",
    "AiInteraction",
    "Analyze",
    "CodeChanged",
    "Comprehensive",
    "EvaluationComplete",
    "Event",
    "EventData",
    "GenerateReport",
    "InterviewExpired",
    "InterviewInvited",
    "InterviewReminder",
    "ItemParamsIn",
    "JobOpts",
    "QuestionAnswered",
    "SessionComplete",
    "SessionStarted",
    "TestRun",
]

#: The accepted window for every timestamp (the upper bound excluded). Both ends are far
#: from what ``timestamptz`` and Python's ``datetime`` hold (years 1 to 9999 in UTC:
#: ``9999-12-31T23:59:59-12:00`` is year 10000 in UTC, ``0001-01-01T00:00:00+14:00`` is
#: year 0), so converting, storing and adding session durations never overflow, and far
#: from any real interview, so no honest clock is refused.
TIMESTAMP_MIN = datetime(1970, 1, 1, tzinfo=UTC)
TIMESTAMP_MAX = datetime(2200, 1, 1, tzinfo=UTC)
#: Upper bound on counts (tests in a run) and on durations in seconds (about 31 years):
#: no real value comes near, and sums over a session stay exact and finite.
MAX_COUNT = 1_000_000_000
MAX_SECONDS = 1e9


def _bounded_instant(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise PydanticCustomError("timestamp_naive",
                                  "timestamp must carry a timezone (e.g. a trailing Z)")
    if not TIMESTAMP_MIN <= value < TIMESTAMP_MAX:
        raise PydanticCustomError(
            "timestamp_out_of_range",
            "timestamp out of range: must lie from {low} up to {high} (UTC)",
            {"low": TIMESTAMP_MIN.isoformat(), "high": TIMESTAMP_MAX.isoformat()})
    return value


Timestamp = Annotated[datetime, Field(
    strict=False, description="ISO-8601 instant with a timezone, from "
    "1970-01-01T00:00:00Z up to (not including) 2200-01-01T00:00:00Z"),
    AfterValidator(_bounded_instant)]
Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS, strict=False, allow_inf_nan=False,
                                 description="Seconds (at most 1e9)")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Difficulty = Annotated[int, Field(ge=1, le=10, description="Difficulty level 1-10")]
#: Longest id in UTF-8 bytes. Ids are primary-key columns; two of them side by side
#: (session id and event key) must fit PostgreSQL's 2,704-byte btree entry.
MAX_ID_BYTES = 512


def _fits_an_index(value: str) -> str:
    if len(value.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
        raise PydanticCustomError("id_too_long", "must be at most {limit} bytes in UTF-8",
                                  {"limit": MAX_ID_BYTES})
    return value


NonEmpty = Annotated[str, Field(min_length=1, max_length=MAX_ID_BYTES),
                     AfterValidator(_fits_an_index)]
EventId = Annotated[str, Field(max_length=MAX_ID_BYTES), AfterValidator(_fits_an_index)]


class _Model(BaseModel):
    model_config = ConfigDict(
        strict=True,
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )


class EventData(_Model):
    """Fields every event carries."""

    session_id: NonEmpty
    timestamp: Timestamp


class ItemParamsIn(_Model):
    """Optional IRT item parameters sent with an answer (3PL: a, b, c)."""

    a: float = Field(gt=0, allow_inf_nan=False)
    b: float = Field(allow_inf_nan=False)
    c: float = Field(0.0, ge=0, lt=1, allow_inf_nan=False)


# ---- interview topic ------------------------------------------------------
class AiInteractionData(EventData):
    candidate_message: str
    ai_response: str
    tools_used: list[str] = Field(default_factory=list)
    files_modified: list[str] = Field(default_factory=list)
    #: Ours, optional: a 1-5 prompt-quality score set by the interview agent's LLM
    #: classifier before the event is folded in; the formula is used when absent.
    prompt_quality: float | None = Field(None, ge=1, le=5, strict=False, allow_inf_nan=False)


class CodeChangedData(EventData):
    files: dict[str, str]
    trigger: Literal["manual", "ai", "test"]


class TestRunData(EventData):
    """Counts of one test run; passed + failed never exceeds total (the rest were skipped)."""

    __test__ = False  # not a pytest test class
    passed: Count
    failed: Count
    total: Count
    coverage: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    output: str = ""
    question_id: str | None = None
    failing_tests: list[str] | None = None

    @model_validator(mode="after")
    def _counts_fit_total(self) -> TestRunData:
        # A run claiming more results than tests would score above 100% downstream.
        if self.passed + self.failed > self.total:
            raise ValueError(f"passed ({self.passed}) + failed ({self.failed}) exceeds "
                             f"total ({self.total})")
        return self


class QuestionAnsweredData(EventData):
    question_id: NonEmpty
    answer: str
    time_spent: Seconds
    is_correct: bool | None = None
    item_params: ItemParamsIn | None = None


class SessionStartedData(EventData):
    candidate_id: NonEmpty
    question_id: NonEmpty
    difficulty: Difficulty
    question_seed: str


class SessionCompleteData(EventData):
    candidate_id: NonEmpty
    question_id: NonEmpty
    duration: Seconds
    final_code: dict[str, str] = Field(default_factory=dict)


class AdjustDifficultyData(EventData):
    new_difficulty: Difficulty
    irt_theta: float = Field(strict=False, allow_inf_nan=False)
    reason: str
    irt_se: float | None = Field(None, strict=False, allow_inf_nan=False)
    confidence_low: float | None = Field(None, strict=False, allow_inf_nan=False)
    confidence_high: float | None = Field(None, strict=False, allow_inf_nan=False)
    previous_difficulty: Difficulty | None = None


# ---- evaluation topic -----------------------------------------------------
class AnalyzeData(EventData):
    candidate_id: NonEmpty
    priority: int = Field(1, ge=1, le=10)


class ComprehensiveData(EventData):
    """The platform's ``comprehensive`` job: ``sessionId`` holds the *candidate* id (as
    the platform sends it); the evaluation covers that candidate's latest session.
    ``timestamp`` comes from ``triggeredAt`` and ``priority`` from its word
    (``streams.bullmq``)."""

    candidate_id: NonEmpty
    priority: int = Field(5, ge=1, le=10)


class GenerateReportData(EventData):
    evaluation_id: NonEmpty
    format: Literal["json", "html", "pdf"] = "json"


# ---- notification topic ---------------------------------------------------
class EvaluationCompleteData(EventData):
    candidate_id: NonEmpty
    evaluation_id: NonEmpty
    overall_score: float = Field(ge=0, le=100, strict=False, allow_inf_nan=False)
    #: Ours, optional: the rubric the evaluation was scored with (dedupe key part).
    rubric_version: NonEmpty | None = None


class InvitationData(EventData):
    candidate_email: NonEmpty
    candidate_name: str
    invite_link: NonEmpty
    expires_at: Timestamp


class JobOpts(_Model):
    """The BullMQ job options kept from a normalised job (``streams.bullmq``)."""

    job_id: str | None = Field(None, max_length=512)
    priority: int | None = None


class _Envelope(_Model):
    """``{"type", "data"}`` plus our optional envelope fields."""

    event_id: EventId | None = Field(None, description="Producer-assigned id (optional, at "
                                     "most 512 bytes)")
    opts: JobOpts | None = Field(None, description="BullMQ jobId and priority, when the "
                                 "event came as a BullMQ job (optional)")


class AiInteraction(_Envelope):
    type: Literal["ai-interaction"]
    data: AiInteractionData


class CodeChanged(_Envelope):
    type: Literal["code-changed"]
    data: CodeChangedData


class TestRun(_Envelope):
    __test__ = False
    type: Literal["test-run"]
    data: TestRunData


class QuestionAnswered(_Envelope):
    type: Literal["question-answered"]
    data: QuestionAnsweredData


class SessionStarted(_Envelope):
    type: Literal["session-started"]
    data: SessionStartedData


class SessionComplete(_Envelope):
    type: Literal["session-complete"]
    data: SessionCompleteData


class AdjustDifficulty(_Envelope):
    type: Literal["adjust-difficulty"]
    data: AdjustDifficultyData


class Analyze(_Envelope):
    type: Literal["analyze"]
    data: AnalyzeData


class Comprehensive(_Envelope):
    type: Literal["comprehensive"]
    data: ComprehensiveData


class GenerateReport(_Envelope):
    type: Literal["generate-report"]
    data: GenerateReportData


class EvaluationComplete(_Envelope):
    type: Literal["evaluation-complete"]
    data: EvaluationCompleteData


class InterviewInvited(_Envelope):
    type: Literal["interview-invited"]
    data: InvitationData


class InterviewReminder(_Envelope):
    type: Literal["interview-reminder"]
    data: InvitationData


class InterviewExpired(_Envelope):
    type: Literal["interview-expired"]
    data: InvitationData


Event = (
    AiInteraction
    | CodeChanged
    | TestRun
    | QuestionAnswered
    | SessionStarted
    | SessionComplete
    | AdjustDifficulty
    | Analyze
    | Comprehensive
    | GenerateReport
    | EvaluationComplete
    | InterviewInvited
    | InterviewReminder
    | InterviewExpired
)

#: Event type name -> model, in contract order.
EVENT_MODELS: dict[str, type[_Envelope]] = {
    "ai-interaction": AiInteraction,
    "code-changed": CodeChanged,
    "test-run": TestRun,
    "question-answered": QuestionAnswered,
    "session-started": SessionStarted,
    "session-complete": SessionComplete,
    "adjust-difficulty": AdjustDifficulty,
    "analyze": Analyze,
    "comprehensive": Comprehensive,
    "generate-report": GenerateReport,
    "evaluation-complete": EvaluationComplete,
    "interview-invited": InterviewInvited,
    "interview-reminder": InterviewReminder,
    "interview-expired": InterviewExpired,
}
