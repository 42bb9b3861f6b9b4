"""Certificates on the web: the owner downloads the PDF; anyone with the code can verify it."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from lms import clock
from lms.courses.translations import translated_versions
from lms.dbsession import db_session
from lms.downloads import attachment
from lms.i18n import current_language
from lms.learning.certificates import (
    CertificateDetails,
    certificate_for,
    certificate_pdf,
    find_by_code,
)

bp = Blueprint("certificates", __name__)


def _in_this_language(details: CertificateDetails) -> CertificateDetails:
    """The details with the course's title in the reader's language, where translated."""
    found = translated_versions(db_session(), [details.version_id], current_language())
    row = found.get(details.version_id)
    return replace(details, course_title=row.title) if row is not None else details


@bp.get("/courses/<slug>/certificate.pdf")
@login_required
def download(slug: str) -> ResponseReturnValue:
    """The signed-in person's own certificate for a course they completed."""
    details = certificate_for(db_session(), current_user.id, slug)
    if details is None:
        abort(404)
    details = _in_this_language(details)
    # From BASE_URL, not the request's host: the address printed must be the public one.
    base = current_app.config["BASE_URL"].rstrip("/")
    verify_url = base + url_for("certificates.verify", code=details.code)
    # The slug comes from the database row, so it is a pack slug, safe inside the quotes.
    return attachment(
        certificate_pdf(details, verify_url, current_language()),
        filename=f"certificate-{details.course_slug}.pdf",
        mimetype="application/pdf",
    )


@bp.get("/verify/<code>")
def verify(code: str) -> ResponseReturnValue:
    """Public check of a certificate: who, which course, when; nothing more."""
    details = find_by_code(db_session(), code)
    if details is None:
        abort(404)
    details = _in_this_language(details)
    return render_template(
        "certificates/verify.html",
        name=details.name,
        course_title=details.course_title,
        completed_at=details.completed_at,
        valid_until=details.valid_until,
        expired=details.expired(clock.now()),
    )
