"""Map expected failures to one-line messages (unexpected ones keep their traceback)."""

from __future__ import annotations

from adapters.db.pool import DatabaseUnavailable
from adapters.kafka_admin import KafkaUnavailable
from interviewlm.stack.process import StackError
from streams.errors import ContractError

__all__ = ["describe"]

_EXPECTED = (DatabaseUnavailable, KafkaUnavailable, StackError, ContractError, ValueError,
             FileNotFoundError, LookupError, TimeoutError)


def describe(exc: BaseException) -> str | None:
    if isinstance(exc, TimeoutError) and not str(exc):
        return "timed out waiting for a service (is Kafka/PostgreSQL reachable?)"
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])  # str(KeyError) would wrap the message in quotes
    if isinstance(exc, _EXPECTED):
        return str(exc)
    return None
