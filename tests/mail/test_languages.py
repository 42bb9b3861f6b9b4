"""Every email speaks its recipient's language: their own choice, else the directory's (HRIS
or SCIM), else the company's.

The German words are the catalogue's (lms/translations/de); the course title is the
course's own text and stays as written. Dates take the language's form too.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from lms import clock
from lms.mail.render import recipient_language, render
from tests.helpers import csrf_token

ESSENTIALS = "social-media-essentials"
TITLE = "Social media essentials for professionals"
LINK = "http://postwise.test/courses/social-media-essentials"


@pytest.fixture
def german_company(app_config):
    """The company's default language (LMS_DEFAULT_LANGUAGE) is German."""
    app_config["DEFAULT_LANGUAGE"] = "de"


def received_by(mail_server, employee):
    [received] = [r for r in mail_server.received if r.recipients == [employee.email]]
    return received


def assert_german_assignment(received):
    assert received.email["Subject"] == f"Neuer Kurs für Sie: {TITLE} (fällig am 16. März 2026)"
    text = received.text
    assert "Hallo Sia," in text
    assert f"Sie haben einen neuen Kurs: {TITLE}." in text
    assert "Bitte schließen Sie ihn bis zum 16. März 2026 ab. Er dauert etwa 60 Minuten." in text
    assert f"Hier geht es los: {LINK}" in text
    assert "Postwise: Social-Media-Schulung für den Arbeitsalltag." in text
    assert "Hello" not in text
    html = received.html
    assert '<html lang="de">' in html
    assert "Bitte schließen Sie ihn bis zum <strong>16. März 2026</strong> ab." in html
    assert ">Kurs starten</a>" in html


def assert_english_assignment(received, name):
    assert received.email["Subject"] == f"New course for you: {TITLE} (due 16 March 2026)"
    assert f"Hello {name}," in received.text
    assert "Please complete it by 16 March 2026. It takes about 60 minutes." in received.text
    assert '<html lang="en">' in received.html


def test_a_reminder_arrives_in_the_language_the_person_chose(
    db, org, shipped_courses, enrol, mail, mail_server
):
    org["staff"].language = "de"
    db.commit()
    enrol(org["staff"], shipped_courses[ESSENTIALS])
    enrol(org["staff2"], shipped_courses[ESSENTIALS])
    mail("queue")
    result = mail("send")
    assert "Outbox: sent 2, will retry 0, failed 0." in result.output
    assert_german_assignment(received_by(mail_server, org["staff"]))
    assert_english_assignment(received_by(mail_server, org["staff2"]), "Tom")


@pytest.mark.usefixtures("german_company")
def test_without_a_choice_a_reminder_takes_the_companys_language(
    db, org, shipped_courses, enrol, mail, mail_server
):
    org["staff2"].language = "en"
    db.commit()
    enrol(org["staff"], shipped_courses[ESSENTIALS])
    enrol(org["staff2"], shipped_courses[ESSENTIALS])
    mail("queue")
    mail("send")
    assert_german_assignment(received_by(mail_server, org["staff"]))
    assert_english_assignment(received_by(mail_server, org["staff2"]), "Tom")


def test_without_a_choice_a_reminder_takes_the_directorys_language_before_the_companys(
    db, org, shipped_courses, enrol, mail, mail_server
):
    org["staff"].directory_language = "de"  # from the HRIS file or SCIM
    org["staff2"].directory_language = "de"
    org["staff2"].language = "en"  # their own choice comes first
    db.commit()
    enrol(org["staff"], shipped_courses[ESSENTIALS])
    enrol(org["staff2"], shipped_courses[ESSENTIALS])
    mail("queue")
    mail("send")
    assert_german_assignment(received_by(mail_server, org["staff"]))
    assert_english_assignment(received_by(mail_server, org["staff2"]), "Tom")


def test_a_nudge_speaks_the_persons_language_not_the_managers(
    client, login, db, org, shipped_courses, enrol, mail, mail_server
):
    org["staff"].language, org["lead"].language = "fr", "en"
    db.commit()
    late = enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() - timedelta(days=3))
    login(org["lead"])
    token = csrf_token(client, "/reports/team")
    client.post(f"/reports/team/nudge/{late.id}", data={"csrf_token": token})
    page = client.get("/").get_data(as_text=True)
    assert "A reminder from you is on its way to Sia Staff." in page  # the manager's words
    mail("send")
    [received] = mail_server.received
    assert '<html lang="fr">' in received.html
    assert "27 février 2026" in received.text


def test_a_reset_link_speaks_the_persons_language(client, db, org, mail, mail_server):
    org["staff"].language = "es"
    db.commit()
    page = client.get("/forgot-password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/forgot-password", data={"csrf_token": token, "email": org["staff"].email})
    mail("send")
    [received] = mail_server.received
    assert '<html lang="es">' in received.html


@pytest.mark.parametrize(
    ("chosen", "default", "language"),
    [("de", "en", "de"), (None, "fr", "fr"), ("en", "es", "en"), ("xx", "de", "de")],
)
def test_the_recipients_language(chosen, default, language):
    assert recipient_language(chosen, default) == language


@pytest.mark.parametrize(("days", "words"), [(1, "in 1 day."), (7, "in 7 days.")])
def test_counted_words_take_the_right_plural(days, words):
    course = SimpleNamespace(title=TITLE, minutes=1)
    rendered = render(
        "due_soon",
        "en",
        person=SimpleNamespace(first_name="Sia"),
        course=course,
        due_at=clock.now(),
        days_left=days,
        course_url=LINK,
        sign_in_url="http://postwise.test/sign-in",
        forgot_url="http://postwise.test/forgot",
        settings_url="http://postwise.test/settings",
    )
    assert f"is due on 2 March 2026, {words}" in rendered.text
    assert "It takes about 1 minute, and you can pick up" in rendered.text
    assert f"<strong>{TITLE}</strong> is due on <strong>2 March 2026</strong>" in rendered.html
