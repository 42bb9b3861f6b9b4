"""The home page, "My learning": assigned courses first, then the team and HR starting points."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from lms.dbsession import db_session
from lms.learning.course_language import titles_in_this_language
from lms.learning.guideline import guideline_status
from lms.learning.services import my_learning
from lms.people.org import reporting_line_size

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Each role sees its own starting points: training, the team, the organisation."""
    session = db_session()
    team_size = reporting_line_size(session, current_user.id) if current_user.is_manager else None
    courses = my_learning(session, current_user.id)
    return render_template(
        "home/index.html",
        courses=courses,
        translated=titles_in_this_language(item.version for item in courses),
        guideline=guideline_status(session, current_user.id, with_content=False),
        team_size=team_size,
    )
