"""Alembic environment: runs migrations on the engine handed over by lms.migrations."""

from __future__ import annotations

from alembic import context
from alembic.autogenerate.api import AutogenContext

from lms.courses import models as _courses_models  # noqa: F401  (registers the tables)
from lms.db import Base, UTCDateTime
from lms.learning import models as _learning_models  # noqa: F401
from lms.people import models as _people_models  # noqa: F401

engine = context.config.attributes["engine"]


def render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | bool:
    """Write our column types as the plain types they store, so migrations stand alone."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
