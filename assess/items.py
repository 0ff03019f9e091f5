"""Where a question's IRT item parameters come from, in a fixed order.

For each answered question the parameters (3PL ``a``, ``b``, ``c``; ``b`` in logits)
are taken from the first source that has them:

1. ``event``: parameters sent with the answer (``QuestionAnswered.data.item_params``);
2. ``bank``: the item bank (an :class:`ItemLookup`, e.g. PostgreSQL behind a cache);
3. ``default``: the default calibration of the session's current difficulty label 1..10
   (``b = (d - 5.5) / 1.5``, ``a = 1``, ``c = 0``).

Parameters from any source are re-validated. Invalid ones (``a <= 0``, ``c`` outside
``[0, 1)``, NaN or infinite values, a non-numeric value) raise
:class:`InvalidItemParameters`, a ``ValueError``, so the caller can dead-letter the
event before any state is changed. A bad source is never silently skipped: skipping
it would estimate ability from an item other than the one asked.

Exception tree::

    ValueError
    └── InvalidItemParameters        (this module; wraps assess.irt.InvalidItemParams)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from assess.irt import InvalidItemParams, ItemParams, default_item_for_difficulty

__all__ = [
    "InMemoryItemBank",
    "InvalidItemParameters",
    "ItemLookup",
    "ItemSource",
    "ParamsLike",
    "ResolvedItem",
    "resolve_item",
]

ItemSource = Literal["event", "bank", "default"]


class InvalidItemParameters(ValueError):
    """Item parameters for a question are unusable; names the question and the source."""

    def __init__(self, question_id: str, source: ItemSource, reason: str) -> None:
        super().__init__(
            f"invalid item parameters for question {question_id!r} from {source}: {reason}"
        )
        self.question_id = question_id
        self.source = source
        self.reason = reason


class ParamsLike(Protocol):
    """Anything with 3PL attributes ``a``, ``b``, ``c`` (e.g. the event's ``ItemParamsIn``)."""

    @property
    def a(self) -> float: ...

    @property
    def b(self) -> float: ...

    @property
    def c(self) -> float: ...


class ItemLookup(Protocol):
    """Item bank read by the reducer. ``get`` must answer from memory (no I/O)."""

    def get(self, question_id: str) -> ItemParams | None: ...


class InMemoryItemBank:
    """A dict-backed :class:`ItemLookup` for tests and offline tools."""

    def __init__(self, items: Mapping[str, ItemParams] | None = None) -> None:
        self._items: dict[str, ItemParams] = dict(items or {})

    def get(self, question_id: str) -> ItemParams | None:
        """The stored parameters of ``question_id``, or None when the bank lacks it."""
        return self._items.get(question_id)

    def put(self, question_id: str, item: ItemParams) -> None:
        """Add or replace one question's parameters."""
        self._items[question_id] = item


@dataclass(frozen=True, slots=True)
class ResolvedItem:
    """The parameters used for a response and which source supplied them."""

    params: ItemParams
    source: ItemSource


def _validated(question_id: str, source: ItemSource, raw: ParamsLike) -> ItemParams:
    """Rebuild ``raw`` as :class:`ItemParams`, so every source passes the same checks."""
    try:
        return ItemParams(a=raw.a, b=raw.b, c=raw.c)
    except InvalidItemParams as exc:
        raise InvalidItemParameters(question_id, source, str(exc)) from None
    except AttributeError as exc:
        raise InvalidItemParameters(question_id, source, f"missing field ({exc})") from None


def resolve_item(
    question_id: str,
    event_params: ParamsLike | None,
    bank: ItemLookup | None,
    difficulty: int,
) -> ResolvedItem:
    """Item parameters for ``question_id``: event, then bank, then default for ``difficulty``.

    Raises :class:`InvalidItemParameters` when the first source that has parameters
    holds invalid ones, or when ``difficulty`` is not a label 1..10.
    """
    if event_params is not None:
        return ResolvedItem(_validated(question_id, "event", event_params), "event")
    stored = bank.get(question_id) if bank is not None else None
    if stored is not None:
        return ResolvedItem(_validated(question_id, "bank", stored), "bank")
    try:
        return ResolvedItem(default_item_for_difficulty(difficulty), "default")
    except InvalidItemParams as exc:
        raise InvalidItemParameters(question_id, "default", str(exc)) from None
