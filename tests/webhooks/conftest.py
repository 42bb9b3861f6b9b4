from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver on a free loopback port, not yet listening (tests call up())."""
    server = Receiver()
    yield server
    server.down()
