"""Templates escape everything; the one way to show HTML is the sanitised-HTML filter."""

from __future__ import annotations

import ast
import re

from lms import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))


def test_no_template_marks_text_safe():
    # `{% filter safe %}` is |safe by another name; Jinja reads False as false.
    unsafe = re.compile(r"\|\s*safe\b|filter\s+safe\b|Markup\(|autoescape\s+false", re.I)
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if unsafe.search(line)
    ]
    assert TEMPLATES
    assert offenders == []


# Every way Python code can make Jinja trust a string: Markup under any name (an alias still
# names it when imported), an __html__ method, autoescape off, a template from a string.
TRUSTS_HTML = re.compile(
    r"\bMarkup\b|__html__|autoescape\s*=\s*False|render_template_string|\.from_string\("
)
SANITISER = PROJECT_ROOT / "lms" / "courses" / "markdown.py"


def test_markup_is_built_only_by_the_sanitiser():
    sources = sorted((PROJECT_ROOT / "lms").rglob("*.py"))
    users = [path for path in sources if TRUSTS_HTML.search(path.read_text())]
    assert users == [SANITISER]
    tree = ast.parse(SANITISER.read_text())
    builders = [
        function.name
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Markup"
    ]
    assert builders == ["sanitized"]  # the one filter, and nothing else in its module
    aliases = [a.asname for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names]
    assert set(aliases) == {None}  # so every Markup there is called by that name


def test_templates_never_query(app, client, login, db, org, shipped_courses, enrol):
    """Count SQL between the start and the end of rendering each page: there must be none."""
    from datetime import date

    from flask import before_render_template, template_rendered
    from sqlalchemy import event

    from lms.assignments import individual
    from lms.assignments.services import RuleSpec, create_rule
    from lms.assignments.sync import sync_assignments
    from lms.authoring.services import start_draft
    from lms.dbsession import database
    from tests.mail.helpers import queue

    for version in shipped_courses.values():
        enrol(org["hr"], version)
    # A rule, and one person exempted from a course and completed elsewhere in another.
    rule = create_rule(db, RuleSpec("social-media-essentials", "everyone"), actor_id=None)
    sync_assignments(db)
    individual.exempt(db, org["lead"].id, "social-media-essentials", "Agency", actor_id=None)
    individual.record_completion(
        db, org["lead"].id, "social-media-guideline", date(2026, 3, 1), "Class", actor_id=None
    )
    start_draft(db, "social-media-essentials")  # the authoring pages edit a draft
    db.commit()
    queue(db, 3)  # the outbox lists messages
    rendering: list[str] = []
    queries_while_rendering: list[str] = []

    def started(_app, template, context, **_extra) -> None:
        rendering.append(template.name)

    def finished(_app, template, context, **_extra) -> None:
        rendering.pop()

    def statement(_conn, _cursor, sql, *_args) -> None:
        if rendering:
            queries_while_rendering.append(f"{rendering[-1]}: {sql.split()[0:4]}")

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", statement)
    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    try:
        login(org["hr"])
        course = "/courses/social-media-essentials"
        for path in (
            "/",
            course,
            f"{course}/lessons/pitfalls",
            f"{course}/quiz/",
            "/guideline",
            "/catalogue",
            "/people/",
            f"/people/{org['lead'].id}",
            "/reports/audit",
            "/reports/team",
            "/reports/team?status=overdue&sort=-due",
            "/reports/organisation",
            "/reports/guideline",
            "/admin/rules/",
            "/admin/rules/new",
            f"/admin/rules/{rule.id}/edit",
            "/admin/courses/",
            "/admin/courses/social-media-guideline",
            f"/admin{course}",
            f"/admin{course}/settings",
            f"/admin{course}/lessons/new",
            f"/admin{course}/lessons/pitfalls/edit",
            f"/admin{course}/questions/new",
            f"/admin{course}/questions/angry-manager-post/edit",
            f"/admin{course}/publish",
            f"/admin{course}/history?old=1&new=2",
            "/admin/courses/upload",
            "/admin/courses/new",
            "/mail/outbox",
            "/mail/outbox?status=queued",
            "/settings/email",
            "/forgot-password",
            "/practice/precheck",
            "/practice/drafts",
            "/practice/purpose",
            "/admin/precheck",
            "/reports/purpose",
        ):
            assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        before_render_template.disconnect(started, app)
        template_rendered.disconnect(finished, app)
    assert queries_while_rendering == []
