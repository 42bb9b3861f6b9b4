"""`lms xapi send` and `purge` as cron runs them, and the settings they read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from lms import clock, create_app
from lms.config import ConfigError
from lms.xapi.models import XapiStatement
from tests.xapi.helpers import completion, settle, statements


def test_send_queues_and_sends_and_says_how_many(runner, db, lrs):
    completion(db, 1)
    completion(db, 2)
    db.commit()
    settle()
    result = runner.invoke(args=["xapi", "send"])
    assert result.exit_code == 0, result.output
    assert "xAPI: queued 2, sent 2, will retry 0, failed 0." in result.output
    assert all(lrs.statement(row.statement_id) for row in statements(db))


def test_without_an_endpoint_nothing_is_queued_or_sent(make_app, db):
    app = make_app(XAPI_ENDPOINT="")
    completion(db, 1)
    db.commit()
    settle()
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code == 0, result.output
    assert "no LRS is configured (LMS_XAPI_ENDPOINT is not set); nothing to do" in result.output
    assert statements(db) == []


def test_purge_forgets_old_ended_statements_and_keeps_queued_ones(runner, db, lrs):
    for n in range(3):
        completion(db, n)
    db.commit()
    settle()
    assert runner.invoke(args=["xapi", "send"]).exit_code == 0
    _, second, third = statements(db)
    db.execute(update(XapiStatement).where(XapiStatement.id == second.id).values(status="failed"))
    db.execute(update(XapiStatement).where(XapiStatement.id == third.id).values(status="queued"))
    db.commit()
    clock.advance(timedelta(days=31))
    result = runner.invoke(args=["xapi", "purge", "--older-than-days", "30"])
    assert result.exit_code == 0, result.output
    assert "xAPI: deleted 2 statements older than 30 days." in result.output
    assert [row.id for row in statements(db)] == [third.id]


def test_purge_keeps_at_least_a_week(runner):
    result = runner.invoke(args=["xapi", "purge", "--older-than-days", "3"])
    assert result.exit_code == 2
    assert "3 is not in the range x>=7" in result.output


@pytest.mark.parametrize("endpoint", ["lrs.example.com/xAPI/", "ftp://lrs.example.com/"])
def test_an_endpoint_that_is_not_a_web_address_stops_the_app_with_the_reason(app_config, endpoint):
    with pytest.raises(ConfigError) as raised:
        create_app({**app_config, "XAPI_ENDPOINT": endpoint})
    assert f"LMS_XAPI_ENDPOINT is {endpoint!r}; give the LRS's xAPI address" in str(raised.value)
