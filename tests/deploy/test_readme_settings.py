"""Every variable the README's configuration table names is a setting, with that default."""

from __future__ import annotations

import re
from pathlib import Path

from runtime.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _table_rows() -> list[tuple[list[str], list[str]]]:
    """(variables, defaults) per row of the table under ``## Configuration``."""
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows.append((re.findall(r"`([A-Z0-9_]+)`", cells[0]),
                     re.findall(r"`([^`]*)`", cells[1])))
    return rows


def test_every_documented_variable_is_a_settings_field() -> None:
    rows = _table_rows()
    assert len(rows) > 10
    fields = set(Settings.model_fields)
    named = [v for variables, _ in rows for v in variables]
    assert [v for v in named if v.lower() not in fields] == []


def test_listed_defaults_are_the_settings_defaults() -> None:
    """Rows that give one default per variable give the declared one."""
    checked = 0
    for variables, defaults in _table_rows():
        if len(defaults) != len(variables):
            continue
        for name, shown in zip(variables, defaults, strict=True):
            value = Settings.model_fields[name.lower()].default
            value = getattr(value, "get_secret_value", lambda v=value: v)()
            assert str(value) == shown or (
                _number(shown) is not None and _number(value) == _number(shown)), name
            checked += 1
    assert checked > 10


def _number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None
