"""The purpose self-assessment: exactly 10 points, a profile, history, and privacy."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms import clock
from lms.purpose.models import PurposeAssessment
from lms.purpose.services import record
from lms.purpose.snapshots import Report, due, publish, report
from tests.helpers import csrf_token

SPLIT = {"business": 6, "community": 2, "learning": 2, "job_seeking": 0, "vanity": 0}


def take(client, **split: int | str):
    token = csrf_token(client, "/practice/purpose")
    return client.post("/practice/purpose", data={"csrf_token": token, **split})


def count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(PurposeAssessment))


def test_the_points_must_add_up_to_exactly_ten(client, login, db, org):
    login(org["staff"])
    page = take(client, **{**SPLIT, "business": 4}).get_data(as_text=True)
    assert "Your points add up to 8: share exactly 10 between the five purposes (add 2)." in page
    page = take(client, **{**SPLIT, "vanity": 3}).get_data(as_text=True)
    assert "Your points add up to 13" in page and "(take away 3)" in page
    page = take(client, **{**SPLIT, "learning": "lots"}).get_data(as_text=True)
    assert "Learning sponge" in page and "Not a valid integer value." in page
    page = take(client, **{**SPLIT, "business": 11, "community": -1}).get_data(as_text=True)
    assert "Use a whole number from 0 to 10." in page
    assert count(db) == 0


def test_a_split_gives_a_profile_with_tips_and_lessons(client, login, db, org, shipped_courses):
    login(org["staff"])
    response = take(client, **SPLIT)
    assert response.status_code == 302
    page = client.get("/practice/purpose").get_data(as_text=True)
    assert "<h3>Business driven: 6 of 10</h3>" in page
    assert "Keep your contact details and what you do easy to find" in page
    assert "Community spirit: 2 of 10" not in page  # only the main purposes are profiled
    lesson = "/courses/social-media-essentials/lessons/set-up-your-profile"
    assert f'href="{lesson}"' in page
    assert count(db) == 1


def test_retaking_shows_how_the_split_changed(client, login, org):
    login(org["staff"])
    take(client, **SPLIT)
    clock.advance(timedelta(days=30))
    client.get("/")  # the session has ended in the meantime
    login(org["staff"])
    take(client, business=1, community=2, learning=2, job_seeking=5, vanity=0)
    page = client.get("/practice/purpose").get_data(as_text=True)
    assert "How your split has changed" in page
    assert '<td class="number">5 <span class="muted">(+5)</span></td>' in page
    assert '<td class="number">1 <span class="muted">(-5)</span></td>' in page
    assert "<h3>Job seeking: 5 of 10</h3>" in page


def test_answers_are_private_to_their_author(client, login, db, org):
    record(db, org["staff"].id, SPLIT)
    db.commit()
    login(org["lead"])  # their manager
    assert "Business driven: 6 of 10" not in client.get("/practice/purpose").get_data(as_text=True)
    assert "6 of 10" not in client.get(f"/people/{org['staff'].id}").get_data(as_text=True)


def _publish_q1(db) -> Report:
    """Close the first quarter of 2026 and publish it, as the first view after it does."""
    clock.advance(timedelta(days=31))  # 2 April 2026
    quarter = due(db)
    assert quarter is not None and quarter.key == "2026-Q1"
    publish(db, quarter)
    db.commit()
    return report(db)


def test_hr_sees_only_groups_of_five_or_more(client, login, db, make_employee):
    sales = [make_employee(department="Sales") for _ in range(5)]
    legal = [make_employee(department="Legal") for _ in range(2)]
    for person in sales:
        record(db, person.id, SPLIT)
    for person in legal:
        record(db, person.id, {**SPLIT, "business": 0, "vanity": 6})
    db.commit()
    published = _publish_q1(db)
    # Everyone would be Sales plus the two in Legal: shown, it would give Legal away.
    assert [(f.label, f.people) for f in published.figures] == [("Sales", 5)]
    assert published.figures[0].averages["business"] == 6.0
    assert published.left_out == 1
    hr = make_employee(is_hr_admin=True, department="HR")
    login(hr)
    page = client.get("/reports/purpose").get_data(as_text=True)
    assert "<h2>January to March 2026</h2>" in page
    assert '<th scope="row">Sales</th>' in page and "Legal" not in page
    assert "1 department has no row of its own" in page
    assert "The next figures appear on 1 July 2026" in page


def test_nothing_is_shown_before_the_first_quarter_closes(client, login, db, make_employee):
    for _ in range(5):
        record(db, make_employee(department="Sales").id, SPLIT)
    db.commit()
    login(make_employee(is_hr_admin=True, department="HR"))
    page = client.get("/reports/purpose").get_data(as_text=True)
    assert "nothing to show yet" in page  # a page view publishes nothing: GETs never write
    assert "Publish the figures for October to December 2025" in page
    token = csrf_token(client, "/reports/purpose")
    assert client.post("/reports/purpose/publish", data={"csrf_token": token}).status_code == 302
    page = client.get("/reports/purpose").get_data(as_text=True)
    assert "The figures for October to December 2025 are published" in page
    # That quarter had no answers yet.
    assert "No group could be shown for this quarter" in page
    assert "Sales" not in page and "Publish the figures" not in page


def test_cron_publishes_a_closed_quarter_once(runner, db, make_employee):
    for _ in range(5):
        record(db, make_employee(department="Sales").id, SPLIT)
    db.commit()
    clock.advance(timedelta(days=31))  # 2 April: January to March has closed
    first = runner.invoke(args=["purpose", "publish"])
    assert first.exit_code == 0, first.output
    assert "Published the figures for January to March 2026" in first.output
    again = runner.invoke(args=["purpose", "publish"])
    assert "Nothing new to publish" in again.output


def test_small_groups_are_shown_together_when_there_are_enough(db, make_employee):
    for department in ("Legal", "Legal", "Ops", "Ops", "Ops"):
        record(db, make_employee(department=department).id, SPLIT)
    departed = make_employee(department="Ops", is_active=False)
    record(db, departed.id, SPLIT)  # people who left do not count
    db.commit()
    published = _publish_q1(db)
    # Everyone is the same five people: shown once.
    assert [(f.label, f.people) for f in published.figures] == [("Other departments together", 5)]
    assert published.left_out == 2


def test_only_each_persons_latest_split_counts(db, make_employee):
    people = [make_employee(department="Sales") for _ in range(5)]
    for person in people:
        record(db, person.id, SPLIT)
        record(db, person.id, {**SPLIT, "business": 2, "job_seeking": 4})
    db.commit()
    [sales] = _publish_q1(db).figures
    assert (sales.people, sales.averages["job_seeking"]) == (5, 4.0)


def test_an_even_split_says_no_purpose_stands_out(client, login, org, shipped_courses):
    login(org["staff"])
    take(client, business=2, community=2, learning=2, job_seeking=2, vanity=2)
    page = client.get("/practice/purpose").get_data(as_text=True)
    assert "Your points are spread evenly: no purpose stands out." in page
