"""The agents' view of a Kafka message, independent of Faust's event type."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.db.failed_jobs import FailedJob

__all__ = ["BatchResult", "DeadLetter", "OutMessage", "RawMessage", "dead_letter_headers",
           "safe_text"]

#: A dead letter keeps at most this much of the original payload (the broker's
#: default message limit is 1 MiB); a larger one is cut and says so in a header.
DLQ_MAX_PAYLOAD = 900_000


def safe_text(text: str) -> str:
    """``text`` with NULs and lone surrogates escaped (``\\x00``, ``\\ud800``).

    Error messages and traces can quote input; this keeps them storable in a ``text``
    column and encodable in a Kafka header, so recording a failure never fails.
    """
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode()


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One consumed record: its position, key and undecoded value."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()

    @property
    def event_id(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    def header(self, name: str) -> bytes | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class OutMessage:
    """A record to produce once the batch that caused it has been stored."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Why a message could not be processed, with everything needed to retry it."""

    message: RawMessage
    worker: str
    reason: str
    error_type: str
    error_message: str
    stack_trace: str = ""
    attempts: int = 1
    failed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def from_exception(cls, message: RawMessage, worker: str, reason: str, exc: BaseException,
                       attempts: int = 1, with_trace: bool = False) -> DeadLetter:
        trace = "".join(traceback.format_exception(exc)) if with_trace else ""
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return cls(message, worker, reason, type(exc).__name__, safe_text(text[:4000]),
                   safe_text(trace[:20000]), attempts)

    def failed_job(self) -> FailedJob:
        m = self.message
        return FailedJob(self.worker, m.topic, m.partition, m.offset, m.key,
                         m.value[:DLQ_MAX_PAYLOAD], self.error_type, self.error_message,
                         self.stack_trace, self.attempts, self.failed_at, self.failed_at,
                         reason=self.reason,
                         headers=tuple((k, v.decode(errors="replace")[:2000])
                                       for k, v in m.headers),
                         session_id=_text_key(m.key))

    def out_message(self, dlq_topic: str) -> OutMessage:
        m = self.message
        return OutMessage(dlq_topic, m.key, m.value[:DLQ_MAX_PAYLOAD], dead_letter_headers(self))


def _text_key(key: bytes | None) -> str | None:
    """The message key as the session id it is meant to be, when it is short UTF-8."""
    if not key or len(key) > 200:
        return None
    try:
        return key.decode()
    except UnicodeDecodeError:
        return None


def dead_letter_headers(letter: DeadLetter) -> tuple[tuple[str, bytes], ...]:
    m = letter.message
    headers = [
        ("x-dlq-reason", letter.reason.encode()),
        ("x-dlq-error-type", letter.error_type.encode()),
        ("x-dlq-error", letter.error_message[:1000].encode()),
        ("x-dlq-source", m.event_id.encode()),
        ("x-dlq-attempts", str(letter.attempts).encode()),
        ("x-dlq-worker", letter.worker.encode()),
        ("x-dlq-failed-at", letter.failed_at.isoformat().encode()),
    ]
    if len(m.value) > DLQ_MAX_PAYLOAD:
        headers.append(("x-dlq-truncated-from", str(len(m.value)).encode()))
    return tuple(headers)


@dataclass
class BatchResult:
    """What one batch did, for metrics and tests."""

    outcomes: dict[tuple[str, str], int] = field(default_factory=dict)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    out: list[OutMessage] = field(default_factory=list)

    def count(self, event_type: str, outcome: str) -> None:
        key = (event_type, outcome)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def absorb(self, other: BatchResult) -> BatchResult:
        """Add ``other``'s counts, dead letters and messages to this result."""
        for key, n in other.outcomes.items():
            self.outcomes[key] = self.outcomes.get(key, 0) + n
        self.dead_letters += other.dead_letters
        self.out += other.out
        return self
