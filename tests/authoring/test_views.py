"""The authoring pages through the test client, as an HR admin's browser uses them."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.authoring import services
from lms.authoring.lessons import LessonInput, update_lesson
from lms.authoring.publishing import publish_draft
from lms.authoring.tokens import lesson_token, question_token
from lms.authoring.zips import pack_zip
from lms.courses.models import CourseVersion
from lms.courses.packs import pack_files
from lms.courses.services import version_as_pack
from tests.authoring.conftest import SLUG
from tests.helpers import csrf_token, fresh, sign_in

BASE = f"/admin/courses/{SLUG}"


@pytest.fixture
def hr(login, org):
    return login(org["hr"])


def post(client, path, data, form_path=None):
    return client.post(path, data={"csrf_token": csrf_token(client, form_path or path), **data})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_hr_creates_a_course_and_finds_it_in_the_list(hr, db):
    response = post(
        hr,
        "/admin/courses/new",
        {
            "title": "Live video",
            "slug": "",
            "kind": "course",
            "summary": "Going live.",
            "minutes": "10",
        },
    )
    assert response.headers["Location"] == "/admin/courses/live-video"
    page = text(hr.get("/admin/courses/"))
    assert "Live video" in page and "Draft" in page
    assert "course.created" in db.scalars(select(AuditEvent.action)).all()


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_created(hr, db):
    response = post(
        hr,
        "/admin/courses/new",
        {"title": "X", "slug": "Bad Slug", "kind": "course", "summary": "", "minutes": "10"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "&#39;Bad Slug&#39; must be lower-case letters, digits and hyphens." in page
    assert 'id="summary-error"' in page
    fields = {"title": "X", "slug": "x", "kind": "course", "summary": "S", "minutes": "ten"}
    assert "Not a valid integer value." in text(post(hr, "/admin/courses/new", fields))
    assert db.scalar(select(CourseVersion.id)) is None


def test_lesson_preview_renders_with_the_learners_sanitiser_and_saves_nothing(hr, db, draft_course):
    path = f"{BASE}/lessons/first/edit"
    body = "## Try this\n\nA [link](https://example.com) and *emphasis*.\n"
    response = post(
        hr,
        path,
        {
            "token": lesson_token(draft_course.lessons[0]),
            "title": "First lesson",
            "slug": "first",
            "topic": "pitfalls",
            "minutes": "5",
            "body": body,
            "preview": "Preview",
        },
    )
    page = text(response)
    assert "<h2>Try this</h2>" in page
    assert 'href="https://example.com" rel="noopener noreferrer"' in page
    assert (
        fresh(db, CourseVersion, draft_course.id).lessons[0].body_markdown == "# Hello\n\nWorld.\n"
    )


def test_the_live_preview_endpoint_sanitises_too(hr):
    token = csrf_token(hr, "/admin/courses/")
    response = hr.post(
        "/admin/courses/preview",
        data={"csrf_token": token, "body": "Hi <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    assert response.status_code == 200
    assert "<script" not in text(response) and 'href="javascript' not in text(response)
    assert text(response).startswith("<p>Hi &lt;script&gt;")


def test_a_lesson_is_saved_and_the_draft_kept_consistent(hr, db, draft_course):
    response = post(
        hr,
        f"{BASE}/lessons/first/edit",
        {
            "token": lesson_token(draft_course.lessons[0]),
            "title": "First, revised",
            "slug": "first",
            "topic": "pitfalls",
            "minutes": "6",
            "body": "New text\r\nover two lines\r\n",
            "save": "Save lesson",
        },
    )
    assert response.status_code == 302
    version = fresh(db, CourseVersion, draft_course.id)
    assert version.lessons[0].body_markdown == "New text\nover two lines\n"
    assert version.fingerprint == version_as_pack(version).fingerprint


def test_a_second_admin_saving_a_stale_lesson_sees_the_newer_text_and_overwrites_nothing(
    hr, app, db, draft_course, org, make_employee
):
    db.rollback()
    other = make_employee(is_hr_admin=True)
    loaded = lesson_token(draft_course.lessons[0])
    fields = {"token": loaded, "slug": "first", "topic": "pitfalls", "minutes": "5", "save": "Save"}
    path = f"{BASE}/lessons/first/edit"
    assert post(hr, path, {**fields, "title": "First", "body": "Theirs.\n"}).status_code == 302
    second = app.test_client()
    assert sign_in(second, other.email).status_code == 302
    response = post(second, path, {**fields, "title": "First", "body": "Mine.\n"})
    page = text(response)
    assert "Someone else saved this lesson while you were editing it" in page
    assert "Theirs." in page and "Mine." in page
    assert fresh(db, CourseVersion, draft_course.id).lessons[0].body_markdown == "Theirs.\n"
    newer = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        post(
            second, path, {**fields, "token": newer, "title": "First", "body": "Mine.\n"}
        ).status_code
        == 302
    )
    assert fresh(db, CourseVersion, draft_course.id).lessons[0].body_markdown == "Mine.\n"


def test_saving_a_lesson_deleted_meanwhile_offers_to_add_it_again(hr, db, draft_course):
    second = draft_course.lessons[1]
    token = lesson_token(second)
    delete = {"token": token, "confirmed": "yes"}
    assert post(hr, f"{BASE}/lessons/second/delete", delete, BASE).status_code == 302
    response = post(
        hr,
        f"{BASE}/lessons/second/edit",
        {
            "token": token,
            "title": "Second",
            "slug": "second",
            "topic": "pitfalls",
            "minutes": "5",
            "body": "Mine",
            "save": "Save",
        },
        BASE,
    )
    page = text(response)
    assert "Someone deleted this lesson while you were editing it" in page
    assert f'action="{BASE}/lessons/new"' in page and "Mine" in page


def test_lessons_move_and_questions_move(hr, db, draft_course):
    post(hr, f"{BASE}/lessons/second/move", {"direction": "up"}, BASE)
    post(hr, f"{BASE}/questions/q-three/move", {"direction": "up"}, BASE)
    version = fresh(db, CourseVersion, draft_course.id)
    assert [lesson.slug for lesson in version.lessons] == ["second", "first"]
    assert [q.key for q in version.questions] == ["q-one", "q-three", "q-two"]


def test_a_question_with_every_field_is_added_and_errors_show_by_field(hr, db, draft_course):
    fields = {
        "key": "spot-it",
        "kind": "scenario",
        "lesson": "second",
        "knowledge_check": "y",
        "post_kind": "post",
        "post": "Our CEO is clueless.",
        "prompt": "",
        "choices-0-text": "Post it",
        "choices-0-feedback": "It names a person.",
        "choices-1-text": "Don't",
        "choices-1-correct": "y",
        "explanation": "Critique ideas, not people.",
    }
    bad = post(hr, f"{BASE}/questions/new", {**fields, "choices-1-correct": ""})
    assert "A scenario question needs exactly one correct choice, and this one has 0." in text(bad)
    assert post(hr, f"{BASE}/questions/new", fields).status_code == 302
    question = fresh(db, CourseVersion, draft_course.id).questions[-1]
    assert (question.key, question.prompt, question.knowledge_check) == (
        "spot-it",
        "What should you do?",
        True,
    )
    assert [(c.text, c.is_correct, c.feedback) for c in question.choices] == [
        ("Post it", False, "It names a person."),
        ("Don't", True, None),
    ]
    page = text(hr.get(f"{BASE}/questions/spot-it/edit"))
    assert 'value="It names a person."' in page
    assert "Choice 4" in page and "Choice 5" not in page  # two spare rows


def test_a_stale_question_save_shows_the_newer_question(hr, db, draft_course):
    question = draft_course.questions[0]
    token = question_token(question)
    fields = {
        "token": token,
        "key": "q-one",
        "kind": "single",
        "explanation": "Because.",
        "choices-0-text": "A",
        "choices-0-correct": "y",
        "choices-1-text": "B",
    }
    assert (
        post(hr, f"{BASE}/questions/q-one/edit", {**fields, "prompt": "Theirs?"}).status_code == 302
    )
    page = text(post(hr, f"{BASE}/questions/q-one/edit", {**fields, "prompt": "Mine?"}))
    assert "Someone else saved this question" in page and "Theirs?" in page and "Mine?" in page


def test_publishing_refuses_an_incomplete_draft_then_publishes_and_edit_starts_version_2(
    hr, db, draft_course
):
    draft_course.draw = 5
    services.refresh(draft_course)
    db.commit()
    page = text(hr.get(f"{BASE}/publish"))
    assert "This draft cannot be published yet" in page
    assert "Settings: quiz draw is 5 but quiz.yaml has only 3 questions" in page
    draft_course.draw = None
    services.refresh(draft_course)
    db.commit()
    response = post(hr, f"{BASE}/publish", {"fingerprint": draft_course.fingerprint, "note": ""})
    assert "Say in a sentence what changed" in text(response)
    response = post(
        hr, f"{BASE}/publish", {"fingerprint": draft_course.fingerprint, "note": "First"}
    )
    assert response.status_code == 302
    assert fresh(db, CourseVersion, draft_course.id).status == "published"
    assert "Edit" in text(hr.get(BASE))
    assert post(hr, f"{BASE}/draft", {}, BASE).status_code == 302
    assert "version 2" in text(hr.get(BASE))


def test_history_compares_two_versions_chosen_with_a_get_form(hr, db, draft_course):
    publish_draft(
        db,
        SLUG,
        fingerprint=draft_course.fingerprint,
        note="One",
        requires_reacknowledgement=False,
        actor_id=None,
    )
    v2, _ = services.start_draft(db, SLUG)
    update_lesson(
        db,
        SLUG,
        "first",
        LessonInput("first", "First lesson", "pitfalls", 5, "# Hello\n\nWorld, again.\n"),
        token=lesson_token(v2.lessons[0]),
    )
    db.commit()
    page = text(hr.get(f"{BASE}/history?old=1&new=2"))
    assert "<ins>World, again.</ins>" in page and "<del>World.</del>" in page
    assert "There is no" not in page
    assert "Choose one of the course" in text(hr.get(f"{BASE}/history?old=1&new=9"))


def test_download_and_upload_a_zip(hr, db, draft_course):
    response = hr.get(f"{BASE}/versions/1.zip")
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        files = {name.removeprefix(f"{SLUG}/"): archive.read(name) for name in archive.namelist()}
    assert files == pack_files(version_as_pack(draft_course))
    token = csrf_token(hr, "/admin/courses/upload")
    changed = io.BytesIO(response.data)
    upload = hr.post(
        "/admin/courses/upload",
        data={"csrf_token": token, "file": (changed, "pack.zip")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302  # identical content: nothing new, nothing replaced
    broken = hr.post(
        "/admin/courses/upload",
        data={"csrf_token": token, "file": (io.BytesIO(b"nope"), "pack.zip")},
        content_type="multipart/form-data",
    )
    assert "this is not a zip file" in text(broken)


def test_an_upload_never_replaces_a_different_draft_unless_asked(hr, db, draft_course):
    pack = version_as_pack(draft_course)
    other = pack_zip(dataclasses.replace(pack, title="Someone else's"))
    token = csrf_token(hr, "/admin/courses/upload")

    def send(**extra):
        return hr.post(
            "/admin/courses/upload",
            data={"csrf_token": token, "file": (io.BytesIO(other), "p.zip"), **extra},
            content_type="multipart/form-data",
        )

    assert "already has a draft (version 1) with other content" in text(send())
    assert fresh(db, CourseVersion, draft_course.id).title == "Posting well"
    assert send(replace_draft="y").status_code == 302
    db.rollback()
    assert services.draft(db, SLUG).title == "Someone else's"


def test_edit_pages_without_a_draft_say_how_to_start_one(hr, db, shipped_courses):
    response = hr.get("/admin/courses/social-media-essentials/settings")
    assert response.headers["Location"] == "/admin/courses/social-media-essentials"
    assert "Press “Edit” to start a new draft" in text(hr.get(response.headers["Location"]))
    assert hr.get("/admin/courses/no-such-course").status_code == 404


@pytest.mark.parametrize(
    ("path", "token_of", "title"),
    [
        (
            "lessons/second",
            lambda v: lesson_token(v.lessons[1]),
            "Delete the lesson “Second lesson”",
        ),
        ("questions/q-two", lambda v: question_token(v.questions[1]), "Delete the question “"),
    ],
)
def test_deleting_a_lesson_or_question_asks_first_and_names_it(
    hr, db, draft_course, path, token_of, title
):
    token = token_of(draft_course)
    lessons, questions = len(draft_course.lessons), len(draft_course.questions)
    asked = post(hr, f"{BASE}/{path}/delete", {"token": token}, BASE)
    assert asked.status_code == 200
    page = text(asked)
    assert f"{title}" in page and "from the draft?" in page
    assert "It is removed from the draft of Posting well only" in page
    assert f'name="token" value="{token}"' in page and 'name="confirmed" value="yes"' in page
    version = fresh(db, CourseVersion, draft_course.id)
    assert (len(version.lessons), len(version.questions)) == (lessons, questions)
    done = post(hr, f"{BASE}/{path}/delete", {"token": token, "confirmed": "yes"}, BASE)
    assert done.status_code == 302
    version = fresh(db, CourseVersion, draft_course.id)
    assert len(version.lessons) + len(version.questions) == lessons + questions - 1


def test_questions_name_their_lesson_by_its_title(hr, draft_course):
    page = text(hr.get(BASE))
    assert "about “First lesson”" in page
    assert "about “first”" not in page  # the lesson's slug is for URLs and packs
