"""Topic names (the old queue names) and which event types each one carries."""

from __future__ import annotations

__all__ = [
    "EVALUATION",
    "EVALUATION_URGENT",
    "INTERVIEW",
    "NOTIFICATION",
    "SOURCE_TOPICS",
    "TOPIC_EVENT_TYPES",
    "TopicNames",
    "dead_letter_topic",
    "retry_topic",
    "source_topic",
    "topic_for_type",
]

INTERVIEW = "interview"
EVALUATION = "evaluation"
#: Urgent ``analyze`` commands (priority >= URGENT_PRIORITY) get their own lane so a
#: backlog of low-priority work never holds them up.
EVALUATION_URGENT = "evaluation-urgent"
NOTIFICATION = "notification"

TOPIC_EVENT_TYPES: dict[str, frozenset[str]] = {
    INTERVIEW: frozenset(
        {
            "ai-interaction",
            "code-changed",
            "test-run",
            "question-answered",
            "session-started",
            "session-complete",
            "adjust-difficulty",
        }
    ),
    EVALUATION: frozenset({"analyze", "comprehensive", "generate-report"}),
    EVALUATION_URGENT: frozenset({"analyze", "comprehensive", "generate-report"}),
    NOTIFICATION: frozenset(
        {"evaluation-complete", "interview-invited", "interview-reminder", "interview-expired"}
    ),
}
SOURCE_TOPICS: tuple[str, ...] = (INTERVIEW, EVALUATION, EVALUATION_URGENT, NOTIFICATION)


def dead_letter_topic(topic: str) -> str:
    """Where messages from ``topic`` go when they can never be processed."""
    return f"{topic}.dlq"


def retry_topic(topic: str) -> str:
    """Where failed jobs from ``topic`` wait for their next attempt."""
    return f"{topic}.retry"


def source_topic(actual: str) -> str:
    """``"eco.interview.retry"`` -> ``"eco.interview"``: the topic a job belongs to.

    The prefix stays: this is the name metric labels, alerts, dashboards and the
    admin board use, so one topic has one name everywhere under any prefix.
    """
    for suffix in (".retry", ".dlq"):
        if actual.endswith(suffix):
            return actual[: -len(suffix)]
    return actual


def topic_for_type(event_type: str, *, priority: int = 1, urgent_priority: int = 8) -> str:
    """The topic a producer publishes ``event_type`` to."""
    for topic in (INTERVIEW, EVALUATION, NOTIFICATION):
        if event_type in TOPIC_EVENT_TYPES[topic]:
            if topic == EVALUATION and priority >= urgent_priority:
                return EVALUATION_URGENT
            return topic
    raise KeyError(f"unknown event type {event_type!r}")


class TopicNames:
    """Actual topic names under an optional prefix (``TOPIC_PREFIX``).

    A prefix lets several environments, or test runs, share one Kafka cluster.
    The contract (which types a topic carries) is always checked on the base name.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def __call__(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def base(self, actual: str) -> str:
        """``"t1.interview"`` -> ``"interview"`` (retry and DLQ suffixes are kept)."""
        return actual[len(self.prefix):] if self.prefix and actual.startswith(self.prefix) \
            else actual

    def all(self) -> list[str]:
        names: list[str] = []
        for topic in SOURCE_TOPICS:
            names += [self(topic), self(retry_topic(topic)), self(dead_letter_topic(topic))]
        return names
