"""Signing in and out, and setting a password from an invite link."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from lms.access import Viewer, load_viewer
from lms.dbsession import db_session
from lms.extensions import limiter
from lms.mail.links import link_builder
from lms.people.accounts import (
    LockoutPolicy,
    PasswordRejected,
    authenticate,
    end_sessions,
    set_password,
)
from lms.people.forms import ForgotPasswordForm, SetPasswordForm, SignInForm
from lms.people.invites import InviteExpired, InviteInvalid, InviteUsed, redeem_invite_token
from lms.people.password_mail import LinkMail, request_password_reset
from lms.web_security import safe_next_url, start_session_clock

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = (
    "That email and password do not match an account that can sign in. "
    "Check both and try again; after 5 wrong tries an account waits 15 minutes."
)


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> ResponseReturnValue:
    """Email and password; any failure gets the same message."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        config = current_app.config
        policy = LockoutPolicy(
            attempts=config["LOCKOUT_ATTEMPTS"], window=timedelta(minutes=config["LOCKOUT_MINUTES"])
        )
        session_db = db_session()
        employee = authenticate(session_db, form.email.data or "", form.password.data or "", policy)
        session_db.commit()
        if employee is not None:
            viewer = load_viewer(session_db, f"{employee.id}:{employee.session_version}")
            assert viewer is not None
            _start_session(viewer)
            return redirect(next_url or url_for("home.index"))
        form.password.errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


@bp.post("/sign-out")
@login_required
def sign_out() -> ResponseReturnValue:
    """End this session and every other one of this person's (old cookies stop working)."""
    session_db = db_session()
    end_sessions(current_user.employee)
    session_db.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str) -> ResponseReturnValue:
    """Set a password from a one-time link, then sign in."""
    config = current_app.config
    session_db = db_session()
    try:
        employee = redeem_invite_token(
            session_db,
            config["SECRET_KEY"],
            token,
            timedelta(hours=config["INVITE_MAX_AGE_HOURS"]),
        )
    except InviteInvalid as problem:
        return render_template("auth/invite_invalid.html", problem=_invite_problem(problem)), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(session_db, employee, form.password.data or "")
        except PasswordRejected as rejected:
            form.password.errors.extend(rejected.reasons)
        else:
            session_db.commit()
            viewer = load_viewer(session_db, f"{employee.id}:{employee.session_version}")
            assert viewer is not None
            _start_session(viewer)
            flash("Your password is set and you are signed in.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/set_password.html", form=form, employee=employee)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a link to set a (first or new) password, sent to the address on record."""
    form = ForgotPasswordForm()
    config = current_app.config
    if config["SMTP_HOST"] and form.validate_on_submit():
        session_db = db_session()
        settings = LinkMail.from_config(current_app.config, link_builder(current_app))
        request_password_reset(session_db, form.email.data or "", settings)
        session_db.commit()
        hours = config["INVITE_MAX_AGE_HOURS"]
        flash(
            f"If {form.email.data} belongs to an account that can sign in, a link to set a "
            f"password is on its way there. It works once, for {hours} hours. Nothing "
            "arrived within a few minutes? Check your spam folder, or ask your HR admin.",
            "success",
        )
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot_password.html", form=form)


def _start_session(viewer: Viewer) -> None:
    """A fresh session at every sign-in: nothing from before it survives."""
    session.clear()
    session.permanent = True
    login_user(viewer)
    start_session_clock()


def _invite_problem(problem: InviteInvalid) -> str:
    if isinstance(problem, InviteExpired):
        return "expired"
    if isinstance(problem, InviteUsed):
        return "used"
    return "invalid"
