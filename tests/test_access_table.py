"""Every route, every role: one declared table of who gets what.

A route in the app's url_map without a row here fails the test, so each new page must say
who may use it. Roles: anonymous; employee (no reports); manager (a team lead whose line
holds `staff` and `staff2`); HR admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.assignments.services import RuleSpec, create_rule
from lms.authoring.services import start_draft
from lms.people.models import Employee
from tests.helpers import csrf_token, sign_in

ROLES = ("anonymous", "employee", "manager", "hr")
COURSE = "social-media-essentials"
LESSON = f"/courses/{COURSE}/lessons/why-professionals-post"
SIGN_IN = 302  # anonymous visitors are sent to the sign-in page
Org = dict[str, Employee]


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: Callable[[Org], str]
    expected: dict[str, int]
    data: Callable[[Org], dict[str, str]] | None = None


def _outcomes(anonymous: int, employee: int, manager: int, hr: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, employee, manager, hr), strict=True))


ACCESS_TABLE = [
    Row("static", "GET", lambda o: "/static/css/app.css", _outcomes(200, 200, 200, 200)),
    Row("health.healthz", "GET", lambda o: "/healthz", _outcomes(200, 200, 200, 200)),
    Row("home.index", "GET", lambda o: "/", _outcomes(SIGN_IN, 200, 200, 200)),
    Row("auth.sign_in", "GET", lambda o: "/sign-in", _outcomes(200, 302, 302, 302)),
    Row(
        "auth.sign_in",
        "POST",
        lambda o: "/sign-in",
        _outcomes(200, 302, 302, 302),
        data=lambda o: {"email": o["outsider"].email, "password": "wrong-password-here"},
    ),
    Row("auth.sign_out", "POST", lambda o: "/sign-out", _outcomes(SIGN_IN, 302, 302, 302)),
    Row(
        "language.change",
        "POST",
        lambda o: "/settings/language",
        _outcomes(SIGN_IN, 302, 302, 302),
        data=lambda o: {"language": "de"},
    ),
    # SAML sign-in: off in this app (no IdP metadata), so not there; on: tests/sso/test_saml.py
    Row("saml.metadata", "GET", lambda o: "/sso/saml/metadata", _outcomes(404, 404, 404, 404)),
    Row("saml.login", "GET", lambda o: "/sso/saml/login", _outcomes(404, 404, 404, 404)),
    Row("saml.acs", "POST", lambda o: "/sso/saml/acs", _outcomes(404, 404, 404, 404)),
    Row(
        "auth.accept_invite", "GET", lambda o: "/invite/not-a-token", _outcomes(410, 410, 410, 410)
    ),
    Row(
        "auth.accept_invite",
        "POST",
        lambda o: "/invite/not-a-token",
        _outcomes(410, 410, 410, 410),
    ),
    Row("people.index", "GET", lambda o: "/people/", _outcomes(SIGN_IN, 403, 200, 200)),
    # Someone in the manager's line: not the employee's business, the manager's and HR's.
    Row(
        "people.detail",
        "GET",
        lambda o: f"/people/{o['staff2'].id}",
        _outcomes(SIGN_IN, 404, 200, 200),
    ),
    Row("people.import_file", "GET", lambda o: "/people/import", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "people.import_file", "POST", lambda o: "/people/import", _outcomes(SIGN_IN, 403, 403, 200)
    ),
    # No preview to confirm: HR is sent back to the upload with a message.
    Row(
        "people.confirm_import",
        "POST",
        lambda o: "/people/import/confirm",
        _outcomes(SIGN_IN, 403, 403, 302),
    ),
    # Learning: everyone signed in takes their own courses (all three roles are enrolled).
    Row(
        "learning.course", "GET", lambda o: f"/courses/{COURSE}", _outcomes(SIGN_IN, 200, 200, 200)
    ),
    Row("learning.lesson", "GET", lambda o: LESSON, _outcomes(SIGN_IN, 200, 200, 200)),
    Row(
        "learning.mark_done", "POST", lambda o: f"{LESSON}/done", _outcomes(SIGN_IN, 302, 302, 302)
    ),
    Row(
        "learning.check",
        "POST",
        lambda o: f"/courses/{COURSE}/lessons/pitfalls/check",
        _outcomes(SIGN_IN, 200, 200, 200),
    ),
    Row("learning.catalogue", "GET", lambda o: "/catalogue", _outcomes(SIGN_IN, 200, 200, 200)),
    Row(
        "learning.enrol",
        "POST",
        lambda o: f"/courses/{COURSE}/enrol",
        _outcomes(SIGN_IN, 302, 302, 302),
    ),
    Row(
        "quiz.overview",
        "GET",
        lambda o: f"/courses/{COURSE}/quiz/",
        _outcomes(SIGN_IN, 200, 200, 200),
    ),
    Row(
        "quiz.start",
        "POST",
        lambda o: f"/courses/{COURSE}/quiz/attempts",
        _outcomes(SIGN_IN, 302, 302, 302),
    ),
    # Each role's own attempt 1, started by the row above (rows run in order).
    Row(
        "quiz.attempt",
        "GET",
        lambda o: f"/courses/{COURSE}/quiz/attempts/1",
        _outcomes(SIGN_IN, 200, 200, 200),
    ),
    Row(
        "quiz.attempt",
        "POST",
        lambda o: f"/courses/{COURSE}/quiz/attempts/1",
        _outcomes(SIGN_IN, 302, 302, 302),
    ),
    Row(
        "certificates.download",
        "GET",
        lambda o: f"/courses/{COURSE}/certificate.pdf",
        _outcomes(SIGN_IN, 404, 404, 404),  # nobody has completed it
    ),
    Row(
        "certificates.verify",
        "GET",
        lambda o: "/verify/not-a-real-code",
        _outcomes(404, 404, 404, 404),
    ),
    Row("reports.audit", "GET", lambda o: "/reports/audit", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "reports.audit_csv",
        "GET",
        lambda o: "/reports/audit.csv",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    # The completion report: a manager's line, or everyone for HR.
    Row("team.index", "GET", lambda o: "/reports/team", _outcomes(SIGN_IN, 403, 200, 200)),
    Row(
        "team.completions_csv",
        "GET",
        lambda o: "/reports/completions.csv?status=overdue",
        _outcomes(SIGN_IN, 403, 200, 200),
    ),
    Row(
        "team.completions_xlsx",
        "GET",
        lambda o: "/reports/completions.xlsx",
        _outcomes(SIGN_IN, 403, 200, 200),
    ),
    # The organisation's reports: HR only, managers included.
    Row(
        "organisation.index",
        "GET",
        lambda o: "/reports/organisation",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    Row(
        "organisation.guideline",
        "GET",
        lambda o: "/reports/guideline",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    Row(
        "organisation.guideline_csv",
        "GET",
        lambda o: "/reports/guideline.csv",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    Row(
        "learning.guideline_page", "GET", lambda o: "/guideline", _outcomes(SIGN_IN, 200, 200, 200)
    ),
    # Assignment rules: HR only. Rule 1 is made by the fixture; removing it comes last.
    Row("assignments.index", "GET", lambda o: "/admin/rules/", _outcomes(SIGN_IN, 403, 403, 200)),
    Row("assignments.new", "GET", lambda o: "/admin/rules/new", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "assignments.new",
        "POST",
        lambda o: "/admin/rules/new",
        _outcomes(SIGN_IN, 403, 403, 200),  # a preview: shown again, nothing saved
        data=lambda o: {"course": COURSE, "audience": "everyone", "due_days": "7"},
    ),
    Row(
        "assignments.edit",
        "GET",
        lambda o: "/admin/rules/1/edit",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    Row(
        "assignments.edit",
        "POST",
        lambda o: "/admin/rules/1/edit",
        _outcomes(SIGN_IN, 403, 403, 302),
        data=lambda o: {
            "course": COURSE,
            "audience": "departments",
            "departments": "Sales",
            "due_days": "21",
            "action": "save",
        },
    ),
    # HR's changes to one person (in the manager's own line: still not theirs to make).
    Row(
        "person_courses.exempt",
        "POST",
        lambda o: f"/people/{o['staff2'].id}/courses/exempt",
        _outcomes(SIGN_IN, 403, 403, 302),
        data=lambda o: {"exempt-course": COURSE, "exempt-reason": "Joined from the agency"},
    ),
    Row(
        "person_courses.record_completion",
        "POST",
        lambda o: f"/people/{o['staff2'].id}/courses/record-completion",
        _outcomes(SIGN_IN, 403, 403, 302),
        data=lambda o: {
            "record-course": "social-media-guideline",
            "record-completed_on": "2026-02-01",
            "record-reason": "Classroom session",
        },
    ),
    Row(
        "person_courses.assign",
        "POST",
        lambda o: f"/people/{o['outsider'].id}/courses/assign",
        _outcomes(SIGN_IN, 403, 403, 302),
        data=lambda o: {"assign-course": "social-media-guideline", "assign-due_on": "2026-04-01"},
    ),
    # Withdrawing and removing ask first (200, nothing changes), then do it when confirmed.
    Row(
        "person_courses.withdraw",
        "POST",
        lambda o: f"/people/{o['outsider'].id}/courses/withdraw",  # given by the edited rule
        _outcomes(SIGN_IN, 403, 403, 200),
        data=lambda o: {"withdraw-course": COURSE},
    ),
    Row(
        "person_courses.withdraw",
        "POST",
        lambda o: f"/people/{o['outsider'].id}/courses/withdraw",
        _outcomes(SIGN_IN, 403, 403, 302),
        data=lambda o: {"withdraw-course": COURSE, "confirmed": "yes"},
    ),
    Row(
        "assignments.remove",
        "POST",
        lambda o: "/admin/rules/1/remove",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    Row(
        "assignments.remove",
        "POST",
        lambda o: "/admin/rules/1/remove",
        _outcomes(SIGN_IN, 403, 403, 302),
        data=lambda o: {"confirmed": "yes"},
    ),
    Row(
        "learning.acknowledge",
        "POST",
        lambda o: "/guideline/acknowledge",
        _outcomes(SIGN_IN, 302, 302, 302),
    ),
    # Email. This app has no SMTP server set, so the forms explain that and send nothing.
    Row("auth.forgot_password", "GET", lambda o: "/forgot-password", _outcomes(200, 200, 200, 200)),
    Row(
        "auth.forgot_password",
        "POST",
        lambda o: "/forgot-password",
        _outcomes(200, 200, 200, 200),
        data=lambda o: {"email": o["staff"].email},
    ),
    Row(
        "people.email_invite",
        "POST",
        lambda o: f"/people/{o['outsider'].id}/invite",
        _outcomes(SIGN_IN, 403, 403, 302),
    ),
    # Invite links without email. The outsider has a password: HR is told so and sent back.
    Row(
        "invites.create_link",
        "POST",
        lambda o: f"/people/{o['outsider'].id}/invite-link",
        _outcomes(SIGN_IN, 403, 403, 302),
    ),
    # Nobody ticked: HR is asked to tick someone.
    Row(
        "invites.invite_many", "POST", lambda o: "/people/invite", _outcomes(SIGN_IN, 403, 403, 302)
    ),
    # No batch of links posted: HR is sent back to the list.
    Row(
        "invites.links_file",
        "POST",
        lambda o: "/people/invite-links.csv",
        _outcomes(SIGN_IN, 403, 403, 302),
    ),
    Row("mail.outbox_page", "GET", lambda o: "/mail/outbox", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "mail.retry",
        "POST",
        lambda o: "/mail/outbox/1/retry",  # there is no failed message to retry
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "mail.retry_failed",
        "POST",
        lambda o: "/mail/outbox/retry-failed",
        _outcomes(SIGN_IN, 403, 403, 302),
    ),
    Row("mail.settings", "GET", lambda o: "/settings/email", _outcomes(SIGN_IN, 200, 200, 200)),
    # Only a manager has a digest to choose; anyone else gets the page again, unchanged.
    Row("mail.settings", "POST", lambda o: "/settings/email", _outcomes(SIGN_IN, 200, 302, 200)),
    # Practice tools: everyone's own; the pre-check settings and the averages are HR's.
    Row("precheck.page", "GET", lambda o: "/practice/precheck", _outcomes(SIGN_IN, 200, 200, 200)),
    Row(
        "precheck.page",
        "POST",
        lambda o: "/practice/precheck",
        _outcomes(SIGN_IN, 200, 200, 200),
        data=lambda o: {"text": "Proud of the team today."},
    ),
    Row("precheck.drafts", "GET", lambda o: "/practice/drafts", _outcomes(SIGN_IN, 200, 200, 200)),
    Row(
        "precheck.delete_draft",
        "POST",
        lambda o: "/practice/drafts/1/delete",  # nobody has saved one
        _outcomes(SIGN_IN, 404, 404, 404),
    ),
    Row("precheck.settings", "GET", lambda o: "/admin/precheck", _outcomes(SIGN_IN, 403, 403, 200)),
    # Empty settings: refused (a phone region is needed), shown again with the reason.
    Row(
        "precheck.settings", "POST", lambda o: "/admin/precheck", _outcomes(SIGN_IN, 403, 403, 200)
    ),
    Row(
        "precheck.upload",
        "POST",
        lambda o: "/admin/precheck/upload",  # no file chosen
        _outcomes(SIGN_IN, 403, 403, 400),
    ),
    Row(
        "precheck.download",
        "GET",
        lambda o: "/admin/precheck/settings.yaml",
        _outcomes(SIGN_IN, 403, 403, 200),
    ),
    # SCIM: a bearer token from HR's page, never a session; without one, 401 for everyone.
    *(
        Row(f"scim.{endpoint}", method, path, _outcomes(401, 401, 401, 401))
        for endpoint, method, path in (
            ("service_provider_config", "GET", lambda o: "/scim/v2/ServiceProviderConfig"),
            ("resource_types", "GET", lambda o: "/scim/v2/ResourceTypes"),
            ("resource_type", "GET", lambda o: "/scim/v2/ResourceTypes/User"),
            ("schemas", "GET", lambda o: "/scim/v2/Schemas"),
            (
                "schema",
                "GET",
                lambda o: "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
            ),
            ("users", "GET", lambda o: "/scim/v2/Users"),
            ("create_user", "POST", lambda o: "/scim/v2/Users"),
            ("user", "GET", lambda o: f"/scim/v2/Users/{o['staff'].id}"),
            ("replace_user", "PUT", lambda o: f"/scim/v2/Users/{o['staff'].id}"),
            ("patch_user", "PATCH", lambda o: f"/scim/v2/Users/{o['staff'].id}"),
            ("delete_user", "DELETE", lambda o: f"/scim/v2/Users/{o['staff'].id}"),
            ("search_users", "POST", lambda o: "/scim/v2/Users/.search"),
            ("search_everything", "POST", lambda o: "/scim/v2/.search"),
            ("search_groups", "POST", lambda o: "/scim/v2/Groups/.search"),
            ("list_groups", "GET", lambda o: "/scim/v2/Groups"),
            ("create_group", "POST", lambda o: "/scim/v2/Groups"),
            ("group", "GET", lambda o: "/scim/v2/Groups/1"),
            ("replace_group", "PUT", lambda o: "/scim/v2/Groups/1"),
            ("patch_group", "PATCH", lambda o: "/scim/v2/Groups/1"),
            ("delete_group", "DELETE", lambda o: "/scim/v2/Groups/1"),
            *(
                ("unknown", m, lambda o: "/scim/v2/Bulk")
                for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
            ),
        )
    ),
    Row("scim_admin.page", "GET", lambda o: "/admin/scim", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "scim_admin.create",
        "POST",
        lambda o: "/admin/scim/tokens",
        _outcomes(SIGN_IN, 403, 403, 200),
        data=lambda o: {"name": "Okta"},
    ),
    Row(
        "scim_admin.revoke",
        "POST",
        lambda o: "/admin/scim/tokens/999999/revoke",  # no such token
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    # The REST API: a bearer token from an API client, never a session (401 without one).
    Row("api.completions", "GET", lambda o: "/api/v1/completions", _outcomes(401, 401, 401, 401)),
    Row("api.people", "GET", lambda o: "/api/v1/people", _outcomes(401, 401, 401, 401)),
    Row(
        "api.one_person",
        "GET",
        lambda o: f"/api/v1/people/{o['staff'].id}",
        _outcomes(401, 401, 401, 401),
    ),
    Row("api.courses", "GET", lambda o: "/api/v1/courses", _outcomes(401, 401, 401, 401)),
    Row(
        "api.one_course",
        "GET",
        lambda o: f"/api/v1/courses/{COURSE}",
        _outcomes(401, 401, 401, 401),
    ),
    Row("api.attestations", "GET", lambda o: "/api/v1/attestations", _outcomes(401, 401, 401, 401)),
    Row("api.certificates", "GET", lambda o: "/api/v1/certificates", _outcomes(401, 401, 401, 401)),
    Row(
        "api.one_certificate",
        "GET",
        lambda o: "/api/v1/certificates/no-such-code",
        _outcomes(401, 401, 401, 401),
    ),
    # Public, like the web's /verify page: a code never issued is 404 for everyone.
    Row(
        "api.verification",
        "GET",
        lambda o: "/api/v1/certificates/no-such-code/verification",
        _outcomes(404, 404, 404, 404),
    ),
    Row("api.audit_events", "GET", lambda o: "/api/v1/audit-events", _outcomes(401, 401, 401, 401)),
    Row(
        "api.assignment_rules",
        "GET",
        lambda o: "/api/v1/assignment-rules",
        _outcomes(401, 401, 401, 401),
    ),
    Row(
        "api.add_assignment_rule",
        "POST",
        lambda o: "/api/v1/assignment-rules",
        _outcomes(401, 401, 401, 401),
        data=lambda o: {"course": COURSE, "audience": "everyone", "due_days": "7"},
    ),
    Row(
        "api.assignment_rule",
        "GET",
        lambda o: "/api/v1/assignment-rules/1",
        _outcomes(401, 401, 401, 401),
    ),
    Row(
        "api.remove_assignment_rule",
        "DELETE",
        lambda o: "/api/v1/assignment-rules/1",
        _outcomes(401, 401, 401, 401),
    ),
    Row("api.add_person", "POST", lambda o: "/api/v1/people", _outcomes(401, 401, 401, 401)),
    Row(
        "api.update_person",
        "PATCH",
        lambda o: f"/api/v1/people/{o['staff'].id}",
        _outcomes(401, 401, 401, 401),
    ),
    Row("api.subscribe", "POST", lambda o: "/api/v1/webhooks", _outcomes(401, 401, 401, 401)),
    Row("api.subscriptions", "GET", lambda o: "/api/v1/webhooks", _outcomes(401, 401, 401, 401)),
    Row("api.subscription", "GET", lambda o: "/api/v1/webhooks/1", _outcomes(401, 401, 401, 401)),
    Row("api.unsubscribe", "DELETE", lambda o: "/api/v1/webhooks/1", _outcomes(401, 401, 401, 401)),
    # No client credentials: OAuth2's own 400 (unsupported or missing grant).
    Row("api_token.token", "POST", lambda o: "/api/v1/token", _outcomes(400, 400, 400, 400)),
    # The contract and its docs page are public: they hold no data.
    Row(
        "api-docs.openapi_json",
        "GET",
        lambda o: "/api/v1/openapi.json",
        _outcomes(200, 200, 200, 200),
    ),
    Row("api_docs.docs", "GET", lambda o: "/api/v1/docs", _outcomes(200, 200, 200, 200)),
    Row("api_admin.page", "GET", lambda o: "/admin/api-clients", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "api_admin.create",
        "POST",
        lambda o: "/admin/api-clients",
        _outcomes(SIGN_IN, 403, 403, 200),
        data=lambda o: {"name": "Workday", "scopes": "read:people"},
    ),
    Row(
        "api_admin.revoke",
        "POST",
        lambda o: "/admin/api-clients/999999/revoke",  # no such client
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "webhooks_admin.page", "GET", lambda o: "/admin/webhooks", _outcomes(SIGN_IN, 403, 403, 200)
    ),
    Row(
        "webhooks_admin.add",
        "POST",
        lambda o: "/admin/webhooks",
        _outcomes(SIGN_IN, 403, 403, 200),
        data=lambda o: {"url": "http://127.0.0.1:9/hooks", "events": "certificate.issued"},
    ),
    # No such subscription: HR gets 404 (tests/webhooks/test_admin_page.py has the real ones).
    Row(
        "webhooks_admin.detail",
        "GET",
        lambda o: "/admin/webhooks/999999",
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "webhooks_admin.pause",
        "POST",
        lambda o: "/admin/webhooks/999999/pause",
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "webhooks_admin.resume",
        "POST",
        lambda o: "/admin/webhooks/999999/resume",
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "webhooks_admin.delete",
        "POST",
        lambda o: "/admin/webhooks/999999/delete",
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "webhooks_admin.send_again",
        "POST",
        lambda o: "/admin/webhooks/999999/deliveries/1/send-again",
        _outcomes(SIGN_IN, 403, 403, 404),
    ),
    Row(
        "identity_admin.page", "GET", lambda o: "/admin/identity", _outcomes(SIGN_IN, 403, 403, 200)
    ),
    Row(
        "identity_admin.page",
        "GET",
        lambda o: "/admin/identity?show=nonsense",  # a bad filter, for HR only
        _outcomes(SIGN_IN, 403, 403, 400),
    ),
    Row("purpose.page", "GET", lambda o: "/practice/purpose", _outcomes(SIGN_IN, 200, 200, 200)),
    Row(
        "purpose.page",
        "POST",
        lambda o: "/practice/purpose",
        _outcomes(SIGN_IN, 302, 302, 302),
        data=lambda o: dict(business="4", community="3", learning="3", job_seeking="0", vanity="0"),
    ),
    Row("purpose.report", "GET", lambda o: "/reports/purpose", _outcomes(SIGN_IN, 403, 403, 200)),
    Row(
        "purpose.publish",
        "POST",
        lambda o: "/reports/purpose/publish",
        _outcomes(SIGN_IN, 403, 403, 302),
    ),
    Row(
        "mail.send_nudge",
        "POST",
        lambda o: "/reports/team/nudge/1",  # the staff member's enrollment: in the line, on time
        _outcomes(SIGN_IN, 403, 302, 302),
    ),
]

# Authoring: HR only. The org fixture gives the essentials course a version 2 draft. Posts
# carry no form data, so HR's are refused by validation or by a stale content token and
# change nothing (rows run in order).
ADMIN = f"/admin/courses/{COURSE}"
Q = "angry-manager-post"
HR_ONLY = {
    200: _outcomes(SIGN_IN, 403, 403, 200),
    302: _outcomes(SIGN_IN, 403, 403, 302),
}
ACCESS_TABLE += [
    Row(endpoint, method, lambda o, path=path: path, HR_ONLY[status])
    for endpoint, method, path, status in [
        ("authoring.index", "GET", "/admin/courses/", 200),
        ("authoring.new_course", "GET", "/admin/courses/new", 200),
        ("authoring.new_course", "POST", "/admin/courses/new", 200),
        ("authoring.upload", "GET", "/admin/courses/upload", 200),
        ("authoring.upload", "POST", "/admin/courses/upload", 200),
        ("authoring.preview", "POST", "/admin/courses/preview", 200),
        ("authoring.course", "GET", ADMIN, 200),
        ("authoring.start_draft", "POST", f"{ADMIN}/draft", 302),
        ("authoring.settings", "GET", f"{ADMIN}/settings", 200),
        ("authoring.settings", "POST", f"{ADMIN}/settings", 200),
        ("authoring.publish", "GET", f"{ADMIN}/publish", 200),
        ("authoring.publish", "POST", f"{ADMIN}/publish", 200),
        ("authoring.history", "GET", f"{ADMIN}/history", 200),
        ("authoring.download", "GET", f"{ADMIN}/versions/1.zip", 200),
        ("authoring.lessons.new", "GET", f"{ADMIN}/lessons/new", 200),
        ("authoring.lessons.new", "POST", f"{ADMIN}/lessons/new", 200),
        ("authoring.lessons.edit", "GET", f"{ADMIN}/lessons/pitfalls/edit", 200),
        ("authoring.lessons.edit", "POST", f"{ADMIN}/lessons/pitfalls/edit", 200),
        ("authoring.lessons.move", "POST", f"{ADMIN}/lessons/pitfalls/move", 302),
        # Deleting asks first (200) and changes nothing.
        ("authoring.lessons.delete", "POST", f"{ADMIN}/lessons/pitfalls/delete", 200),
        ("authoring.questions.new", "GET", f"{ADMIN}/questions/new", 200),
        ("authoring.questions.new", "POST", f"{ADMIN}/questions/new", 200),
        ("authoring.questions.edit", "GET", f"{ADMIN}/questions/angry-manager-post/edit", 200),
        ("authoring.questions.edit", "POST", f"{ADMIN}/questions/angry-manager-post/edit", 200),
        ("authoring.questions.move", "POST", f"{ADMIN}/questions/angry-manager-post/move", 302),
        ("authoring.questions.delete", "POST", f"{ADMIN}/questions/angry-manager-post/delete", 200),
        ("authoring.translations.overview", "GET", f"{ADMIN}/translations/", 200),
        ("authoring.translations.lesson", "GET", f"{ADMIN}/translations/de/lessons/pitfalls", 200),
        # Saving nothing: the form says what is missing, and nothing changes.
        ("authoring.translations.lesson", "POST", f"{ADMIN}/translations/de/lessons/pitfalls", 200),
        ("authoring.translations.course", "GET", f"{ADMIN}/translations/es/course", 200),
        ("authoring.translations.course", "POST", f"{ADMIN}/translations/es/course", 200),
        ("authoring.translations.question", "GET", f"{ADMIN}/translations/fr/questions/{Q}", 200),
        ("authoring.translations.question", "POST", f"{ADMIN}/translations/fr/questions/{Q}", 200),
    ]
]
# A learner reads a course in another language: kept in their own browser session.
ACCESS_TABLE.append(
    Row(
        "course_language.change",
        "POST",
        lambda o: f"/courses/{COURSE}/language",
        _outcomes(SIGN_IN, 302, 302, 302),
        data=lambda o: {"language": "de"},
    )
)
# Single sign-on with OpenID Connect: off in this app (no discovery URL), so not found;
# tests/sso/test_oidc.py covers the routes against a real provider.
ACCESS_TABLE += [
    Row("sso_oidc.start", "GET", lambda o: "/sso/oidc/start", _outcomes(404, 404, 404, 404)),
    Row("sso_oidc.callback", "GET", lambda o: "/sso/oidc/callback", _outcomes(404, 404, 404, 404)),
]

# Extra rows on scope: out-of-scope objects answer 404 whatever the id.
SCOPE_CHECKS = [
    ("employee", lambda o: f"/people/{o['staff'].id}", 200),  # oneself
    ("manager", lambda o: f"/people/{o['outsider'].id}", 404),
    ("manager", lambda o: f"/people/{o['senior'].id}", 404),  # one's own manager
    ("manager", lambda o: "/people/999999", 404),
    ("hr", lambda o: "/people/999999", 404),
    ("manager", lambda o: "/courses/social-media-guideline", 404),  # not enrolled
    ("employee", lambda o: "/courses/no-such-course", 404),
    ("employee", lambda o: f"/courses/{COURSE}/lessons/no-such-lesson", 404),
    ("employee", lambda o: f"/courses/{COURSE}/quiz/attempts/1", 404),  # none started
    ("manager", lambda o: "/courses/social-media-guideline/quiz/", 404),  # not enrolled
    ("hr", lambda o: "/admin/rules/999/edit", 404),
    ("hr", lambda o: "/people/999999/courses/exempt", 405),  # POST only
    ("hr", lambda o: "/admin/courses/no-such-course", 404),
    ("hr", lambda o: f"{ADMIN}/translations/xx/lessons/pitfalls", 404),  # not a language
    ("hr", lambda o: f"{ADMIN}/translations/de/lessons/no-such-lesson", 404),
    ("hr", lambda o: f"/admin/courses/{COURSE}/lessons/no-such-lesson/edit", 404),
    ("hr", lambda o: f"/admin/courses/{COURSE}/questions/no-such-question/edit", 404),
    ("hr", lambda o: f"/admin/courses/{COURSE}/versions/9.zip", 404),
    ("hr", lambda o: "/mail/outbox/1/retry", 405),  # POST only
]


@pytest.fixture
def org(org: Org, shipped_courses, enrol, db) -> Org:
    """The org of conftest, with the employee, the manager and HR enrolled in the course,
    one assignment rule, and a draft of its next version for the authoring pages."""
    for person in ("staff", "lead", "hr"):
        enrol(org[person], shipped_courses[COURSE])
    create_rule(db, RuleSpec(COURSE, "departments", ("Sales",)), actor_id=None)
    start_draft(db, COURSE)
    db.commit()
    return org


def _client_as(app: Flask, org: Org, role: str) -> FlaskClient:
    client = app.test_client()
    person = {"employee": "staff", "manager": "lead", "hr": "hr"}.get(role)
    if person:
        assert sign_in(client, org[person].email).status_code == 302
    return client


def test_every_route_has_a_row(app: Flask):
    declared = {(row.endpoint, row.method) for row in ACCESS_TABLE}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    assert routes - declared == set(), "routes with no row in the access table"
    assert declared - routes == set(), "rows for routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_access_table(app: Flask, org: Org, role: str):
    outcomes = []  # a list, not a dict: a route may have several rows (asked, then confirmed)
    for row in ACCESS_TABLE:
        client = _client_as(app, org, role)  # fresh per row: sign-out must not leak into others
        path = row.path(org)
        if row.method == "GET":
            response = client.get(path)
        else:
            data = {"csrf_token": csrf_token(client, "/sign-in" if role == "anonymous" else "/")}
            data.update(row.data(org) if row.data else {})
            response = client.open(path, method=row.method, data=data)  # POST, or SCIM's verbs
        outcomes.append((row.endpoint, row.method, response.status_code))
        response.close()
    expected = [(row.endpoint, row.method, row.expected[role]) for row in ACCESS_TABLE]
    assert outcomes == expected


@pytest.mark.parametrize(("role", "path", "status"), SCOPE_CHECKS)
def test_objects_outside_scope_do_not_exist(app: Flask, org: Org, role, path, status):
    assert _client_as(app, org, role).get(path(org)).status_code == status


def test_denied_access_is_logged(app: Flask, org: Org, caplog):
    client = _client_as(app, org, "manager")
    with caplog.at_level("WARNING", logger="lms.security"):
        client.get("/people/import")
        client.get(f"/people/{org['outsider'].id}")
    records = [r for r in caplog.records if r.name == "lms.security"]
    assert [r.route for r in records] == ["GET /people/import", f"GET /people/{org['outsider'].id}"]
    assert {r.user for r in records} == {org["lead"].id}
    assert all("access denied" in r.getMessage() for r in records)
