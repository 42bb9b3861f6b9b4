"""Schema 0020 on a database that already has events: history is not replayed, what
happens next is sent."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select, text

from lms import migrations
from lms.db import make_engine
from lms.events import DomainEvent
from lms.xapi.models import XapiHighWater
from tests.xapi.helpers import completion, send, settle, statements


def test_schema_0020_upgrades_a_database_with_events_and_sends_only_what_follows(
    app, db, database_url, lrs
):
    engine = make_engine(database_url)
    command.downgrade(migrations.alembic_config(engine), "0019")
    with engine.begin() as connection:
        tables = set(connection.dialect.get_table_names(connection))
        assert "xapi_statements" not in tables
        assert "xapi_high_water" not in tables
    completion(db, 1)  # history: recorded before this version, never sent
    completion(db, 2)
    db.commit()
    history = db.scalar(select(func.max(DomainEvent.id)))
    migrations.upgrade(engine)
    engine.dispose()
    db.rollback()
    assert db.scalar(select(XapiHighWater.last_event_id)) == history
    settle()
    assert send(app).queued == 0
    completion(db, 3)
    db.commit()
    settle()
    summary = send(app)
    assert (summary.queued, summary.sent) == (1, 1)
    [row] = statements(db)
    assert lrs.statement(row.statement_id)["actor"]["account"]["name"] == "E3"


def test_a_new_database_sends_everything_it_records(db):
    assert db.scalar(select(XapiHighWater.last_event_id)) == 0
    assert db.scalar(text("SELECT count(*) FROM xapi_high_water")) == 1
