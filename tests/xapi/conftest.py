from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.xapi.ralph_lrs import RalphLrs


@pytest.fixture(scope="session")
def lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLrs]:
    """One real LRS for the run; statements never collide, their ids come from events."""
    server = RalphLrs(tmp_path_factory.mktemp("ralph"))
    server.up()
    yield server
    server.down()


@pytest.fixture
def own_lrs(tmp_path: Path) -> Iterator[RalphLrs]:
    """An LRS of this test's own, not yet started (tests call up() and down())."""
    server = RalphLrs(tmp_path / "ralph")
    yield server
    server.down()


@pytest.fixture
def app(make_app: Callable[..., Flask], lrs: RalphLrs) -> Flask:
    """The test app, sending to the run's LRS."""
    return make_app(**lrs.app_settings())
