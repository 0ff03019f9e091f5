"""JSON Schemas for the BullMQ shapes :mod:`streams.bullmq` accepts (written by ``streams.schema``).

* ``bullmq-job.schema.json``: ``{"name", "data", "opts"?}`` (``queue.addBulk`` input,
  or ``job.asJSON()`` with ``data`` as a JSON string and ``id``);
* ``bullmq-data.schema.json``: ``data`` alone; the type travels in a ``type``
  message header (``jobId``, ``priority`` headers optional);
* ``bullmq-comprehensive.schema.json``: the platform's ``comprehensive`` job data
  (``triggeredAt``, a priority word), before normalisation.

``data`` itself is checked against the event type's own schema after normalisation.
"""

from __future__ import annotations

from typing import Any

from streams.bullmq import PRIORITY_WORDS
from streams.events import EVENT_MODELS

__all__ = ["bullmq_schemas"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_BASE = "https://interviewlm.dev/schemas/"
_DATA = {"type": "object", "required": ["sessionId"],
         "properties": {"sessionId": {"type": "string", "minLength": 1},
                        "timestamp": {"type": "string", "format": "date-time"}}}
_OPTS = {"type": "object", "description": "BullMQ JobsOptions: jobId becomes the eventId, "
         "priority is kept; every other option is dropped.",
         "properties": {"jobId": {"type": ["string", "integer"]},
                        "priority": {"type": "integer"}}}


def _schema(name: str, title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": _DRAFT, "$id": f"{_BASE}{name}", "title": title, **body}


def bullmq_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema for each accepted BullMQ shape."""
    names = sorted(EVENT_MODELS)
    job = _schema("bullmq-job.schema.json", "BullMQ job", {
        "description": "queue.add(name, data, opts) as one JSON object; normalised to "
                       '{"type": name, "eventId": opts.jobId, "data": data, "opts": {...}}.',
        "type": "object", "required": ["name", "data"],
        "properties": {"name": {"enum": names}, "id": {"type": ["string", "integer"]},
                       "data": {"oneOf": [_DATA, {"type": "string",
                                                  "description": "job.asJSON(): JSON text"}]},
                       "opts": _OPTS}})
    data = _schema("bullmq-data.schema.json", "BullMQ job data with a type header", {
        "description": "The job's data as the whole message; the Kafka header 'type' names "
                       "the event (one of: " + ", ".join(names) + "); optional headers "
                       "'jobId' (becomes the eventId) and 'priority' (digits).",
        **_DATA})
    comprehensive = _schema("bullmq-comprehensive.schema.json", "comprehensive job data", {
        "description": "The platform's comprehensive evaluation job. sessionId holds the "
                       "candidate id; the candidate's latest session is evaluated. "
                       "triggeredAt becomes timestamp; priority words map to "
                       + ", ".join(f"{w}={n}" for w, n in PRIORITY_WORDS.items()) + ".",
        "type": "object", "required": ["sessionId", "candidateId", "triggeredAt"],
        "properties": {"sessionId": {"type": "string", "minLength": 1},
                       "candidateId": {"type": "string", "minLength": 1},
                       "triggeredAt": {"type": "string", "format": "date-time"},
                       "priority": {"enum": sorted(PRIORITY_WORDS)},
                       "retryCount": {"type": "integer"},
                       "backend": {"type": "string"}, "experimentId": {"type": "string"}}})
    return {s["$id"].removeprefix(_BASE): s for s in (job, data, comprehensive)}
