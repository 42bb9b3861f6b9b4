"""SQLAlchemy foundations: the declarative base, shared column types, engines and sessions."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from lms import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL read back the same value."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; use lms.clock.now()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {datetime: UTCDateTime()}


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[datetime, mapped_column(default=clock.now)]
updated_at = Annotated[datetime, mapped_column(default=clock.now, onupdate=clock.now)]
short_text = Annotated[str, mapped_column(String(200))]
email_address = Annotated[str, mapped_column(String(320))]


def make_engine(url: str, **options: Any) -> Engine:
    """An engine with the settings each database needs (SQLite: WAL, foreign keys, waiting)."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **options)
    engine = create_engine(url, connect_args={"timeout": 30}, **options)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        # A write that reads first must hold the write lock from the start, or SQLite
        # answers "database is locked" when the read lock cannot be upgraded.
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (the view renders after it)."""
    return sessionmaker(engine, expire_on_commit=False)


def serialize(session: Session, name: str) -> None:
    """Let only one unit of work of this name run at a time, until the transaction ends.

    SQLite has one writer at a time anyway; PostgreSQL takes a transaction-level advisory
    lock, so two imports started together run one after the other instead of colliding.
    """
    begin_write(session)
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(name.encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE on SQLite).

    Call it before the first query of a unit of work that will write. PostgreSQL needs
    nothing here: it locks rows as they are written or selected FOR UPDATE.
    """
    if session.in_transaction():
        return
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A short unit of work of its own, started as a writer and committed at the end, for
    steps that must each stick on their own (a message sent, a chunk of reminders queued)."""
    with sessions() as session:
        begin_write(session)
        yield session
        session.commit()


class iso_day(FunctionElement[str]):
    """The UTC day of a stored timestamp as 'YYYY-MM-DD' text, computed by the database.

    Reports that stream many rows get ready-made text instead of parsing a datetime per
    cell in Python.
    """

    type = String()
    inherit_cache = True


@compiles(iso_day, "sqlite")
def _iso_day_sqlite(element: iso_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text: the day is its start.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(iso_day)
def _iso_day(element: iso_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


def column_length(attribute: Any) -> int:
    """The n of a model's String(n) column (`Lesson.title`), so forms and rules that fill it
    read the limit from the schema instead of repeating it."""
    length = attribute.property.columns[0].type.length
    if not isinstance(length, int):
        raise TypeError(f"{attribute} is not a String(n) column")
    return length
