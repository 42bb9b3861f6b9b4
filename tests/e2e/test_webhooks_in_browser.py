"""In the browser, with a real receiver on loopback: HR subscribes it, sees the secret once,
reads the delivery log when the receiver fails, sends the failure again once it works,
pauses, and removes the subscription after confirming."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from lms.dbsession import database
from lms.learning.services import acknowledge_guideline
from lms.retry import RetryPolicy
from lms.webhooks.delivery import send_due
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD
from tests.webhooks.receiver import Receiver

GUIDELINE = "social-media-guideline"
ONE_TRY = RetryPolicy(max_attempts=1, longest_delay=timedelta(minutes=1))


def test_hr_subscribes_reads_the_log_sends_again_and_removes(
    page: Page, app, db, org, shipped_courses, enrol
) -> None:
    receiver = Receiver(answers=[500])
    receiver.up()
    try:
        sign_in(page, org["hr"].email, PASSWORD)
        page.get_by_role("link", name="Webhooks", exact=True).click()
        expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Receiver URL").fill("http://hooks.example.com/in")
        page.get_by_role("button", name="Add the webhook").click()
        expect(page.get_by_text("Use https://, or http:// only to localhost")).to_be_visible()

        page.get_by_label("Receiver URL").fill(receiver.url)
        page.get_by_label("A certificate is issued").uncheck()
        page.get_by_label("A person leaves").uncheck()
        page.get_by_role("button", name="Add the webhook").click()
        secret = page.locator("code.secret").inner_text()
        assert secret.startswith("whsec_")
        assert_accessible(page)

        enrol(org["staff"], shipped_courses[GUIDELINE])
        acknowledge_guideline(db, org["staff"].id, shipped_courses[GUIDELINE], None)
        db.commit()
        receiver.answers = [500, 500]
        summary = send_due(database(app).sessions, policy=ONE_TRY)
        assert (summary.delivered, summary.failed) == (0, 2)

        page.goto("/admin/webhooks")
        expect(page.locator("code.secret")).to_have_count(0)  # shown once only
        page.get_by_role("link", name=receiver.url).click()
        expect(page.get_by_text("The receiver answered 500.")).to_have_count(2)
        assert_accessible(page)
        page.get_by_role("button", name="Send delivery").first.click()
        expect(page.get_by_text("is queued again")).to_be_visible()
        assert send_due(database(app).sessions, policy=ONE_TRY).delivered == 1
        page.reload()
        expect(page.get_by_text("Delivered", exact=True)).to_have_count(1)
        signed = receiver.received[-1].headers["Postwise-Signature"]
        assert signed.startswith("v1=")

        page.get_by_role("button", name="Pause").click()
        expect(page.get_by_text("is paused. Events wait until you resume it.")).to_be_visible()
        page.get_by_role("button", name="Remove").click()
        expect(
            page.get_by_role("heading", name=f"Remove the webhook to {receiver.url}?")
        ).to_be_visible()
        page.get_by_role("button", name="Remove the webhook").click()
        expect(page.get_by_text(f"The webhook to {receiver.url} is removed.")).to_be_visible()
        expect(page.get_by_text("No webhooks yet.")).to_be_visible()
    finally:
        receiver.down()
