"""Which language a learner reads a course in: their interface language, unless they chose
another for this course with the switch on its pages (kept in their browser session).

Progress, attempts and completion do not depend on it: the course is one record in every
language, so switching mid-course carries on where the learner was.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from lms.courses.models import CourseVersion, VersionTranslation
from lms.courses.translations import languages_of, translated_versions, version_words
from lms.dbsession import db_session
from lms.i18n import current_language
from lms.languages import LANGUAGES
from lms.web_security import safe_next_url

bp = Blueprint("course_language", __name__)
CHOSEN = "course_languages"  # session key: course slug → language code
KEPT = 20  # choices remembered per browser session; the oldest give way


def content_language(slug: str) -> str:
    chosen = session.get(CHOSEN, {}).get(slug)
    return str(chosen) if chosen in LANGUAGES else current_language()


def reading(version: CourseVersion) -> dict[str, object]:
    """What a course page needs to show the version in the learner's reading language:
    `words` (lms.courses.translations.VersionWords) and the languages it can switch to."""
    db = db_session()
    return {
        "words": version_words(db, version, content_language(version.course.slug)),
        "reading_languages": languages_of(db, version),
    }


def titles_in_this_language(versions: Iterable[CourseVersion]) -> dict[int, VersionTranslation]:
    """For lists of courses (My learning, the catalogue): each version's translated title."""
    return translated_versions(db_session(), (v.id for v in versions), current_language())


@bp.post("/courses/<slug>/language")
@login_required
def change(slug: str) -> ResponseReturnValue:
    """Read this course in another language (empty: in the interface's)."""
    choice = request.form.get("language", "")
    if choice and choice not in LANGUAGES:
        abort(400)
    chosen = {key: value for key, value in session.get(CHOSEN, {}).items() if key != slug}
    if choice:
        chosen[slug] = choice
    session[CHOSEN] = dict(list(chosen.items())[-KEPT:])
    flash(
        _(
            "You are reading this course in %(language)s.",
            language=LANGUAGES[content_language(slug)],
        ),
        "success",
    )
    return redirect(
        safe_next_url(request.form.get("next")) or url_for("learning.course", slug=slug)
    )
