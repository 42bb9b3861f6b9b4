"""Alembic, run from Python: `lms db upgrade`, and at start for a development SQLite file."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine

from lms.dbsession import database

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs on the given engine (no alembic.ini to keep in sync)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to a revision (the newest by default)."""
    command.upgrade(alembic_config(engine), revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration against an up-to-date database (review it before committing)."""
    command.revision(alembic_config(engine), message=message, autogenerate=True)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def upgrade_sqlite_if_needed(app: Flask) -> None:
    """A new or outdated SQLite file is upgraded at start; PostgreSQL is upgraded on deploy."""
    engine = database(app).engine
    if engine.dialect.name == "sqlite" and not is_current(engine):
        upgrade(engine)
