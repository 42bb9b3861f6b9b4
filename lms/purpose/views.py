"""The purpose self-assessment: a person's own page, and HR's anonymous averages."""

from __future__ import annotations

from babel.dates import format_date
from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import catalogues, clock
from lms.access import hr_required
from lms.courses.services import lesson_titles
from lms.dbsession import db_session
from lms.i18n import current_language, translate
from lms.messages import N_
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
# The three groups that are not a department, as snapshots stores their labels (English).
GROUP_LABELS = {
    snapshots.NO_DEPARTMENT: N_("No department"),
    snapshots.SMALL_TOGETHER: N_("Other departments together"),
    snapshots.EVERYONE: N_("Everyone"),
}


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
            problem = translate(refused.message)
        else:
            session.commit()
            flash(_("Your purposes are saved. Here is what they say."), "success")
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
        group_labels=GROUP_LABELS,
        quarter_name=quarter_name,
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
        flash(
            _("There was nothing new to publish: the latest closed quarter is already out."), "info"
        )
    else:
        flash(
            _(
                "The figures for %(quarter)s are published. They never change now.",
                quarter=quarter_name(quarter),
            ),
            "success",
        )
    return redirect(url_for("purpose.report"))


def quarter_name(quarter: snapshots.Quarter) -> str:
    """The quarter in words in this request's language: "January to March 2026"."""
    locale = catalogues.format_locale(current_language())
    last = clock.add_months(quarter.starts_at, 2)
    return _(
        "%(first)s to %(last)s",
        first=format_date(quarter.starts_at, "LLLL", locale=locale),
        last=format_date(last, "LLLL y", locale=locale),
    )
