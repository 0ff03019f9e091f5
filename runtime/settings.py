"""One settings object for every worker, read from the environment.

The seed system's names are kept where they still apply (``DATABASE_URL``,
``ANTHROPIC_API_KEY``, ``WORKER_CONCURRENCY``, ``INTERNAL_API_KEY``); the Redis
settings are replaced by Kafka ones. Secrets are ``SecretStr`` so they never
appear in ``repr``, logs or error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.topics import TopicNames

__all__ = ["Settings", "load_settings"]

class Settings(BaseSettings):
    """Runtime configuration. Every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    # --- Kafka -------------------------------------------------------------
    kafka_bootstrap_servers: str = "localhost:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = (
        "PLAINTEXT"
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    kafka_ssl_certfile: Path | None = None
    kafka_ssl_keyfile: Path | None = None
    topic_prefix: str = Field("", pattern=r"^[A-Za-z0-9._-]*$",
                              description="Prefix for every topic name (shared clusters, tests).")
    kafka_topic_partitions: int = Field(8, ge=1, description="Partitions for topics we create.")
    kafka_replication_factor: int = Field(1, ge=1)
    kafka_session_timeout_seconds: float = Field(
        10.0, ge=6, description="A killed worker's partitions move after this long.")
    kafka_group_instance_id: str | None = Field(
        None, min_length=1, max_length=249, pattern=r"^[A-Za-z0-9._-]+$",
        description="Static group membership: a name stable across restarts of one worker "
        "(the pod name of a StatefulSet). A restart within KAFKA_SESSION_TIMEOUT_SECONDS "
        "takes its partitions back without a rebalance; two live workers must never share "
        "one. Unset: dynamic membership.")

    # --- Faust -------------------------------------------------------------
    app_id: str = Field("interviewlm-workers", description="Faust app id = consumer group.")
    table_store: Literal["rocksdb://", "memory://"] = Field(
        "rocksdb://", description="rocksdb:// keeps tables on disk under DATA_DIR, so a "
        "restart reads only the changelog's tail; memory:// replays the whole changelog "
        "on every start.")
    data_dir: Path = Field(Path("var/worker"), description="Local table data. Each worker "
                           "claims its own directory below it (interviewlm/datadir.py).")
    table_standby_replicas: int = Field(
        1, ge=0, le=8, description="Other workers of the group that keep a warm copy of each "
        "table partition, so a partition that moves needs no long recovery.")
    web_host: str = "0.0.0.0"
    web_port: int = 6066
    worker_concurrency: int = Field(10, ge=1, le=256, description="Session lanes per batch.")
    evaluation_concurrency: int = Field(5, ge=1, le=64)
    batch_max_events: int = Field(500, ge=1, description="Write-behind flush size.")
    batch_within_seconds: float = Field(0.2, gt=0, description="Write-behind flush interval.")
    shutdown_timeout_seconds: float = Field(30.0, gt=0)
    liveness_grace_seconds: float = Field(
        60.0, gt=0, description="/live fails once an agent has kept crashing this long.")
    readiness_stall_seconds: float = Field(
        300.0, gt=0, description="/ready fails once a partition with lag has not moved "
        "this long.")
    max_message_bytes: int = Field(1_000_000, ge=1024, description="Larger messages dead-letter.")

    # --- PostgreSQL --------------------------------------------------------
    database_url: SecretStr = SecretStr("postgresql://postgres@localhost:5432/interviewlm")
    db_pool_min: int = 1
    db_pool_max: int = 10
    db_connect_timeout_seconds: float = 5.0

    # --- Anthropic ---------------------------------------------------------
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    evaluation_model: str = "claude-sonnet-4-5"
    interview_model: str = "claude-haiku-4-5"
    llm_timeout_seconds: float = 30.0
    llm_max_retries: int = 3
    llm_budget_evaluation_dollars: float = 0.08
    llm_budget_interview_dollars: float = 0.02
    llm_prompt_classifier: bool = True

    # --- IRT / interview agent ---------------------------------------------
    irt_grid_points: int = Field(151, ge=11, le=1001)
    irt_grid_min: float = -10.0
    irt_grid_max: float = 10.0
    irt_prior_mean: float = 0.0
    irt_prior_sd: float = Field(1.0, gt=0)
    difficulty_change_threshold: int = Field(2, ge=1, le=9)
    stable_se_threshold: float = Field(0.3, gt=0)
    default_difficulty: int = Field(5, ge=1, le=10, description="Level assumed before a "
                                    "session-started event was seen (1-10 scale).")

    # --- Struggle indicators and AI-code tracking (interview agent) ---------
    # Defaults are assess.indicators.StruggleThresholds' and tables.config.ReducerConfig's
    # (tests/unit/tables/test_config.py fails when they part).
    stalled_after_seconds: float = Field(
        600.0, gt=0, description="stalled_progress: event-time seconds with no code change "
        "and no test run gaining passes.")
    repeated_failure_runs: int = Field(
        3, ge=1, description="repeated_failure: consecutive runs failing the same tests.")
    help_requests_to_flag: int = Field(
        2, ge=1, description="asking_for_help: prompts asking for help or a solution.")
    short_prompt_words: int = Field(6, ge=1, description="A prompt under this many words "
                                    "is short.")
    short_prompts_min: int = Field(2, ge=1, description="short_prompts: prompts seen first.")
    short_prompt_share: float = Field(
        0.5, gt=0, le=1, description="short_prompts: share of short prompts (0-1).")
    high_test_failure_rate: float = Field(
        0.7, gt=0, le=1, description="high_test_failure_rate: failed / total tests (0-1).")
    high_test_failure_min_runs: int = Field(
        3, ge=1, description="high_test_failure_rate: test runs seen first.")
    slow_response_seconds: float = Field(
        1800.0, gt=0, description="slow_response_time: mean seconds per answered question.")
    ai_thrashing_chats: int = Field(
        5, ge=1, description="ai_thrashing: AI chats in a row without manual progress.")
    ai_code_memory: int = Field(5, ge=1, description="Recent AI responses whose code lines "
                                "are remembered (AI-code share of later changes).")
    ai_code_max_lines: int = Field(64, ge=1, description="Line hashes kept per AI response.")
    paste_min_lines: int = Field(3, ge=1, description="Consecutive identical non-trivial "
                                 "lines that count as a paste.")

    # --- Notifications -----------------------------------------------------
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    email_from: str = "InterviewLM <no-reply@interviewlm.local>"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    slack_webhook_url: SecretStr | None = None
    recruiter_email: str | None = None

    # --- Admin / security --------------------------------------------------
    internal_api_key: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # --- Evaluation agent --------------------------------------------------
    rubric_version: str = Field("2024.1", min_length=1, max_length=64,
                                description="Stored with every evaluation; a new version "
                                "keeps the old results.")
    rubric_weights: dict[str, float] | None = Field(
        None, description='JSON, e.g. {"code_quality": 0.4, ...}; default weights when unset.')
    evaluation_urgent_priority: int = Field(8, ge=1, le=10,
                                            description="analyze priority scored in realtime.")
    analyze_grace_seconds: float = Field(
        10.0, ge=0, le=600, description="An analyze for a session with no session-complete "
        "waits this long after its timestamp for late events, then scores what is recorded.")
    llm_evaluation_max_tokens: int = Field(1500, ge=256, le=8192)
    llm_batch_enabled: bool = Field(True, description="Non-urgent LLM reviews go through the "
                                    "Message Batches API (half price).")
    llm_batch_interval_seconds: float = Field(30.0, gt=0, description="Batch coordinator tick.")
    llm_batch_min_requests: int = Field(20, ge=1, description="Submit once this many wait...")
    llm_batch_max_wait_seconds: float = Field(300.0, ge=0, description="...or the oldest "
                                              "waited this long.")
    llm_batch_max_requests: int = Field(500, ge=1, le=100_000, description="Per batch.")
    llm_batch_deadline_seconds: float = Field(25 * 3600.0, gt=0, description="A batch not "
                                              "ended by then is cancelled; its evaluations "
                                              "fall back to deterministic scoring.")

    # --- Notification worker -----------------------------------------------
    notification_attempts: int = Field(5, ge=1, le=20, description="Tries per notification "
                                       "job before it is dead-lettered.")
    notification_retry_initial_seconds: float = Field(2.0, gt=0, description="First retry "
                                                      "delay; doubles on each further retry.")
    notification_claim_stale_seconds: float = Field(
        45.0, gt=0, description="A delivery claimed but not finished this long ago (a crashed "
        "worker) may be taken over; must exceed the 30 s bound on one send.")

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _non_empty_servers(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("KAFKA_BOOTSTRAP_SERVERS must name at least one host:port")
        return value

    @property
    def kafka_url(self) -> str:
        """Bootstrap servers in Faust's ``kafka://host:port;host:port`` form."""
        hosts = [h.strip() for h in self.kafka_bootstrap_servers.split(",") if h.strip()]
        return ";".join(f"kafka://{h}" for h in hosts)

    @property
    def bootstrap_list(self) -> list[str]:
        return [h.strip() for h in self.kafka_bootstrap_servers.split(",") if h.strip()]

    @property
    def topics(self) -> TopicNames:
        return TopicNames(self.topic_prefix)

    @property
    def offline(self) -> bool:
        """True when no Anthropic key is set: deterministic methods only."""
        return self.anthropic_api_key is None or not self.anthropic_api_key.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, with explicit overrides (used by tests and CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
