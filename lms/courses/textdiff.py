"""Line diffs of course text, for the guideline's "what changed" and HR's version history. Pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangedLine:
    kind: str  # "added", "removed" or "context"
    text: str


def line_changes(old: list[str], new: list[str], context: int = 1) -> list[list[ChangedLine]]:
    """What changed from old lines to new, as groups of changed lines with a little context."""
    groups = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        lines = []
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                lines += [ChangedLine("context", text) for text in old[a1:a2]]
                continue
            lines += [ChangedLine("removed", text) for text in old[a1:a2]]
            lines += [ChangedLine("added", text) for text in new[b1:b2]]
        groups.append(lines)
    return groups
