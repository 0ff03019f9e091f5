"""Prometheus metrics for every worker.

Names follow Prometheus practice (``_total`` for counters, ``_seconds`` for
durations). No label ever carries a session or candidate id: those are
unbounded and would also leak personal data into the monitoring system.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

__all__ = [
    "ACTIVE_SESSIONS",
    "AGENT_CRASHES",
    "AGENT_UP",
    "BUILD_INFO",
    "CONSUMER_COMMITTED",
    "CONSUMER_LAG",
    "DB_WRITE_BATCH",
    "DEAD_LETTERS",
    "DIF_ITEMS",
    "EVALUATIONS",
    "EVALUATION_DURATION",
    "EVENTS_PROCESSED",
    "LLM_COST",
    "LLM_REQUESTS",
    "LLM_TOKENS",
    "METRIC_NAMES",
    "NOTIFICATIONS",
    "PARTITIONS_STUCK",
    "PAYLOAD_REPAIRS",
    "PROCESSING_DURATION",
    "REGISTRY",
    "RETRIES",
    "SESSION_THETA",
    "TABLE_RECOVERY_COMPLETE",
    "package_version",
]

REGISTRY = CollectorRegistry(auto_describe=True)

EVENTS_PROCESSED = Counter(
    "interviewlm_events_processed_total",
    "Events consumed, by topic, event type and outcome (ok, duplicate, dead_letter, retry).",
    ["topic", "type", "outcome"],
    registry=REGISTRY,
)
PROCESSING_DURATION = Histogram(
    "interviewlm_processing_duration_seconds",
    "Wall time to process one batch of events, per agent.",
    ["agent"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "interviewlm_consumer_lag_messages",
    "Messages between the group's committed offset and the partition end.",
    ["group", "topic", "partition"],
    registry=REGISTRY,
)
CONSUMER_COMMITTED = Gauge(
    "interviewlm_consumer_committed_offset",
    "The group's committed offset per partition, read from the brokers (lag that stays"
    " up while this stops changing is a stuck partition).",
    ["group", "topic", "partition"],
    registry=REGISTRY,
)
AGENT_UP = Gauge(
    "interviewlm_agent_up",
    "1 while the agent runs; 0 once it has kept crashing (or had no running actor) for"
    " LIVENESS_GRACE_SECONDS, when /live fails too.",
    ["agent"],
    registry=REGISTRY,
)
AGENT_CRASHES = Counter(
    "interviewlm_agent_crashes_total",
    "Agent actors that raised and were restarted by Faust's supervisor.",
    ["agent"],
    registry=REGISTRY,
)
PARTITIONS_STUCK = Gauge(
    "interviewlm_partitions_stuck",
    "Partitions held by this worker with lag whose processed offset has not moved for"
    " READINESS_STALL_SECONDS (/ready fails while this is above 0).",
    registry=REGISTRY,
)
TABLE_RECOVERY_COMPLETE = Gauge(
    "interviewlm_table_recovery_complete",
    "1 once changelog recovery of the worker's tables has finished, else 0.",
    registry=REGISTRY,
)
RETRIES = Counter(
    "interviewlm_retries_total",
    "Processing attempts that failed with a transient error and were retried.",
    ["topic"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "interviewlm_dead_letters_total",
    "Messages sent to a dead-letter topic, by source topic and reason class.",
    ["topic", "reason"],
    registry=REGISTRY,
)
EVALUATION_DURATION = Histogram(
    "interviewlm_evaluation_duration_seconds",
    "Wall time to score one completed session.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    registry=REGISTRY,
)
EVALUATIONS = Counter(
    "interviewlm_evaluations_total",
    "Evaluations finished, by outcome (ok, needs_review, failed).",
    ["outcome"],
    registry=REGISTRY,
)
LLM_REQUESTS = Counter(
    "interviewlm_llm_requests_total",
    "Anthropic API requests, by model, mode (realtime, batch) and outcome.",
    ["model", "mode", "outcome"],
    registry=REGISTRY,
)
LLM_TOKENS = Counter(
    "interviewlm_llm_tokens_total",
    "Tokens billed, by model and kind (input, output, cache_write, cache_read).",
    ["model", "kind"],
    registry=REGISTRY,
)
LLM_COST = Counter(
    "interviewlm_llm_cost_dollars_total",
    "Estimated spend in US dollars from the configured price table, by model.",
    ["model"],
    registry=REGISTRY,
)
NOTIFICATIONS = Counter(
    "interviewlm_notifications_total",
    "Notification deliveries, by channel (email, webhook, slack) and outcome.",
    ["channel", "outcome"],
    registry=REGISTRY,
)
PAYLOAD_REPAIRS = Counter(
    "interviewlm_payload_repairs_total",
    "Recording text fields stored with NULs or lone surrogates replaced by U+FFFD, by"
    " source topic and kind (nul, lone_surrogate); the original bytes are kept too.",
    ["topic", "kind"],
    registry=REGISTRY,
)
ACTIVE_SESSIONS = Gauge(
    "interviewlm_active_sessions",
    "Sessions started and not yet completed, as seen by this worker's partitions.",
    registry=REGISTRY,
)
SESSION_THETA = Histogram(
    "interviewlm_session_theta",
    "Live EAP ability estimates (logit scale) after each scored response.",
    buckets=(-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3),
    registry=REGISTRY,
)
DB_WRITE_BATCH = Histogram(
    "interviewlm_db_write_batch_rows",
    "Rows written per write-behind flush to PostgreSQL.",
    buckets=(1, 5, 10, 50, 100, 250, 500, 1000, 2500),
    registry=REGISTRY,
)
DIF_ITEMS = Gauge(
    "interviewlm_dif_items",
    "Items per ETS DIF class (A, B, C) in the newest stored Mantel-Haenszel DIF run.",
    ["class"],
    registry=REGISTRY,
)
BUILD_INFO = Info(
    "interviewlm_build",
    "Version of the worker and of the Python runtime.",
    registry=REGISTRY,
)


def package_version() -> str:
    """The installed distribution's version (pyproject.toml's), or "unknown" from a
    source tree that was never installed."""
    try:
        return version("interviewlm-workers")
    except PackageNotFoundError:
        return "unknown"


BUILD_INFO.info({"version": package_version(), "python": platform.python_version()})

#: Every sample name a worker exposes, for dashboards and tests to check against.
METRIC_NAMES: tuple[str, ...] = (
    "interviewlm_events_processed_total",
    "interviewlm_processing_duration_seconds_bucket",
    "interviewlm_processing_duration_seconds_count",
    "interviewlm_processing_duration_seconds_sum",
    "interviewlm_consumer_lag_messages",
    "interviewlm_consumer_committed_offset",
    "interviewlm_agent_up",
    "interviewlm_agent_crashes_total",
    "interviewlm_partitions_stuck",
    "interviewlm_table_recovery_complete",
    "interviewlm_retries_total",
    "interviewlm_dead_letters_total",
    "interviewlm_evaluation_duration_seconds_bucket",
    "interviewlm_evaluation_duration_seconds_count",
    "interviewlm_evaluation_duration_seconds_sum",
    "interviewlm_evaluations_total",
    "interviewlm_llm_requests_total",
    "interviewlm_llm_tokens_total",
    "interviewlm_llm_cost_dollars_total",
    "interviewlm_notifications_total",
    "interviewlm_payload_repairs_total",
    "interviewlm_active_sessions",
    "interviewlm_session_theta_bucket",
    "interviewlm_session_theta_count",
    "interviewlm_session_theta_sum",
    "interviewlm_db_write_batch_rows_bucket",
    "interviewlm_dif_items",
    "interviewlm_build_info",
)
