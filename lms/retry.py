"""Waiting longer after each failure: the backoff the mail, webhook and xAPI senders share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Try up to `max_attempts` times, waiting 1, 2, 4 … times `first_delay`, never longer than
    `longest_delay`. A claim older than `stale_after` belongs to a sender that stopped: it
    must be longer than any batch takes (batch size times the timeout), so a live claim is
    never taken."""

    max_attempts: int = 10
    first_delay: timedelta = timedelta(minutes=1)
    longest_delay: timedelta = timedelta(hours=4)
    stale_after: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next try after `attempts` failed ones."""
        return min(self.first_delay * 2 ** max(attempts - 1, 0), self.longest_delay)


# Another system (a webhook receiver, an LRS) may be down for a deploy or a night: wait up to
# 6 h between tries, 12 in all (about a day and a half).
RECEIVER_RETRIES = RetryPolicy(max_attempts=12, longest_delay=timedelta(hours=6))
