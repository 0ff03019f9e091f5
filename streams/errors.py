"""Contract errors.

Exception tree::

    ContractError                 a message that breaks the event contract
    ├── MessageTooLarge           over the configured size limit
    ├── MalformedMessage          not UTF-8 JSON, or not a {"type", "data"} object
    ├── UnknownEventType          "type" names no event this topic carries
    └── InvalidEvent              a field is missing or has the wrong type/value
        └── UnstorableValue       a value PostgreSQL would refuse (NUL, lone surrogate,
                                  NaN/Infinity, a timestamp outside the accepted window)

Every error has a short machine ``reason`` (used as a metric label and stored
with the dead letter) and a human message that names the failing field.
"""

from __future__ import annotations

__all__ = [
    "ContractError",
    "InvalidEvent",
    "MalformedMessage",
    "MessageTooLarge",
    "UnknownEventType",
    "UnstorableValue",
]


class ContractError(ValueError):
    """Root of all contract violations: these are permanent, never retried."""

    reason = "contract"

    def __init__(self, message: str, *, event_type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.event_type = event_type


class MessageTooLarge(ContractError):
    reason = "too_large"


class MalformedMessage(ContractError):
    reason = "malformed"


class UnknownEventType(ContractError):
    reason = "unknown_type"


class InvalidEvent(ContractError):
    reason = "invalid"

    def __init__(
        self, message: str, *, event_type: str | None = None, fields: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, event_type=event_type)
        self.fields = fields


class UnstorableValue(InvalidEvent):
    """Valid JSON, but a value the database cannot store: rejected at decode, so it
    never reaches (and fails) a batch write. See :mod:`streams.storable`."""

    reason = "unstorable"
