"""The home page: what the signed-in person can do, by role."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from lms.dbsession import db_session
from lms.people.org import reporting_line_size

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Each role sees its own starting points: training, the team, the organisation."""
    team_size = (
        reporting_line_size(db_session(), current_user.id) if current_user.is_manager else None
    )
    return render_template("home/index.html", team_size=team_size)
