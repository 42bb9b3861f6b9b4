"""The learner's way: My learning, lessons, marking done, versions kept, the guideline."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import PROJECT_ROOT, clock
from lms.courses.author_notes import without_author_notes
from lms.courses.models import Question
from lms.courses.packs import read_pack
from lms.courses.services import import_pack, publish_version
from lms.learning.models import Attestation, Enrollment, LessonProgress
from tests.helpers import csrf_token, fresh, sign_in
from tests.learning.quiz_helpers import pass_quiz

COURSE = "social-media-essentials"
GUIDELINE = "social-media-guideline"
PROJECT_COURSES = PROJECT_ROOT / "courses"


@pytest.fixture
def learner(org, shipped_courses, enrol):
    """An employee enrolled in both shipped courses."""
    enrol(org["staff"], shipped_courses[COURSE])
    enrol(org["staff"], shipped_courses[GUIDELINE])
    return org["staff"]


def _done(client, slug: str, lesson: str):
    path = f"/courses/{slug}/lessons/{lesson}"
    return client.post(f"{path}/done", data={"csrf_token": csrf_token(client, path)})


def _acknowledge(client):
    return client.post(
        "/guideline/acknowledge", data={"csrf_token": csrf_token(client, "/guideline")}
    )


def test_my_learning_lists_courses_with_status_due_date_and_progress(client, login, learner):
    login(learner)
    page = client.get("/").get_data(as_text=True)
    assert "My learning" in page
    assert "Social media essentials for professionals" in page
    assert "Not started" in page
    assert "Due 16 March 2026" in page
    assert '<progress max="9" value="0"' in page
    assert "0 of 9 lessons done" in page
    assert "Please read the social media guideline" in page


def test_overdue_courses_come_first(client, login, org, shipped_courses, enrol):
    enrol(org["staff"], shipped_courses[COURSE])
    enrol(org["staff"], shipped_courses[GUIDELINE], due_at=clock.now() - timedelta(days=1))
    login(org["staff"])
    page = client.get("/").get_data(as_text=True)
    assert page.index("Overdue") < page.index("Not started")
    assert page.index("Our social media guideline") < page.index("Social media essentials")


def test_marking_a_lesson_done_moves_progress_and_goes_to_the_next(client, login, learner):
    login(learner)
    response = _done(client, COURSE, "why-professionals-post")
    assert response.headers["Location"] == f"/courses/{COURSE}/lessons/five-purposes"
    course = client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "In progress" in course
    assert '<progress max="9" value="1"' in course
    assert "Continue where you left off: The five purposes of LinkedIn" in course
    _done(client, COURSE, "why-professionals-post")  # twice is still once
    assert "1 of 9 lessons done" in client.get("/").get_data(as_text=True)


def test_lesson_page_has_reading_time_previous_next_and_done_button(client, login, learner):
    login(learner)
    page = client.get(f"/courses/{COURSE}/lessons/pitfalls").get_data(as_text=True)
    assert "About 5 minutes" in page
    assert 'rel="prev"' in page
    assert 'rel="next"' in page
    assert "Mark as done" in page
    assert "<h2>Try this</h2>" in page


def test_a_course_completes_after_lessons_quiz_and_guideline(client, login, learner, db):
    login(learner)
    view = client.get(f"/courses/{COURSE}")
    assert view.status_code == 200
    version = read_pack(PROJECT_COURSES / COURSE)
    for lesson in version.lessons:
        response = _done(client, COURSE, lesson.slug)
    assert response.headers["Location"] == f"/courses/{COURSE}/quiz/"
    enrollment = db.scalar(select(Enrollment).where(Enrollment.employee_id == learner.id))
    course_page = client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "take the final quiz" in course_page
    assert "acknowledge the social media guideline" in course_page
    pass_quiz(client, db, COURSE)
    assert fresh(db, Enrollment, enrollment.id).completed_at is None  # the guideline waits
    course_page = client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "take the final quiz" not in course_page  # only what is really left is asked for
    assert "acknowledge the social media guideline" in course_page
    _acknowledge(client)
    completed = fresh(db, Enrollment, enrollment.id)
    assert completed.completed_at == clock.now()
    assert completed.score == 100
    assert "Completed 2 March 2026" in client.get("/").get_data(as_text=True)


def test_acknowledgement_keeps_who_which_version_when_and_where(client, login, learner, db):
    login(learner)
    _acknowledge(client)
    db.rollback()
    (attestation,) = db.scalars(select(Attestation)).all()
    assert attestation.employee_id == learner.id
    assert attestation.acknowledged_at == clock.now()
    assert attestation.ip_address == "127.0.0.1"
    page = client.get("/guideline").get_data(as_text=True)
    assert "You acknowledged version 1" in page


def test_learners_finish_the_version_they_started(client, login, learner, db, shipped_courses):
    login(learner)
    _done(client, COURSE, "why-professionals-post")
    pack = read_pack(PROJECT_COURSES / COURSE)
    renamed = dataclasses.replace(pack.lessons[1], title="Five purposes, revised")
    v2 = dataclasses.replace(pack, lessons=(pack.lessons[0], renamed, *pack.lessons[2:]))
    import_pack(db, v2, publish=True)
    db.commit()
    page = client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "version 1" in page
    assert "The five purposes of LinkedIn" in page
    assert "revised" not in page


def test_a_draft_version_is_never_shown_to_learners(client, login, learner, db):
    pack = read_pack(PROJECT_COURSES / COURSE)
    extra = dataclasses.replace(pack.lessons[-1], position=10, slug="draft-only", title="Draft")
    import_pack(db, dataclasses.replace(pack, lessons=(*pack.lessons, extra)), publish=False)
    db.commit()
    login(learner)
    assert client.get(f"/courses/{COURSE}/lessons/draft-only").status_code == 404
    assert "Draft" not in client.get(f"/courses/{COURSE}").get_data(as_text=True)


def test_progress_is_each_persons_own(client, login, learner, org, enrol, shipped_courses, app):
    enrol(org["staff2"], shipped_courses[COURSE])
    login(learner)
    _done(client, COURSE, "why-professionals-post")
    other = app.test_client()
    assert sign_in(other, org["staff2"].email).status_code == 302
    assert "0 of 9 lessons done" in other.get(f"/courses/{COURSE}").get_data(as_text=True)


def test_not_enrolled_is_not_found_and_the_catalogue_offers_enrolment(
    client, login, org, shipped_courses
):
    login(org["outsider"])
    assert client.get(f"/courses/{COURSE}").status_code == 404
    catalogue = client.get("/catalogue").get_data(as_text=True)
    assert "Social media essentials for professionals" in catalogue
    assert "Our social media guideline" not in catalogue  # the guideline is assigned, not chosen
    token = csrf_token(client, "/catalogue")
    response = client.post(f"/courses/{COURSE}/enrol", data={"csrf_token": token})
    assert response.headers["Location"] == f"/courses/{COURSE}"
    assert client.get(f"/courses/{COURSE}").status_code == 200
    assert "Social media essentials" not in client.get("/catalogue").get_data(as_text=True)


def test_a_reacknowledgement_shows_what_changed(client, login, learner, db):
    login(learner)
    _acknowledge(client)
    pack = without_author_notes(read_pack(PROJECT_COURSES / GUIDELINE))
    changed = dataclasses.replace(
        pack.lessons[1], body=pack.lessons[1].body + "\nNew rule: ask before you livestream.\n"
    )
    v2 = import_pack(
        db,
        dataclasses.replace(pack, lessons=(pack.lessons[0], changed, *pack.lessons[2:])),
        publish=False,
    ).version
    publish_version(db, v2, requires_reacknowledgement=True)
    db.commit()
    home = client.get("/").get_data(as_text=True)
    assert "The social media guideline has changed" in home
    page = client.get("/guideline").get_data(as_text=True)
    assert "What changed since version 1" in page
    assert "<ins>New rule: ask before you livestream.</ins>" in page
    assert "I have read version 2 and will follow it" in page


def test_the_cli_publishes_a_guideline_that_needs_acknowledging_again(
    client, login, learner, runner, tmp_path
):
    login(learner)
    _acknowledge(client)
    folder = tmp_path / "guideline"
    runner.invoke(args=["courses", "export", GUIDELINE, str(folder)])
    section = next((folder / "lessons").glob("02-*.md"))
    section.write_text(section.read_text() + "\nAsk before you livestream a meeting.\n")
    result = runner.invoke(
        args=["courses", "import", str(folder), "--publish", "--requires-reacknowledgement"]
    )
    assert "as version 2 (published)" in result.output
    assert "The social media guideline has changed" in client.get("/").get_data(as_text=True)


def test_a_version_not_marked_keeps_acknowledgements_valid(client, login, learner, db):
    login(learner)
    _acknowledge(client)
    pack = without_author_notes(read_pack(PROJECT_COURSES / GUIDELINE))
    v2 = dataclasses.replace(pack, title="Our social media guideline (typo fixed)")
    import_pack(db, v2, publish=True)
    db.commit()
    assert "guideline has changed" not in client.get("/").get_data(as_text=True)
    assert "You acknowledged version 1" in client.get("/guideline").get_data(as_text=True)


def test_a_knowledge_check_gives_feedback_and_records_nothing(client, login, learner, db):
    login(learner)
    path = f"/courses/{COURSE}/lessons/pitfalls"
    page = client.get(path).get_data(as_text=True)
    assert "Check your understanding" in page
    assert "Posting in anger is immediate and permanent" not in page  # no answer before trying
    question = db.scalar(select(Question).where(Question.key == "check-pitfalls-angry"))
    wrong = next(choice for choice in question.choices if not choice.is_correct)
    before = db.scalar(select(func.count()).select_from(LessonProgress))
    response = client.post(
        f"{path}/check", data={"csrf_token": csrf_token(client, path), f"q{question.id}": wrong.id}
    )
    result = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not quite" in result
    assert "Posting in anger is immediate and permanent" in result
    db.rollback()
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == before
    assert "0 of 9 lessons done" in client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "15 questions" in client.get(f"/courses/{COURSE}/quiz/").get_data(as_text=True)
