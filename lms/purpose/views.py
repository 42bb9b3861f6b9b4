"""The purpose self-assessment: a person's own page, and HR's anonymous averages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from lms.access import hr_required
from lms.courses.services import lesson_titles
from lms.dbsession import db_session
from lms.purpose import services, snapshots
from lms.purpose.forms import PublishForm, PurposeForm
from lms.purpose.profiles import (
    ESSENTIALS,
    PURPOSES,
    is_even,
    lessons_to_revisit,
    main_purposes,
)

bp = Blueprint("purpose", __name__)


@bp.route("/practice/purpose", methods=["GET", "POST"])
@login_required
def page() -> ResponseReturnValue:
    """Split 10 points, get a profile; see how earlier splits compare. Private to oneself."""
    session = db_session()
    form = PurposeForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.record(session, current_user.id, form.split())
        except services.SplitRefused as refused:
            problem = str(refused)
        else:
            session.commit()
            flash("Your purposes are saved. Here is what they say.", "success")
            return redirect(url_for("purpose.page") + "#profile")
    taken = services.history(session, current_user.id)
    splits = [services.split_of(assessment) for assessment in taken]
    latest = splits[0] if splits else None
    if latest is not None and not form.is_submitted():
        for key, points in latest.items():
            getattr(form, key).data = points
    return render_template(
        "purpose/page.html",
        form=form,
        problem=problem,
        purposes=PURPOSES,
        history=list(zip(taken, splits, strict=True)),
        latest=latest,
        main=main_purposes(latest) if latest else [],
        even=is_even(latest) if latest else False,
        lessons=lessons_to_revisit(latest) if latest else [],
        course=ESSENTIALS,
        titles=lesson_titles(session) if latest else {},
    )


@bp.get("/reports/purpose")
@hr_required
def report() -> ResponseReturnValue:
    """The latest published quarter's figures, and a button to publish a closed one."""
    session = db_session()
    return render_template(
        "purpose/report.html",
        report=snapshots.report(session),
        due=snapshots.due(session),
        form=PublishForm(),
        purposes=PURPOSES,
        smallest=snapshots.SMALLEST_GROUP,
    )


@bp.post("/reports/purpose/publish")
@hr_required
def publish() -> ResponseReturnValue:
    """Freeze the quarter that has closed (`lms purpose publish` does the same from cron)."""
    session = db_session()
    quarter = snapshots.due(session)
    period = snapshots.publish(session, quarter) if quarter is not None else None
    session.commit()
    if period is None:
        flash("There was nothing new to publish: the latest closed quarter is already out.", "info")
    else:
        flash(f"The figures for {quarter.name} are published. They never change now.", "success")
    return redirect(url_for("purpose.report"))
