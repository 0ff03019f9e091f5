"""Cheap copies of the frozen, slotted dataclasses that make up a session's state.

The interview reducer makes a new immutable value for every event (a value changed in
place would write nothing to the changelog), so copying is on its per-event path.
``dataclasses.replace`` is generic and slow there: it re-reads the field list, builds a
keyword dict and runs a frozen ``__init__`` (one ``object.__setattr__`` per field) on
every call. :func:`copy_record` instead uses a straight-line copier compiled once per
class (the same technique ``dataclasses`` uses for ``__init__``), and :func:`updated`
is ``copy_record`` plus the changed fields: the same value at a fraction of the cost.

Only classes whose every field is an ``__init__`` argument and that have no
``__post_init__`` are compiled; anything else falls back to ``dataclasses.replace``,
so the result is always what ``replace`` would have given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["copy_record", "updated"]

R = TypeVar("R")

_COPIERS: dict[type, Callable[[Any], Any]] = {}
_setattr = object.__setattr__


def _compile_copier(cls: type) -> Callable[[Any], Any]:
    """A function ``copy(old)`` that returns a new ``cls`` with every field of ``old``.

    Writes go through the slot descriptors, which a frozen class's ``__setattr__``
    cannot block; the copy is not visible to anyone until it is returned.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = ["def copy(old):", "    obj = new(cls)"]
    for i, name in enumerate(names):
        namespace[f"set{i}"] = getattr(cls, name).__set__
        lines.append(f"    set{i}(obj, old.{name})")
    lines.append("    return obj")
    exec("\n".join(lines), namespace)  # names come from the class, not from input
    copier: Callable[[Any], Any] = namespace["copy"]
    return copier


def _copier(cls: type) -> Callable[[Any], Any] | None:
    """The compiled copier of ``cls``, or None when only ``replace`` is exact for it."""
    copier = _COPIERS.get(cls)
    if copier is None:
        plain = "__slots__" in cls.__dict__ and not hasattr(cls, "__post_init__")
        if not plain or not all(f.init for f in dataclasses.fields(cls)):
            return None
        copier = _COPIERS[cls] = _compile_copier(cls)
    return copier


def copy_record(record: R) -> R:
    """A field-by-field copy of a slotted dataclass instance (not a deep copy)."""
    copier = _copier(type(record))
    if copier is None:
        return dataclasses.replace(record)  # type: ignore[type-var]
    result: R = copier(record)
    return result


def updated(record: R, **changes: Any) -> R:
    """``dataclasses.replace(record, **changes)`` for a frozen, slotted dataclass.

    An unknown field name raises ``AttributeError`` (``replace`` raises ``TypeError``).
    """
    copier = _copier(type(record))
    if copier is None:
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    new: R = copier(record)
    for name, value in changes.items():
        _setattr(new, name, value)
    return new
