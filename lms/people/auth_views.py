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
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _
from flask_login import current_user, login_required, logout_user

from lms.dbsession import db_session
from lms.extensions import limiter, sign_in_throttle
from lms.i18n import translate
from lms.mail.links import link_builder
from lms.people.accounts import PasswordRejected, end_sessions, set_password
from lms.people.forms import ForgotPasswordForm, SetPasswordForm, SignInForm
from lms.people.invites import InviteExpired, InviteInvalid, InviteUsed, redeem_invite_token
from lms.people.password_mail import LinkMail, request_password_reset
from lms.people.sign_ins import SignInAttempt, attempt_sign_in
from lms.people.throttle import ScopeKind, Wait
from lms.people.web_sign_in import known_browsers, sign_in_as
from lms.sso import oidc
from lms.sso.password_policy import password_refusal
from lms.web_security import safe_next_url

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = _(
    "That email and password do not match an account that can sign in. "
    "Check both and try again; after a few wrong tries, sign-in waits a while."
)
# What a person is told when a counter makes them wait (the same for an unknown email),
# whole sentences for each case, so each language can word them as it needs; the second of
# each pair is for a Postwise that cannot send email.
WAITS = {
    ScopeKind.ACCOUNT: (
        _(
            "Too many wrong passwords have been typed for this account in browsers it has not "
            "signed in from before, so this browser must wait. Try again in %(when)s, or use "
            "\u201cForgot your password?\u201d below to set a new one. A browser or device you "
            "have signed in with before can still sign in now."
        ),
        _(
            "Too many wrong passwords have been typed for this account in browsers it has not "
            "signed in from before, so this browser must wait. Try again in %(when)s, or ask "
            "your HR admin for a link to set a new password. A browser or device you have "
            "signed in with before can still sign in now."
        ),
    ),
    ScopeKind.DEVICE: (
        _(
            "Too many wrong passwords for this account from this browser. Try again in "
            "%(when)s, or use \u201cForgot your password?\u201d below to set a new one."
        ),
        _(
            "Too many wrong passwords for this account from this browser. Try again in "
            "%(when)s, or ask your HR admin for a link to set a new password."
        ),
    ),
    ScopeKind.ADDRESS: (
        _(
            "Too many wrong passwords from your network address, for one account or several. "
            "Try again in %(when)s, or use \u201cForgot your password?\u201d below to set a "
            "new one. A browser or device you have signed in with before can still sign in now."
        ),
        _(
            "Too many wrong passwords from your network address, for one account or several. "
            "Try again in %(when)s, or ask your HR admin for a link to set a new password. A "
            "browser or device you have signed in with before can still sign in now."
        ),
    ),
}


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _known_browser() -> bool:
    """A browser with a valid known-browser cookie has its own counter, so the per-address
    rate limit (shared with everyone behind the same address) does not hold it back."""
    return bool(known_browsers())


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], exempt_when=_known_browser)
def sign_in() -> ResponseReturnValue:
    """Email and password; any failure gets the same message, any wait says how long."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    form = SignInForm()
    wait_message = None
    if form.validate_on_submit():
        email = form.email.data or ""
        outcome = None
        # Once single sign-on is on, a password may be only a break-glass HR admin's.
        refusal = password_refusal(current_app.config, email)
        if refusal is None:
            session_db = db_session()
            attempt = SignInAttempt(
                email=email,
                password=form.password.data or "",
                address=request.remote_addr or "unknown",
                devices=known_browsers(),
            )
            outcome = attempt_sign_in(session_db, sign_in_throttle(current_app), attempt)
            session_db.commit()
            if outcome.employee is not None:
                refusal = password_refusal(current_app.config, email, outcome.employee)
            if outcome.employee is not None and refusal is None:
                response = redirect(next_url or url_for("home.index"))
                sign_in_as(outcome.employee, response)
                return response
        if refusal is not None:
            form.password.errors.append(translate(refusal))
        elif outcome is not None and outcome.wait is not None:
            wait_message = _wait_message(outcome.wait)
        else:
            form.password.errors.append(SIGN_IN_FAILED)
    return render_template(
        "auth/sign_in.html", form=form, next_url=next_url, wait_message=wait_message
    )


@bp.post("/sign-out")
@login_required
def sign_out() -> ResponseReturnValue:
    """End this session and every other one of this person's (old cookies stop working);
    after single sign-on, at the provider too when it offers that (RP-initiated logout)."""
    session_db = db_session()
    end_sessions(current_user.employee)
    session_db.commit()
    id_token = session.get("oidc_id_token")
    logout_user()
    session.clear()
    flash(gettext("You are signed out."), "success")
    settings = oidc.OidcSettings.from_config(current_app.config)
    after = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.sign_in")
    if settings and id_token and (provider_logout := oidc.logout_url(settings, id_token, after)):
        # A page, not a redirect: the form-action policy stops a form's redirect to another
        # site. The Refresh header moves on by itself; the link is there if it does not.
        page = render_template(
            "sso/signing_out.html", provider_logout=provider_logout, label=settings.label
        )
        return page, 200, {"Refresh": f"0; url={provider_logout}"}
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
            form.password.errors.extend(translate(reason) for reason in rejected.reasons)
        else:
            session_db.commit()
            response = redirect(url_for("home.index"))
            sign_in_as(employee, response)
            flash(gettext("Your password is set and you are signed in."), "success")
            return response
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
            gettext(
                "If %(email)s belongs to an account that can sign in, a link to set a password "
                "is on its way there. It works once, for %(hours)d hours. Nothing arrived within "
                "a few minutes? Check your spam folder, or ask your HR admin.",
                email=form.email.data,
                hours=hours,
            ),
            "success",
        )
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot_password.html", form=form)


def _wait_message(wait: Wait) -> str:
    minutes = wait.minutes_left()
    when = ngettext("%(num)d minute", "%(num)d minutes", minutes)
    with_mail, without_mail = WAITS[wait.kind]
    return str(with_mail if current_app.config["SMTP_HOST"] else without_mail) % {"when": when}


def _invite_problem(problem: InviteInvalid) -> str:
    if isinstance(problem, InviteExpired):
        return "expired"
    if isinstance(problem, InviteUsed):
        return "used"
    return "invalid"
