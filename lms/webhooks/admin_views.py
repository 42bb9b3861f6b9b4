"""HR's Webhooks page: subscriptions (the signing secret shown once), pause and resume,
removal, and each subscription's delivery log with "send again" for failures."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms import confirm
from lms.access import hr_required
from lms.dbsession import db_session
from lms.i18n import translate
from lms.webhooks import overview, subscriptions
from lms.webhooks.forms import EVENT_LABELS, SubscriptionForm
from lms.webhooks.models import WebhookSubscription

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin/webhooks")


@bp.get("")
@hr_required
def page() -> ResponseReturnValue:
    return _page(SubscriptionForm())


@bp.post("")
@hr_required
def add() -> ResponseReturnValue:
    """Subscribe a URL and show its signing secret on this response only."""
    form = SubscriptionForm()
    if not form.validate_on_submit():
        return _page(form), 400
    session = db_session()
    try:
        added = subscriptions.add_subscription(
            session,
            form.url.data or "",
            form.events.data or [],
            production=current_app.config["ENV"] == "production",
            actor_id=current_user.id,
        )
    except subscriptions.SubscriptionError as problem:
        session.rollback()
        form.url.errors = [_("%(problem)s Nothing was added.", problem=translate(problem.message))]
        return _page(form), 400
    session.commit()
    return _page(SubscriptionForm(formdata=None), added=added)


@bp.get("/<int:subscription_id>")
@hr_required
def detail(subscription_id: int) -> ResponseReturnValue:
    session = db_session()
    subscription = _subscription(subscription_id)
    return render_template(
        "webhooks_admin/detail.html",
        subscription=subscription,
        log=overview.delivery_log(session, subscription.id),
        log_length=overview.LOG_LENGTH,
        event_labels=EVENT_LABELS,
    )


@bp.post("/<int:subscription_id>/pause")
@hr_required
def pause(subscription_id: int) -> ResponseReturnValue:
    return _set_paused(subscription_id, paused=True)


@bp.post("/<int:subscription_id>/resume")
@hr_required
def resume(subscription_id: int) -> ResponseReturnValue:
    return _set_paused(subscription_id, paused=False)


@bp.post("/<int:subscription_id>/delete")
@hr_required
def delete(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    if not confirm.is_confirmed():
        return confirm.ask(
            _("Remove the webhook to %(url)s?", url=subscription.url),
            [
                _("Postwise stops posting events to this URL at once."),
                _("Deliveries still waiting are dropped, and the delivery log is deleted."),
                _("To send events there again, add the URL again: it gets a new secret."),
            ],
            _("Remove the webhook"),
            url_for("webhooks_admin.detail", subscription_id=subscription.id),
        )
    subscriptions.delete_subscription(db_session(), subscription, actor_id=current_user.id)
    db_session().commit()
    flash(
        _("The webhook to %(url)s is removed. Nothing more is sent there.", url=subscription.url),
        "success",
    )
    return redirect(url_for("webhooks_admin.page"))


@bp.post("/<int:subscription_id>/deliveries/<int:delivery_id>/send-again")
@hr_required
def send_again(subscription_id: int, delivery_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    session = db_session()
    if subscriptions.send_again(session, subscription, delivery_id, actor_id=current_user.id):
        session.commit()
        flash(
            _(
                "Delivery %(id)s is queued again: the next send posts it, within a minute.",
                id=delivery_id,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Delivery %(id)s has not failed (it may be queued or sent already), "
                "so there is nothing to send again.",
                id=delivery_id,
            ),
            "error",
        )
    return redirect(url_for("webhooks_admin.detail", subscription_id=subscription.id))


def _set_paused(subscription_id: int, *, paused: bool) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    session = db_session()
    subscriptions.set_paused(session, subscription, paused, actor_id=current_user.id)
    session.commit()
    if paused:
        flash(
            _(
                "The webhook to %(url)s is paused. Events wait until you resume it.",
                url=subscription.url,
            ),
            "success",
        )
    else:
        flash(
            _(
                "The webhook to %(url)s is on again. Waiting events go out with the next send.",
                url=subscription.url,
            ),
            "success",
        )
    return redirect(url_for("webhooks_admin.detail", subscription_id=subscription.id))


def _subscription(subscription_id: int) -> WebhookSubscription:
    subscription = subscriptions.get_subscription(db_session(), subscription_id)
    if subscription is None:
        abort(404)
    return subscription


def _page(form: SubscriptionForm, *, added: subscriptions.NewSubscription | None = None) -> str:
    return render_template(
        "webhooks_admin/page.html",
        form=form,
        rows=overview.subscription_rows(db_session()),
        added=added,
        event_labels=EVENT_LABELS,
    )
