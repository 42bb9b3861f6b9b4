"""Alembic environment: runs migrations on the engine handed over by lms.migrations."""

from __future__ import annotations

from alembic import context
from alembic.autogenerate.api import AutogenContext

from lms.api import models as _api_models  # noqa: F401  (registers tables)
from lms.assignments import models as _assignment_models  # noqa: F401
from lms.audit import models as _audit_models  # noqa: F401
from lms.courses import models as _courses_models  # noqa: F401
from lms.db import Base, UTCDateTime
from lms.events import models as _event_models  # noqa: F401
from lms.learning import models as _learning_models  # noqa: F401
from lms.mail import models as _mail_models  # noqa: F401
from lms.people import groups as _people_groups  # noqa: F401
from lms.people import models as _people_models  # noqa: F401
from lms.precheck import models as _precheck_models  # noqa: F401
from lms.purpose import models as _purpose_models  # noqa: F401
from lms.scim import models as _scim_models  # noqa: F401
from lms.sso import models as _sso_models  # noqa: F401
from lms.webhooks import models as _webhook_models  # noqa: F401
from lms.xapi import models as _xapi_models  # noqa: F401

engine = context.config.attributes["engine"]


def render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | bool:
    """Write our column types as the plain types they store, so migrations stand alone."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations copy a table and drop the old one; with foreign keys enforced,
        # rows referring to it would block that. Checked again below, once done.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows with broken references: {broken}")
    connection.commit()
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
