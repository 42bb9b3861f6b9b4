"""Certificates: issued once for a completion, downloaded by their owner, verified by anyone."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import event, func, select

from lms import clock
from lms.db import Base
from lms.learning.certificates import (
    certificate_for,
    certificate_pdf,
    find_by_code,
    issue_certificate,
    pdf_safe,
)
from lms.learning.models import Certificate, Enrollment

COURSE = "social-media-essentials"
GUIDELINE = "social-media-guideline"
TITLE = "Social media essentials for professionals"
URL_SAFE = re.compile(r"[A-Za-z0-9_-]{16,40}")


@pytest.fixture
def complete(db, shipped_courses, enrol):
    """Enrol someone, complete the course with a score of 87 and issue the certificate."""

    def do_complete(employee, slug=COURSE, *, issue=True):
        version = shipped_courses[slug]
        enrollment = enrol(employee, version)
        enrollment.version_id = version.id
        enrollment.started_at = enrollment.completed_at = clock.now()
        enrollment.score = 87
        certificate = issue_certificate(db, enrollment) if issue else None
        db.commit()
        return certificate

    return do_complete


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _snapshot(db) -> dict[str, list]:
    """Every row of every table, as committed."""
    db.rollback()
    return {table.name: db.execute(select(table)).all() for table in Base.metadata.sorted_tables}


# ---------------------------------------------------------------- issuing


def test_issuing_is_idempotent(db, org, complete):
    first = complete(org["staff"])
    enrollment = db.get(Enrollment, first.enrollment_id)
    again = issue_certificate(db, enrollment)
    db.commit()
    assert again.id == first.id
    assert again.code == first.code
    assert db.scalar(select(func.count()).select_from(Certificate)) == 1


def test_an_incomplete_enrollment_gets_no_certificate(db, org, shipped_courses, enrol):
    enrollment = enrol(org["staff"], shipped_courses[COURSE])
    with pytest.raises(ValueError, match="not completed"):
        issue_certificate(db, enrollment)
    assert db.scalar(select(func.count()).select_from(Certificate)) == 0


def test_codes_are_unique_url_safe_and_long(org, complete):
    codes = [complete(org[who]).code for who in ("staff", "staff2", "lead", "senior", "hr")]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert URL_SAFE.fullmatch(code), code
        assert len(code) >= 22  # 16 random bytes, base64url


def test_certificate_for_finds_only_the_persons_own_completion(
    db, org, complete, enrol, shipped_courses
):
    certificate = complete(org["staff"])
    enrol(org["staff"], shipped_courses[GUIDELINE])
    enrol(org["staff2"], shipped_courses[COURSE])
    details = certificate_for(db, org["staff"].id, COURSE)
    assert details is not None
    assert details.code == certificate.code
    assert details.name == "Sia Staff"
    assert details.course_title == TITLE
    assert details.version_number == 1
    assert details.score == 87
    assert details.completed_at == clock.now()
    assert certificate_for(db, org["staff2"].id, COURSE) is None
    assert certificate_for(db, org["staff"].id, GUIDELINE) is None
    assert certificate_for(db, org["staff"].id, "no-such-course") is None


def test_details_are_read_in_one_query(db, org, complete):
    certificate = complete(org["staff"])
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert certificate_for(db, org["staff"].id, COURSE) is not None
        assert find_by_code(db, certificate.code) is not None
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_find_by_code_knows_only_real_codes(db, org, complete):
    certificate = complete(org["staff"])
    assert find_by_code(db, certificate.code).name == "Sia Staff"
    assert find_by_code(db, certificate.code.swapcase()) is None
    assert find_by_code(db, "") is None
    assert find_by_code(db, "x" * 500) is None


# ---------------------------------------------------------------- the PDF


def test_the_pdf_says_who_what_when_how_well_and_how_to_check(db, org, complete):
    certificate = complete(org["staff"])
    details = certificate_for(db, org["staff"].id, COURSE)
    url = f"http://postwise.test/verify/{certificate.code}"
    data = certificate_pdf(details, url)
    assert data.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = _pdf_text(data)
    for expected in (
        "Sia Staff",
        TITLE,
        "version 1",
        "2 March 2026",
        "Score: 87%",
        certificate.code,
        url,
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("first", "last", "printed"),
    [
        ("Zoë", "Łukasz", "Zoë Łukasz"),
        ("Ζωή", "Παπαδοπούλου", "Ζωή Παπαδοπούλου"),
        ("Юлия", "Иванова", "Юлия Иванова"),
        ("Nguyễn", "Thị Minh", "Nguyễn Thị Minh"),
        ("Hana", "佐藤", "Hana ??"),  # no Chinese in the font: marked, not failing
    ],
)
def test_names_in_latin_greek_and_cyrillic_script_print_as_written(
    db, org, complete, first, last, printed
):
    org["staff"].first_name, org["staff"].last_name = first, last
    db.commit()
    complete(org["staff"])
    details = certificate_for(db, org["staff"].id, COURSE)
    text = _pdf_text(certificate_pdf(details, "http://postwise.test/verify/x"))
    assert printed in text


@pytest.mark.parametrize(
    ("given", "drawn"),
    [
        ("Zoë Łukasz 王", "Zoë Łukasz ?"),
        ("Dvořák Œuvre", "Dvořák Œuvre"),
        ("“Quoted” — dash", "“Quoted” — dash"),
        ("tab\there", "tab here"),
        ("Ørsted Straße", "Ørsted Straße"),
        ("Ζωή Юлия", "Ζωή Юлия"),
    ],
)
def test_pdf_safe_keeps_what_the_font_draws_and_marks_the_rest(given, drawn):
    assert pdf_safe(given) == drawn


# ---------------------------------------------------------------- download


def test_the_owner_downloads_their_certificate(client, login, org, complete):
    certificate = complete(org["staff"])
    login(org["staff"])
    response = client.get(f"/courses/{COURSE}/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="certificate-{COURSE}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF-")
    text = _pdf_text(response.data)
    assert "Sia Staff" in text
    assert f"http://postwise.test/verify/{certificate.code}" in text  # BASE_URL, not the host


@pytest.mark.parametrize("slug", [COURSE, GUIDELINE, "no-such-course"])
def test_no_certificate_for_someone_who_has_not_completed(
    client, login, org, complete, enrol, shipped_courses, slug
):
    complete(org["staff"])  # someone else's certificate for the course
    enrol(org["staff2"], shipped_courses[COURSE])
    enrol(org["staff2"], shipped_courses[GUIDELINE])
    login(org["staff2"])
    assert client.get(f"/courses/{slug}/certificate.pdf").status_code == 404


def test_a_completion_without_an_issued_certificate_is_not_issued_by_a_get(
    db, client, login, org, complete
):
    complete(org["staff"], issue=False)
    login(org["staff"])
    assert client.get(f"/courses/{COURSE}/certificate.pdf").status_code == 404
    assert db.scalar(select(func.count()).select_from(Certificate)) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, org, complete):
    complete(org["staff"])
    response = client.get(f"/courses/{COURSE}/certificate.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


# ---------------------------------------------------------------- verify


def test_verify_shows_name_course_and_date_and_nothing_else(client, org, complete):
    certificate = complete(org["staff"])
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This certificate is genuine" in page
    assert "Sia Staff" in page
    assert TITLE in page
    assert "2 March 2026" in page
    assert "87" not in page
    assert "Score" not in page
    assert org["staff"].email not in page
    assert org["staff"].hris_id not in page


@pytest.mark.parametrize("code", ["not-a-real-code-at-all", "x" * 41, "%00"])
def test_an_unknown_code_is_not_found(client, org, complete, code):
    complete(org["staff"])
    assert client.get(f"/verify/{code}").status_code == 404


def test_reading_certificates_writes_nothing(db, client, login, org, complete):
    certificate = complete(org["staff"])
    login(org["staff"])
    before = _snapshot(db)
    assert client.get(f"/courses/{COURSE}/certificate.pdf").status_code == 200
    assert client.get(f"/verify/{certificate.code}").status_code == 200
    assert client.get("/verify/unknown-code-here").status_code == 404
    assert _snapshot(db) == before
