"""JSON Schema files for producers written in other languages.

``python -m streams.schema`` rewrites ``streams/schemas/``; a test fails when
the committed files differ from what the models generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from streams.bullmq_schemas import bullmq_schemas
from streams.events import EVENT_MODELS

__all__ = ["SCHEMA_DIR", "generate_schemas", "write_schemas"]

SCHEMA_DIR = Path(__file__).parent / "schemas"


def generate_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema: one per event type, ``event.schema.json`` (any of them) and
    the BullMQ shapes (:mod:`streams.bullmq_schemas`)."""
    out: dict[str, dict[str, Any]] = {}
    for event_type, model in EVENT_MODELS.items():
        schema = model.model_json_schema(by_alias=True, mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://interviewlm.dev/schemas/{event_type}.schema.json"
        schema["title"] = event_type
        out[f"{event_type}.schema.json"] = schema
    out["event.schema.json"] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://interviewlm.dev/schemas/event.schema.json",
        "title": "InterviewLM event",
        "oneOf": [{"$ref": f"{t}.schema.json"} for t in EVENT_MODELS],
    }
    out.update(bullmq_schemas())
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate_schemas().items():
        path = directory / name
        path.write_text(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    paths = write_schemas()
    sys.stdout.write(f"wrote {len(paths)} schema files to {SCHEMA_DIR}\n")
