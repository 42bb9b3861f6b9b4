"""What the authoring views share: errors onto form fields, and the blueprint-wide answers."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms.fields import FieldList

from lms import confirm
from lms.authoring.errors import EditConflict, Gone, Invalid
from lms.authoring.forms import MoveForm, TokenForm
from lms.dbsession import db_session

OFFSETS = {"up": -1, "down": 1}


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


def move_item(move: Callable[[int], None], noun: str, back: str) -> ResponseReturnValue:
    """Move a lesson or question one place up or down, then show the course again."""
    form = MoveForm()
    offset = OFFSETS.get(form.direction.data or "")
    if form.validate_on_submit() and offset is not None:
        try:
            move(offset)
        except Gone:
            flash(f"That {noun} is no longer in the draft.", "error")
        else:
            db_session().commit()
    return redirect(back)


def delete_item(
    delete: Callable[[str], None],
    noun: str,
    back: str,
    edit: str,
    describe: Callable[[], tuple[str, str]],
) -> ResponseReturnValue:
    """Delete a lesson or question unless it changed since its page was opened; the first
    post asks, naming the item (`describe` gives its name and the draft's course title)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return redirect(back)
    if not confirm.is_confirmed():
        try:
            name, course = describe()
        except Gone:
            flash(f"That {noun} was deleted already.", "success")
            return redirect(back)
        return confirm.ask(
            f"Delete the {noun} “{name}” from the draft?",
            [
                f"It is removed from the draft of {course} only: people taking the published "
                "version keep seeing it until you publish the draft.",
                f"Deleting cannot be undone: to have the {noun} back, add it again.",
            ],
            f"Delete the {noun}",
            edit,
            {"token": form.token.data or ""},
        )
    try:
        delete(form.token.data or "")
    except Gone:
        flash(f"That {noun} was deleted already.", "success")
    except EditConflict:
        flash(
            f"Someone changed this {noun} after you opened it, so it was not deleted. "
            "Here it is as it is now.",
            "error",
        )
        return redirect(edit)
    except Invalid as error:
        flash(" ".join(m for messages in error.problems.values() for m in messages), "error")
        return redirect(edit)
    db_session().commit()
    flash(f"{noun.capitalize()} deleted.", "success")
    return redirect(back)
