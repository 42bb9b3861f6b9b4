"""The pre-check page, the practice history and HR's settings, through the web."""

from __future__ import annotations

import html
import io
import logging
import sqlite3
import threading

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.precheck.models import PracticeDraft, PrecheckSettings
from tests.helpers import csrf_token

SETTINGS = {
    "employer_names": "Example Co",
    "handles": "@exampleco",
    "ticker": "exco",
    "products": "Beacon\nLedgerly",
    "competitors": "Rivalsoft",
    "codenames": "Nightjar",
    "email_domains": "example.com",
    "role_mailboxes": "careers",
    "disclosure_hashtags": "#employee",
    "approved_clients": "",
    "phone_region": "gb",
    "industry": "general",
    "require_disclaimer": "y",
}


def check_draft(client, text: str, **extra: str):
    token = csrf_token(client, "/practice/precheck")
    return client.post(
        "/practice/precheck", data={"csrf_token": token, "text": text, **extra}
    ).get_data(as_text=True)


def save_settings(client, **changes: str):
    token = csrf_token(client, "/admin/precheck")
    return client.post("/admin/precheck", data={"csrf_token": token, **SETTINGS, **changes})


def test_a_draft_gets_its_findings_marked_with_lesson_links(
    client, login, db, org, shipped_courses
):
    login(org["staff"])
    draft = "My colleague was diagnosed with cancer. Call her on +1 415 555 0132."
    page = check_draft(client, draft)
    assert "2 likely problems" in page
    assert "Someone else&#39;s health" in page and "Someone&#39;s contact details" in page
    assert '<mark class="mark-high"><a href="#finding-' in page
    assert 'href="/courses/social-media-guideline/lessons/protect-other-peoples-privacy"' in page
    assert "Protect other people" in page  # the lesson's own title
    assert "PRIV-HEALTH" not in page and "PRIV-CONTACT" not in page  # rule codes are HR's
    assert db.scalar(select(func.count()).select_from(PracticeDraft)) == 0  # nothing kept


def test_a_clean_draft_and_bad_input(client, login, org, shipped_courses):
    login(org["staff"])
    assert "No likely problems found" in check_draft(client, "Proud of what our team shipped.")
    assert "Paste or type a draft to check." in check_draft(client, "   ")
    assert "at most 3,000 characters" in check_draft(client, "x" * 3001)


def test_saving_to_the_practice_history_and_deleting(client, login, db, org, shipped_courses):
    login(org["staff"])
    page = check_draft(client, "This is confidential, don't share it.", save="y")
    assert "Saved to your practice history. Only you can see it." in page
    history = client.get("/practice/drafts").get_data(as_text=True)
    assert "This is confidential, don&#39;t share it." in history
    assert "Confidential or internal information" in history
    assert "CONF-MARKER" not in page and "CONF-MARKER" not in history
    draft_id = db.scalar(select(PracticeDraft.id))
    # Someone else's draft does not exist for them.
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    login(org["staff2"])
    assert "confidential" not in client.get("/practice/drafts").get_data(as_text=True)
    token = csrf_token(client, "/practice/drafts")
    other = client.post(f"/practice/drafts/{draft_id}/delete", data={"csrf_token": token})
    assert other.status_code == 404
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    login(org["staff"])
    token = csrf_token(client, "/practice/drafts")
    asked = client.post(f"/practice/drafts/{draft_id}/delete", data={"csrf_token": token})
    assert asked.status_code == 200  # the first post asks, and deletes nothing
    page = html.unescape(asked.get_data(as_text=True))
    assert "Delete the draft you saved on 2 Mar 2026, 09:00?" in page
    assert "The draft “This is confidential, don't share it.” and what the check found" in page
    assert "It cannot be brought back." in page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(PracticeDraft)) == 1
    client.post(
        f"/practice/drafts/{draft_id}/delete", data={"csrf_token": token, "confirmed": "yes"}
    )
    db.rollback()
    assert db.scalar(select(func.count()).select_from(PracticeDraft)) == 0


def test_a_codename_hr_adds_is_caught_at_once(client, login, db, org, shipped_courses):
    login(org["hr"])
    draft = "Three weeks into the Kestrel beta and the feedback is great."
    assert "No likely problems found" in check_draft(client, draft)
    response = save_settings(client, codenames="Nightjar\nKestrel")
    assert response.status_code == 302
    assert "Saved: every check from now on uses these settings." in client.get(
        "/admin/precheck"
    ).get_data(as_text=True)
    page = check_draft(client, draft)
    assert "Confidential or internal information" in page and "Kestrel" in page
    db.rollback()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "precheck.settings_changed"))
    assert "Kestrel" in event.after and "Kestrel" not in (event.before or "")


def test_bad_settings_say_which_field_and_change_nothing(client, login, db, org):
    login(org["hr"])
    page = save_settings(client, phone_region="Narnia", industry="general").get_data(as_text=True)
    assert "is not a two-letter country code such as GB, US or DE" in page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(PrecheckSettings)) == 0


def test_settings_download_and_upload_as_yaml(client, login, db, org):
    login(org["hr"])
    save_settings(client)
    with client.get("/admin/precheck/settings.yaml") as response:
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="postwise-precheck-settings.yaml"'
        )
        text = response.get_data(as_text=True)
    assert "ticker: EXCO" in text and "- Ledgerly" in text
    token = csrf_token(client, "/admin/precheck")
    broken = "employer_names: [Example Co]\nindustry: retail\nfavourite_colour: blue\n"
    response = client.post(
        "/admin/precheck/upload",
        data={"csrf_token": token, "file": (io.BytesIO(broken.encode()), "mine.yaml")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "mine.yaml:2: industry: &#39;retail&#39; is not one of general, finance, health" in page
    assert "mine.yaml:3: favourite_colour: is not a setting" in page
    good = text.replace("- Nightjar", "- Nightjar\n- Osprey")
    response = client.post(
        "/admin/precheck/upload",
        data={"csrf_token": token, "file": (io.BytesIO(good.encode()), "ok.yaml")},
    )
    assert response.status_code == 302
    assert "Osprey" in client.get("/admin/precheck").get_data(as_text=True)


def test_checking_does_not_wait_for_sqlites_write_lock(app, client, login, org, database_url):
    """A check only reads, so it answers while something else holds the write lock."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock to wait for")
    login(org["staff"])
    token = csrf_token(client, "/practice/precheck")
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=1)
    writer.execute("BEGIN IMMEDIATE")
    answered: list[int] = []
    try:
        request = threading.Thread(
            target=lambda: answered.append(
                client.post(
                    "/practice/precheck", data={"csrf_token": token, "text": "Hello all."}
                ).status_code
            )
        )
        request.start()
        request.join(timeout=5)
        assert answered == [200]
    finally:
        writer.rollback()
        writer.close()


def test_a_checked_draft_is_never_logged(client, login, org, caplog):
    login(org["staff"])
    secret = "Our Zanzibar merger is not public yet"
    with caplog.at_level(logging.DEBUG):
        check_draft(client, secret)
        check_draft(client, secret, save="y")
    assert all("Zanzibar" not in record.getMessage() for record in caplog.records)


def test_a_protected_discussion_is_good_to_know_not_a_problem(client, login, org):
    login(org["staff"])
    page = check_draft(client, "Let's compare salaries openly, so nobody is underpaid.")
    assert "No likely problems found" in page
    assert "<h2>Good to know</h2>" in page
    assert "You may have a right to discuss this" in page and "not legal advice" in page


def test_markup_in_a_draft_is_shown_as_text(client, login, org):
    login(org["staff"])
    page = check_draft(client, '<script>alert("x")</script> This is confidential <b>really</b>')
    assert "<script>alert" not in page and "<b>really</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert '<mark class="mark-block"><a href="#finding-0"' in page
