"""What each code change actually changed: lines added and removed, file by file.

A ``code-changed`` event carries whole files; comparing each file with its previous
version gives the lines the change introduced and the ones it took away. Lines are
compared after collapsing whitespace, so re-indenting or re-wrapping spaces is not a
change. The problem-solving, AI-collaboration and prompt scorers read these edits
instead of counting events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assess.evaluation.session import CodeChange, SessionView, per_view

__all__ = ["Edit", "edits", "meaningful", "normalise"]

MIN_LINE_CHARS = 8  # shorter lines ("return", "}", "else:") carry no authorship signal
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def normalise(line: str) -> str:
    """The line with runs of whitespace collapsed and the ends stripped."""
    return " ".join(line.split())


def meaningful(line: str) -> bool:
    """True for a normalised line long enough to say who wrote it."""
    return len(line.replace(" ", "")) >= MIN_LINE_CHARS


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: its event, trigger, and the normalised lines added and removed per file."""

    change: CodeChange
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        """Lines added plus lines removed."""
        return len(self.added) + len(self.removed)

    @property
    def files(self) -> frozenset[str]:
        """Files whose content this change altered."""
        return frozenset(path for path, _ in (*self.added, *self.removed))

    def names(self) -> frozenset[str]:
        """Identifiers on the changed lines, and the changed files' names."""
        found = {name for _, line in (*self.added, *self.removed)
                 for name in _IDENTIFIER.findall(line)}
        return frozenset(found | self.files | {p.rsplit("/", 1)[-1] for p in self.files})


@per_view
def edits(view: SessionView) -> tuple[Edit, ...]:
    """Every code change of the session with what it added and removed (cached per view)."""
    previous: dict[str, list[str]] = {}
    out: list[Edit] = []
    for change in view.changes:
        added: list[tuple[str, str]] = []
        removed: list[tuple[str, str]] = []
        for path, text in change.contents:
            new = [normalise(line) for line in text.splitlines()]
            old = previous.get(path, [])
            old_set, new_set = set(old), set(new)
            added += [(path, line) for line in dict.fromkeys(new) if line and line not in old_set]
            removed += [(path, line) for line in dict.fromkeys(old)
                        if line and line not in new_set]
            previous[path] = new
        out.append(Edit(change, tuple(added), tuple(removed)))
    return tuple(out)
