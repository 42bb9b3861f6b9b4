"""What the authoring views share: errors onto form fields, and the blueprint-wide answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms.fields import FieldList

from lms import confirm
from lms.authoring.errors import EditConflict, Gone, Invalid, Problem
from lms.authoring.forms import MoveForm, TokenForm
from lms.dbsession import db_session
from lms.i18n import translate

OFFSETS = {"up": -1, "down": 1}


@dataclass(frozen=True)
class ItemWords:
    """What the move and delete answers say about one kind of item, each a whole sentence
    (a noun glued into one sentence would not fit every language's grammar)."""

    gone: LazyString
    deleted_already: LazyString
    ask: LazyString  # %(name)s
    kept: LazyString  # %(course)s
    lost: LazyString
    button: LazyString
    conflict: LazyString
    deleted: LazyString


LESSON_WORDS = ItemWords(
    gone=_("That lesson is no longer in the draft."),
    deleted_already=_("That lesson was deleted already."),
    ask=_("Delete the lesson “%(name)s” from the draft?"),
    kept=_(
        "It is removed from the draft of %(course)s only: people taking the published "
        "version keep seeing it until you publish the draft."
    ),
    lost=_("Deleting cannot be undone: to have the lesson back, add it again."),
    button=_("Delete the lesson"),
    conflict=_(
        "Someone changed this lesson after you opened it, so it was not deleted. "
        "Here it is as it is now."
    ),
    deleted=_("Lesson deleted."),
)
QUESTION_WORDS = ItemWords(
    gone=_("That question is no longer in the draft."),
    deleted_already=_("That question was deleted already."),
    ask=_("Delete the question “%(name)s” from the draft?"),
    kept=_(
        "It is removed from the draft of %(course)s only: people taking the published "
        "version keep seeing it until you publish the draft."
    ),
    lost=_("Deleting cannot be undone: to have the question back, add it again."),
    button=_("Delete the question"),
    conflict=_(
        "Someone changed this question after you opened it, so it was not deleted. "
        "Here it is as it is now."
    ),
    deleted=_("Question deleted."),
)


def put_errors(form: FlaskForm, problems: dict[str, list[Problem]]) -> dict[str, list[str]]:
    """Show each service message next to its field, in the person's language; return those
    no single field shows."""
    rest: dict[str, list[str]] = {}
    for name, messages in problems.items():
        words = [translate(message) for message in messages]
        field = form._fields.get(name)
        if field is None or isinstance(field, FieldList):
            rest[name] = words
        else:
            field.errors = [*field.errors, *words]
    return rest


def no_draft(slug: str) -> ResponseReturnValue:
    """Editing needs a draft: say so and go to the course, where Edit makes one."""
    flash(
        gettext(
            "This course has no draft to change: published versions never change. "
            "Press “Edit” to start a new draft."
        ),
        "error",
    )
    return redirect(url_for("authoring.course", slug=slug))


def move_item(move: Callable[[int], None], words: ItemWords, back: str) -> ResponseReturnValue:
    """Move a lesson or question one place up or down, then show the course again."""
    form = MoveForm()
    offset = OFFSETS.get(form.direction.data or "")
    if form.validate_on_submit() and offset is not None:
        try:
            move(offset)
        except Gone:
            flash(str(words.gone), "error")
        else:
            db_session().commit()
    return redirect(back)


def delete_item(
    delete: Callable[[str], None],
    words: ItemWords,
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
            flash(str(words.deleted_already), "success")
            return redirect(back)
        return confirm.ask(
            words.ask % {"name": name},
            [words.kept % {"course": course}, str(words.lost)],
            str(words.button),
            edit,
            {"token": form.token.data or ""},
        )
    try:
        delete(form.token.data or "")
    except Gone:
        flash(str(words.deleted_already), "success")
    except EditConflict:
        flash(str(words.conflict), "error")
        return redirect(edit)
    except Invalid as error:
        flash(
            " ".join(translate(m) for messages in error.problems.values() for m in messages),
            "error",
        )
        return redirect(edit)
    db_session().commit()
    flash(str(words.deleted), "success")
    return redirect(back)
