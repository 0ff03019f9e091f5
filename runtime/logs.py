"""JSON-lines logging: ``level, worker, sessionId, event, timestamp`` on stdout.

Log one line per session milestone, not one per event. Never log keys, tokens,
candidate text or personal data: :class:`RedactSecrets` also masks every
configured secret value should one ever reach a message by mistake.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

__all__ = ["JsonFormatter", "RedactSecrets", "configure_logging", "get_logger", "logging_config"]

_EXTRA_KEYS = ("worker", "sessionId", "event", "topic", "partition", "offset", "reason")


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the fields operators search on."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "level": record.levelname.lower(),
            "worker": getattr(record, "worker", record.name),
            "sessionId": getattr(record, "sessionId", None),
            "event": getattr(record, "event", None) or record.getMessage(),
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
        }
        if getattr(record, "event", None):
            payload["message"] = record.getMessage()
        for key in _EXTRA_KEYS[3:]:
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            payload.update(fields)
        if record.exc_info:
            payload["error"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


class RedactSecrets(logging.Filter):
    """Replace any configured secret value that appears in a log record."""

    secrets: list[str] = []

    @classmethod
    def register(cls, values: Iterable[str | None]) -> None:
        cls.secrets = sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict (also handed to Faust's worker)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactSecrets}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["redact"],
            }
        },
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "aiokafka": {"level": "WARNING"},
            "faust": {"level": "WARNING"},
            "mode": {"level": "WARNING"},
        },
    }


def configure_logging(level: str = "INFO") -> None:
    """Set up JSON logging for CLI commands that do not run a Faust worker."""
    import logging.config

    logging.config.dictConfig(logging_config(level))
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]


class WorkerLogger:
    """A logger bound to one worker name; fields go into the JSON line."""

    def __init__(self, worker: str) -> None:
        self.worker = worker
        self._log = logging.getLogger(f"interviewlm.{worker}")

    def _emit(self, level: int, event: str, session_id: str | None, **fields: Any) -> None:
        if self._log.isEnabledFor(level):
            extra = {"worker": self.worker, "sessionId": session_id, "event": event,
                     "fields": fields}
            self._log.log(level, event, extra=extra)

    def info(self, event: str, session_id: str | None = None, **fields: Any) -> None:
        self._emit(logging.INFO, event, session_id, **fields)

    def warning(self, event: str, session_id: str | None = None, **fields: Any) -> None:
        self._emit(logging.WARNING, event, session_id, **fields)

    def error(self, event: str, session_id: str | None = None, **fields: Any) -> None:
        self._emit(logging.ERROR, event, session_id, **fields)

    def debug(self, event: str, session_id: str | None = None, **fields: Any) -> None:
        self._emit(logging.DEBUG, event, session_id, **fields)


def get_logger(worker: str) -> WorkerLogger:
    return WorkerLogger(worker)
