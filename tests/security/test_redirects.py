"""No `next=` leaves the app: sign-in, the guideline acknowledgement and a manager's nudge
all send people back only to a path of Postwise itself."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urljoin, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from lms import clock
from lms.web_security import safe_next_url
from tests.helpers import csrf_token, sign_in

BASE = "http://postwise.test/reports/team"
HOSTILE = [
    "https://evil.example.com/",
    "//evil.example.com/",
    "///evil.example.com/",
    "/\\evil.example.com",
    "\\\\evil.example.com",
    "/\\/evil.example.com",
    "https:evil.example.com",
    " //evil.example.com",
    "\t//evil.example.com",
    "/\t/evil.example.com",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]


def stays_inside(location: str) -> bool:
    """Where a browser goes from the app's page when told `location`: still the app's host."""
    target = urlsplit(urljoin(BASE, location.replace("\\", "/")))
    return target.scheme == "http" and target.netloc == "postwise.test"


def test_sign_in_never_sends_anyone_away(app, org):
    for next_url in HOSTILE:
        response = sign_in(app.test_client(), org["staff"].email, next_url=next_url)
        assert (response.status_code, response.headers["Location"]) == (302, "/"), next_url


def test_acknowledging_the_guideline_never_sends_anyone_away(login, org, shipped_courses, enrol):
    client = login(org["staff"])
    enrol(org["staff"], shipped_courses["social-media-guideline"])
    token = csrf_token(client, "/")
    for next_url in HOSTILE:
        response = client.post(
            "/guideline/acknowledge", data={"csrf_token": token, "next": next_url}
        )
        assert (response.status_code, response.headers["Location"]) == (302, "/"), next_url


def test_a_nudge_never_sends_the_manager_away(login, org, shipped_courses, enrol):
    """The first nudge is sent and the rest refused as a second one today: all go back."""
    late = enrol(
        org["staff"],
        shipped_courses["social-media-essentials"],
        due_at=clock.now() - timedelta(days=2),
    )
    client = login(org["lead"])
    token = csrf_token(client, "/")
    for next_url in HOSTILE:
        response = client.post(
            f"/reports/team/nudge/{late.id}", data={"csrf_token": token, "next": next_url}
        )
        assert response.status_code == 302, next_url
        assert response.headers["Location"] == "/reports/team", next_url


def test_a_path_inside_the_app_is_kept(login, org, shipped_courses, enrol):
    client = login(org["staff"])
    enrol(org["staff"], shipped_courses["social-media-guideline"])
    response = client.post(
        "/guideline/acknowledge",
        data={"csrf_token": csrf_token(client, "/"), "next": "/courses/social-media-guideline"},
    )
    assert response.headers["Location"] == "/courses/social-media-guideline"


@given(st.text(alphabet=st.sampled_from("/\\:.@%?#&=;ab \t\r\n\x00e"), max_size=24))
def test_any_next_is_refused_or_stays_inside_the_app(target: str):
    kept = safe_next_url(target)
    assert kept is None or (kept == target and stays_inside(kept))


@given(st.text(max_size=40))
def test_any_text_at_all_is_refused_or_stays_inside_the_app(target: str):
    kept = safe_next_url(target)
    assert kept is None or stays_inside(kept)
