"""What the authoring views share: errors onto form fields, and the blueprint-wide answers."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms.fields import FieldList


def put_errors(form: FlaskForm, problems: dict[str, list[str]]) -> dict[str, list[str]]:
    """Show each service message next to its field; return those no single field shows."""
    rest: dict[str, list[str]] = {}
    for name, messages in problems.items():
        field = form._fields.get(name)
        if field is None or isinstance(field, FieldList):
            rest[name] = messages
        else:
            field.errors = [*field.errors, *messages]
    return rest


def no_draft(slug: str) -> ResponseReturnValue:
    """Editing needs a draft: say so and go to the course, where Edit makes one."""
    flash(
        "This course has no draft to change: published versions never change. "
        "Press “Edit” to start a new draft.",
        "error",
    )
    return redirect(url_for("authoring.course", slug=slug))
