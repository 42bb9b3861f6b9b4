"""`lms api add-client`: a client from the command line gets a real token; bad options say
which one and create nothing."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.api.models import ApiClient
from lms.audit.models import AuditEvent


def test_a_client_made_on_the_command_line_gets_a_token(app, db, org, runner):
    result = runner.invoke(
        args=[
            "api",
            "add-client",
            "Workday",
            "--scope",
            "read:completions",
            "--scope",
            "write:webhooks",
            "--manager",
            org["lead"].email,
        ]
    )
    assert result.exit_code == 0, result.output
    client_id = re.search(r"Client id: (\S+)", result.output).group(1)
    secret = re.search(r"not shown again\): (\S+)", result.output).group(1)
    token = app.test_client().post(
        "/api/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert token.status_code == 200, token.get_data(as_text=True)
    assert token.get_json()["scope"].split() == ["read:completions", "write:webhooks"]
    db.rollback()
    stored = db.scalar(select(ApiClient))
    assert stored.manager_id == org["lead"].id and secret not in stored.secret_hash
    assert db.scalar(select(AuditEvent.action)) == "api.client_created"


def test_bad_options_name_the_option_and_create_nothing(db, runner):
    unknown = runner.invoke(
        args=["api", "add-client", "Workday", "--scope", "read:people", "--manager", "x@nowhere"]
    )
    assert unknown.exit_code == 1
    assert "--manager: Nobody has the address x@nowhere. Nothing was created." in unknown.output
    blank = runner.invoke(args=["api", "add-client", " ", "--scope", "read:people"])
    assert "NAME: Give the client a name" in blank.output
    scope = runner.invoke(args=["api", "add-client", "Workday", "--scope", "write:everything"])
    assert scope.exit_code == 2 and "'write:everything' is not one of" in scope.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ApiClient)) == 0
