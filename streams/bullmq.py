"""BullMQ shapes on input, normalised to the envelope ``{"type", "eventId", "data", "opts"}``.

The platform publishes with BullMQ (``queue.add(name, data, opts)``). Besides our
envelope, three shapes a producer moving from BullMQ naturally sends are accepted
(schemas in ``streams/schemas/bullmq-*.schema.json``, documented in
``docs/bullmq.md``):

==================  ==============================================================
shape               recognised by
==================  ==============================================================
envelope            a ``"type"`` member: passed through unchanged (the fast path)
job                 ``{"name", "data", "opts"?}``, as in ``queue.addBulk([...])`` or
                    ``job.asJSON()`` (whose ``data`` is a JSON string and whose
                    ``id`` is the job id)
headers             ``data`` alone, the event type in a ``type`` message header
                    (``jobId`` and ``priority`` headers optional)
==================  ==============================================================

What is kept: ``opts.jobId`` (else the job's ``id``, else a ``jobId`` header)
becomes ``eventId``, so a job sent twice is applied once; ``opts.priority`` is kept
in ``opts`` and, for ``analyze`` without a ``data.priority``, becomes it (the
platform passes the same 1-10 number in both). Every other BullMQ option
(attempts, backoff, delay, removeOnComplete...) is ours to decide and dropped.

The ``comprehensive`` job (the platform's second evaluation publisher) has
``triggeredAt`` instead of ``timestamp`` and a priority word: ``triggeredAt``
becomes ``timestamp`` and the word goes onto the 1-10 scale
(:data:`PRIORITY_WORDS`).

:func:`key_verdict` says what to do with a message key that is not the session id:
BullMQ job ids (the platform's ``<sessionId>_<type>[_<ms>]``, or a numeric auto id)
and missing keys are re-keyed by session id; any other key is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

__all__ = ["PRIORITY_WORDS", "Headers", "KeyVerdict", "job_envelope", "key_verdict", "normalise"]

#: ``comprehensive`` priority words on the contract's 1-10 scale (higher is more
#: urgent). ``high`` reaches the default EVALUATION_URGENT_PRIORITY (8).
PRIORITY_WORDS: dict[str, int] = {"high": 8, "normal": 5, "low": 2}
KeyVerdict = Literal["ok", "rekey", "bad"]
Headers = Sequence[tuple[str, bytes]] | Mapping[str, bytes]


def normalise(obj: dict[str, Any], headers: Headers = ()) -> dict[str, Any]:
    """The envelope for any accepted shape; anything else is returned as it came
    (the codec then names what is missing)."""
    if "type" in obj:
        return _comprehensive(obj) if obj.get("type") == "comprehensive" else obj
    if isinstance(obj.get("name"), str) and "data" in obj:
        return _comprehensive(job_envelope(obj["name"], _job_data(obj["data"]),
                                           obj.get("opts"), obj.get("id")))
    header_type = _header(headers, "type")
    if header_type is not None:
        opts: dict[str, Any] = {}
        job_id = _header(headers, "jobId")
        priority = _header(headers, "priority")
        if job_id:
            opts["jobId"] = job_id
        if priority and priority.isdigit():
            opts["priority"] = int(priority)
        return _comprehensive(job_envelope(header_type, obj, opts))
    return obj


def job_envelope(name: str, data: Any, opts: Any = None,
                 job_id: Any = None) -> dict[str, Any]:
    """``queue.add(name, data, opts)`` as our envelope (used by the bridge too)."""
    kept: dict[str, Any] = {}
    if isinstance(opts, Mapping):
        if isinstance(opts.get("jobId"), str | int) and not isinstance(opts["jobId"], bool):
            kept["jobId"] = str(opts["jobId"])
        priority = opts.get("priority")
        if isinstance(priority, int) and not isinstance(priority, bool):
            kept["priority"] = priority
    if "jobId" not in kept and isinstance(job_id, str | int) and not isinstance(job_id, bool):
        kept["jobId"] = str(job_id)
    envelope: dict[str, Any] = {"type": name, "data": data}
    if kept.get("jobId"):
        envelope["eventId"] = kept["jobId"]
    if kept:
        envelope["opts"] = kept
    if name == "analyze" and isinstance(data, dict) and "priority" not in data:
        priority = kept.get("priority")
        if isinstance(priority, int) and 1 <= priority <= 10:
            envelope["data"] = {**data, "priority": priority}
    return envelope


def _comprehensive(envelope: dict[str, Any]) -> dict[str, Any]:
    """``triggeredAt`` -> ``timestamp`` and the priority word -> 1-10, for comprehensive."""
    data = envelope.get("data")
    if envelope.get("type") != "comprehensive" or not isinstance(data, dict):
        return envelope
    fixed = dict(data)
    if "timestamp" not in fixed and "triggeredAt" in fixed:
        fixed["timestamp"] = fixed["triggeredAt"]
    word = fixed.get("priority")
    if isinstance(word, str) and word.lower() in PRIORITY_WORDS:
        fixed["priority"] = PRIORITY_WORDS[word.lower()]
    return {**envelope, "data": fixed}


def _job_data(data: Any) -> Any:
    """``job.asJSON()`` carries ``data`` as a JSON string; ``addBulk`` as an object."""
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def _header(headers: Headers, name: str) -> str | None:
    items = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        if key == name:
            try:
                return bytes(value).decode()
            except UnicodeDecodeError:
                return None
    return None


def key_verdict(key: bytes | None, session_id: str, event_id: str | None) -> KeyVerdict:
    """``ok`` for the session id, ``rekey`` for a BullMQ job id or no key, else ``bad``."""
    if key is None or key == b"":
        return "rekey"
    wanted = session_id.encode()
    if key == wanted:
        return "ok"
    if (key.startswith(wanted + b"_") or key.isdigit()
            or (event_id is not None and key == event_id.encode())):
        return "rekey"
    return "bad"
