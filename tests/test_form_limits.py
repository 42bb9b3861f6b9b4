"""Every text field of every form is no longer than the column it fills: PostgreSQL refused
an over-long title with a 500, SQLite saved a megabyte of it and its flash message broke the
session cookie. The forms are found, not listed, so a field added tomorrow must be sorted
into one of the two tables below before this test passes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import Form, StringField
from wtforms.fields.core import UnboundField

import lms
from lms.api.models import ApiClient
from lms.audit.models import AuditEvent
from lms.audit.services import record
from lms.authoring.errors import Invalid
from lms.authoring.services import NewCourse, create_course
from lms.courses.models import Course, CourseVersion, Lesson, Question
from lms.db import column_length
from lms.form_limits import FitsColumn
from lms.learning.models import Enrollment
from lms.people import hris
from lms.people.models import Employee
from lms.scim.models import ScimToken
from lms.webhooks.models import WebhookSubscription
from tests.helpers import csrf_token

# form field → the String(n) column it is saved in
SAVED_IN = {
    "authoring.forms.NewCourseForm.title": CourseVersion.title,
    "authoring.forms.NewCourseForm.slug": Course.slug,
    "authoring.forms.SettingsForm.title": CourseVersion.title,
    "authoring.forms.LessonForm.title": Lesson.title,
    "authoring.forms.LessonForm.slug": Lesson.slug,
    "authoring.forms.QuestionForm.key": Question.key,
    "assignments.person_forms.ExemptForm.reason": Enrollment.reason,
    "assignments.person_forms.RecordCompletionForm.reason": Enrollment.reason,
    "scim.forms.TokenForm.name": ScimToken.name,
    "api.forms.ClientForm.name": ApiClient.name,
    "webhooks.forms.SubscriptionForm.url": WebhookSubscription.url,
}
# form field → why it needs no column limit
NOT_IN_A_SHORT_COLUMN = {
    "assignments.forms.RuleForm.manager": "looked up among employees, never saved",
    "api.forms.ClientForm.manager_email": "looked up among employees, never saved",
    "assignments.forms.RuleForm.people": "split into employee ids, each looked up",
    "authoring.forms.NewCourseForm.summary": "Text",
    "authoring.forms.SettingsForm.summary": "Text",
    "authoring.forms.SettingsForm.token": "compared, never saved",
    "authoring.forms.LessonForm.body": "Text",
    "authoring.forms.LessonForm.token": "compared, never saved",
    "authoring.forms.ChoiceForm.text": "Text",
    "authoring.forms.ChoiceForm.feedback": "Text",
    "authoring.forms.QuestionForm.explanation": "Text",
    "authoring.forms.QuestionForm.post": "Text",
    "authoring.forms.QuestionForm.prompt": "Text",
    "authoring.forms.QuestionForm.token": "compared, never saved",
    "authoring.forms.TokenForm.token": "compared, never saved",
    "authoring.forms.MoveForm.direction": "one of two words",
    "authoring.forms.PublishForm.fingerprint": "compared, never saved",
    "authoring.forms.PublishForm.note": "Text",
    "authoring.forms.PreviewForm.body": "rendered, never saved",
    "people.forms.SignInForm.email": "looked up, never saved",
    "people.forms.SignInForm.password": "checked against a hash",
    "people.forms.ForgotPasswordForm.email": "looked up, never saved",
    "people.forms.SetPasswordForm.password": "hashed",
    "people.forms.SetPasswordForm.confirm": "compared",
    "people.forms.PeopleFilterForm.q": "a search, never saved",
    "people.forms.ConfirmImportForm.key": "looked up among pending imports (64 at most)",
    "people.forms.InviteManyForm.scope": "one of two words",
    "people.forms.InviteLinksFileForm.batch": "a signed summary, checked, never saved",
    "precheck.forms.PrecheckForm.text": "Text, checked by the pre-check's own limit",
    "reports.forms.AuditFilterForm.actor": "a filter, never saved",
    **{
        f"precheck.forms.SettingsForm.{name}": "the settings YAML (Text), limits of its own"
        for name in (
            "approved_clients",
            "codenames",
            "competitors",
            "disclosure_hashtags",
            "email_domains",
            "employer_names",
            "handles",
            "phone_region",
            "products",
            "role_mailboxes",
            "ticker",
        )
    },
}


def text_fields() -> dict[str, UnboundField]:
    """Every text field (StringField and its kinds) of every form class in lms."""
    found = {}
    for module_info in pkgutil.walk_packages(lms.__path__, "lms."):
        if not module_info.name.endswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for class_name, form in vars(module).items():
            if not (inspect.isclass(form) and issubclass(form, Form)):
                continue
            if form.__module__ != module.__name__:
                continue
            for name in dir(form):
                field = getattr(form, name)
                if isinstance(field, UnboundField) and issubclass(field.field_class, StringField):
                    key = f"{module.__name__.removeprefix('lms.')}.{class_name}.{name}"
                    found[key] = field
    return found


def validators_of(field: UnboundField) -> list[Any]:
    return list(field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else []))


def test_every_text_field_is_sorted_into_saved_or_not():
    fields = text_fields()
    assert len(fields) >= 40, "the walk found too few form fields"
    unsorted = set(fields) - SAVED_IN.keys() - NOT_IN_A_SHORT_COLUMN.keys()
    assert unsorted == set(), "say which column these fields fill, or why they need no limit"
    assert set(SAVED_IN) | set(NOT_IN_A_SHORT_COLUMN) == set(fields), "a listed field is gone"


@pytest.mark.parametrize("name", sorted(SAVED_IN))
def test_a_field_saved_in_a_short_column_is_held_to_its_length(name: str):
    fits = [v for v in validators_of(text_fields()[name]) if isinstance(v, FitsColumn)]
    assert len(fits) == 1, f"{name} needs FitsColumn({SAVED_IN[name]})"
    assert fits[0].column is SAVED_IN[name]
    assert fits[0].max == column_length(SAVED_IN[name])


# ---------------------------------------------------------------- through the pages


def post_form(client: FlaskClient, path: str, data: dict[str, str]) -> Any:
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "T" * 312, "This is 312 characters long; keep it to 200 or fewer."),
        ("title", "T" * 1_048_576, "This is 1,048,576 characters long; keep it to 200 or fewer."),
        ("slug", "s" * 101, "This is 101 characters long; keep it to 100 or fewer."),
    ],
    ids=["title", "huge-title", "slug"],
)
def test_a_new_course_with_an_over_long_field_is_refused_on_the_page(
    org, login: Callable, db: Session, field: str, value: str, message: str
):
    client = login(org["hr"])
    data = {
        "title": "Posting well",
        "slug": "posting-well",
        "kind": "course",
        "minutes": "10",
        "summary": "S.",
    }
    response = post_form(client, "/admin/courses/new", {**data, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert len(response.headers.get("Set-Cookie", "")) < 2_000
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Course)) == 0


def test_a_lesson_title_over_its_column_is_refused_on_the_page(org, login: Callable, db: Session):
    client = login(org["hr"])
    created = post_form(
        client,
        "/admin/courses/new",
        {
            "title": "Posting well",
            "slug": "posting-well",
            "kind": "course",
            "minutes": "10",
            "summary": "S.",
        },
    )
    assert created.status_code == 302
    response = post_form(
        client,
        "/admin/courses/posting-well/lessons/new",
        {
            "title": "L" * 201,
            "slug": "first",
            "topic": "purpose",
            "minutes": "5",
            "body": "Hello.",
            "save": "Save lesson",
        },
    )
    assert response.status_code == 200
    assert "This is 201 characters long; keep it to 200 or fewer." in response.get_data(
        as_text=True
    )
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Lesson)) == 0


def test_the_service_holds_the_same_limits_for_the_command_line(db: Session):
    too_long = NewCourse(slug="s" * 101, title="T" * 201, kind="course", summary="S", minutes=5)
    with pytest.raises(Invalid) as refused:
        create_course(db, too_long, actor_id=None)
    assert refused.value.problems == {
        "slug": ["This is 101 characters long; keep it to 100 or fewer."],
        "title": ["This is 201 characters long; keep it to 200 or fewer."],
    }


def test_an_audit_target_longer_than_its_column_is_shortened_not_refused(db: Session):
    record(db, "course.created", "x" * 1000, actor_id=None)
    db.commit()
    stored = db.scalar(select(AuditEvent.target))
    assert stored is not None
    assert len(stored) == column_length(AuditEvent.target)
    assert stored.endswith("…")


def test_the_hris_import_limits_are_the_employee_columns():
    """The CSV reader is pure (no models), so its limits are its own: held to the columns."""
    assert {
        "employee_id": column_length(Employee.hris_id),
        "email": column_length(Employee.email),
    } == hris.MAX_LENGTH
    for column in (
        Employee.first_name,
        Employee.last_name,
        Employee.department,
        Employee.title,
        Employee.location,
    ):
        assert column_length(column) == hris.DEFAULT_MAX_LENGTH
