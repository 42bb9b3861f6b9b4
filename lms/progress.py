"""How long-running services report progress without knowing who is watching."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives a stage with its size, then how far the work has got."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self, steps: int) -> None: ...


class NoProgress:
    """For callers that do not show progress (the web, tests)."""

    def stage(self, label: str, total: int) -> None:
        """Ignore the stage."""

    def advance(self, steps: int) -> None:
        """Ignore the step."""
