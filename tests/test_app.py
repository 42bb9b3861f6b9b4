"""The app as a whole: settings, health, headers, CSRF, limits, error pages, logs, schema."""

from __future__ import annotations

import io
import logging

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from lms import migrations
from lms.config import ConfigError, _instance_secret
from lms.db import Base, make_engine
from lms.dbsession import database, db_session
from lms.people.models import Employee
from tests.helpers import PASSWORD, csrf_token, sign_in


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable(make_app, tmp_path, caplog):
    broken = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/lms.sqlite3")
    with caplog.at_level(logging.CRITICAL):
        response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


@pytest.mark.parametrize("path", ["/sign-in", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_post_without_csrf_token_is_refused_and_logged(client, make_employee, caplog):
    person = make_employee()
    with caplog.at_level(logging.WARNING, logger="lms.security"):
        response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert any("CSRF" in r.getMessage() and r.route == "POST /sign-in" for r in caplog.records)


def test_upload_over_the_limit_is_413(make_app, org):
    client = make_app(IMPORT_MAX_MB=1).test_client()
    sign_in(client, org["hr"].email)
    token = csrf_token(client, "/people/import")
    boundary, body = encode_multipart(
        MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(b"x" * 2**21), "a.csv")})
    )
    response = client.post(
        "/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)


def test_error_pages_show_no_stack_trace(app, caplog):
    def boom() -> str:
        raise RuntimeError("SELECT secret FROM internals")

    app.add_url_rule("/boom", view_func=boom)
    with caplog.at_level(logging.CRITICAL, logger="lms"):
        response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page
    assert "SELECT" not in page


def test_production_refuses_to_start_without_a_secret_key(make_app):
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        make_app(ENV="production", SECRET_KEY=None)


def test_production_cookies_are_secure(make_app):
    assert make_app(ENV="production").config["SESSION_COOKIE_SECURE"] is True


def test_settings_come_from_lms_environment_variables(app_config, make_app, monkeypatch):
    monkeypatch.setenv("LMS_SESSION_IDLE_MINUTES", "7")
    monkeypatch.setenv("LMS_BASE_URL", "https://learn.example.com")
    del app_config["BASE_URL"]
    config = make_app().config
    assert config["SESSION_IDLE_MINUTES"] == 7
    assert config["BASE_URL"] == "https://learn.example.com"


def test_development_secret_is_made_once_and_kept(tmp_path):
    first = _instance_secret(tmp_path)
    assert len(first) == 64
    assert _instance_secret(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_app_start_upgrades_an_empty_sqlite_file(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/new.sqlite3", AUTO_UPGRADE=True)
    assert "employees" in inspect(database(app).engine).get_table_names()
    assert migrations.is_current(database(app).engine)


def test_migrations_match_the_models(app):
    """A model change without its migration fails here (what `alembic check` would say)."""
    with database(app).engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrations_downgrade_and_upgrade_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/roundtrip.sqlite3")
    migrations.upgrade(engine)
    command.downgrade(migrations.alembic_config(engine), "base")
    assert "employees" not in inspect(engine).get_table_names()
    migrations.upgrade(engine)
    assert "employees" in inspect(engine).get_table_names()


def test_logs_never_hold_passwords_cookies_or_tokens(client, runner, make_employee, caplog):
    person = make_employee(password=None)
    with caplog.at_level(logging.DEBUG):
        invite = runner.invoke(args=["people", "invite", person.email]).output.split()[-1]
        path = invite.removeprefix("http://postwise.test")
        token = csrf_token(client, path)
        client.post(path, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
        sign_in(client, person.email, "a-wrong-password-attempt")
        sign_in(client, person.email, PASSWORD)
        cookie = client.get_cookie("postwise_session")
        assert cookie is not None
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sign-in failed" in logged
    for secret in (PASSWORD, "a-wrong-password-attempt", token, cookie.value, path):
        assert secret not in logged


def test_rate_limits_count_the_client_behind_a_trusted_proxy(make_app, make_employee):
    person = make_employee()
    app = make_app(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="2 per minute")
    client = app.test_client()

    def attempt(address: str) -> int:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return sign_in(client, person.email, "wrong-password-guess").status_code

    assert [attempt("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert attempt("203.0.113.6") == 200  # another client behind the same proxy


def test_an_existing_database_with_a_quiz_upgrades_to_knowledge_checks(tmp_path):
    """A database from before 0004 keeps its questions, all in the final quiz."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0003")
    rows = [
        "INSERT INTO courses (id, slug, kind, created_at) VALUES (1, 'c', 'course', '2026-01-01')",
        "INSERT INTO course_versions (id, course_id, number, status, title, summary, minutes,"
        " requires_guideline, pass_mark, shuffle_questions, shuffle_choices, show_answers,"
        " fingerprint, requires_reacknowledgement, created_at)"
        " VALUES (1, 1, 1, 'published', 't', 's', 5, 0, 80, 1, 1, 'never', 'f', 0, '2026-01-01')",
        "INSERT INTO questions (id, version_id, position, key, kind, prompt, explanation)"
        " VALUES (1, 1, 1, 'q', 'single', 'p', 'e')",
        "INSERT INTO choices (id, question_id, position, text, is_correct)"
        " VALUES (1, 1, 1, 'c', 1)",
    ]
    with engine.begin() as connection:
        for row in rows:
            connection.execute(text(row))
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT knowledge_check FROM questions")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM choices")).scalar() == 1
    engine.dispose()


def test_a_database_error_mid_request_still_gets_the_error_page(app, client, login, org, caplog):
    """After a failed flush the session must be rolled back before the page is drawn."""

    def broken_write() -> str:
        session = db_session()
        duplicate = Employee(
            hris_id=org["hr"].hris_id, email="d@example.com", first_name="D", last_name="D"
        )
        session.add(duplicate)
        session.flush()  # duplicate employee id: IntegrityError
        return "unreachable"

    app.add_url_rule("/broken-write", view_func=broken_write)
    login(org["staff"])
    with caplog.at_level(logging.CRITICAL, logger="lms"):
        response = client.get("/broken-write")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
