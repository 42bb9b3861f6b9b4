"""One SQLAlchemy session per request or CLI command; the edge that commits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lms.db import begin_write, make_engine, make_session_factory

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]


def init_app(app: Flask) -> None:
    """Create the engine (no connection yet) and close each request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["lms.db"] = Database(engine, make_session_factory(engine))
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    """The app's engine and session factory."""
    return (app or current_app).extensions["lms.db"]


def db_session() -> Session:
    """This request's session; a POST starts it as a writer so SQLite never fails to upgrade
    (unless its view is marked `reads_only`)."""
    if "db_session" not in g:
        session = database().sessions()
        if has_request_context() and request.method not in SAFE_METHODS and _view_writes():
            begin_write(session)
        g.db_session = session
    return g.db_session


F = TypeVar("F", bound=Callable[..., object])


def reads_only(view: F) -> F:
    """Mark a view that takes a POST but does not write with the request's session (a form
    that only computes an answer): on SQLite it then does not hold the database's one write
    lock for the whole request. Whatever it does write goes through write_transaction."""
    view.writes = False  # type: ignore[attr-defined]
    return view


def _view_writes() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "writes", True)


@contextmanager
def command_session(*, write: bool = True) -> Iterator[Session]:
    """A session for one CLI command: committed if the block succeeds, rolled back if not."""
    session = database().sessions()
    try:
        if write:
            begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
