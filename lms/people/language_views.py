"""POST /settings/language: the language chooser at the foot of every page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext
from flask_login import current_user, login_required

from lms.dbsession import db_session
from lms.i18n import select_language
from lms.languages import LANGUAGES
from lms.people.language import UnknownLanguage, set_language
from lms.web_security import safe_next_url

bp = Blueprint("language", __name__)
BROWSER = ""  # the chooser's "as my browser asks" option


@bp.post("/settings/language")
@login_required
def change() -> ResponseReturnValue:
    choice = request.form.get("language", BROWSER)
    session = db_session()
    try:
        set_language(session, current_user.employee, choice or None)
    except UnknownLanguage:
        abort(400)
    session.commit()
    # Without a choice of their own, the language the HRIS or SCIM names comes first.
    named = choice or current_user.employee.directory_language
    with force_locale(select_language()):  # said in the language the next page will speak
        if named in LANGUAGES:
            flash(gettext("Postwise now speaks %(language)s to you.", language=LANGUAGES[named]))
        else:
            flash(gettext("Postwise now follows your browser's language."))
    return redirect(safe_next_url(request.form.get("next")) or url_for("home.index"))
