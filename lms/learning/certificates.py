"""Certificates: issued once per completed enrollment, found by owner or code, drawn as a PDF."""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lms import clock
from lms.catalogues import long_date, percent, translations
from lms.clock import add_months
from lms.courses.models import Course, CourseVersion
from lms.events import CERTIFICATE_ISSUED, record_event
from lms.languages import SOURCE_LANGUAGE
from lms.learning.announce import learning_facts
from lms.learning.models import Certificate, Enrollment
from lms.people.models import Employee

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger(__name__)

CODE_BYTES = 16  # 128 bits of randomness: codes cannot be guessed or enumerated
CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,40}")  # base64url, as long as the column allows

# Letters that Unicode does not decompose into a base letter plus an accent.
_FALLBACKS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "Œ": "OE",
        "œ": "oe",
        "\u2018": "'",  # curly quotes
        "\u2019": "'",
        "\u201a": ",",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",  # hyphen, en and em dash, minus
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


@dataclass(frozen=True)
class CertificateDetails:
    """What a certificate says, read in one query."""

    name: str
    course_title: str
    course_slug: str
    version_number: int
    completed_at: datetime
    score: int | None
    code: str
    valid_until: datetime | None  # None: the course does not recertify
    issued_at: datetime
    version_id: int  # to find the course's title in another language

    def expired(self, now: datetime) -> bool:
        """True once a recertifying certificate is past its date."""
        return self.valid_until is not None and self.valid_until < now


def issue_certificate(session: Session, enrollment: Enrollment) -> Certificate:
    """The enrollment's certificate, created on first call; only a completed one gets one."""
    if enrollment.completed_at is None or enrollment.version_id is None:
        raise ValueError(f"enrollment {enrollment.id} is not completed")
    existing = session.scalar(select(Certificate).where(Certificate.enrollment_id == enrollment.id))
    if existing is not None:
        return existing
    months = enrollment.recertify_months
    certificate = Certificate(
        enrollment_id=enrollment.id,
        code=secrets.token_urlsafe(CODE_BYTES),
        issued_at=clock.now(),
        valid_until=add_months(enrollment.completed_at, months) if months else None,
    )
    session.add(certificate)
    session.flush()
    record_event(
        session,
        CERTIFICATE_ISSUED,
        learning_facts(session, enrollment.employee_id, enrollment.version_id)
        | {
            "enrollment_id": enrollment.id,
            "certificate": {
                "code": certificate.code,
                "issued_at": certificate.issued_at,
                "valid_until": certificate.valid_until,
            },
        },
    )
    log.info(
        "certificate issued for enrollment %s of employee %s",
        enrollment.id,
        enrollment.employee_id,
    )
    return certificate


def certificate_for(
    session: Session, employee_id: int, course_slug: str
) -> CertificateDetails | None:
    """This person's certificate for their latest completed cycle of a course, if issued."""
    row = session.execute(
        _details()
        .where(Enrollment.employee_id == employee_id, Course.slug == course_slug)
        .order_by(Enrollment.cycle.desc())
        .limit(1)
    ).first()
    return CertificateDetails(*row) if row is not None else None


def find_by_code(session: Session, code: str) -> CertificateDetails | None:
    """The certificate with this verification code, or None for an unknown code."""
    if not CODE_SHAPE.fullmatch(code):
        return None  # not a code we could have issued; never send odd bytes to the database
    row = session.execute(_details().where(Certificate.code == code)).first()
    return CertificateDetails(*row) if row is not None else None


def _details() -> Select[
    tuple[str, str, str, int, datetime, int | None, str, datetime | None, datetime, int]
]:
    return (
        select(
            (Employee.first_name + " " + Employee.last_name),
            CourseVersion.title,
            Course.slug,
            CourseVersion.number,
            Enrollment.completed_at,
            Enrollment.score,
            Certificate.code,
            Certificate.valid_until,
            Certificate.issued_at,
            CourseVersion.id,
        )
        .join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .join(Employee, Enrollment.employee_id == Employee.id)
        .join(CourseVersion, Enrollment.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(Enrollment.completed_at.is_not(None))
    )


FONT_FAMILY = "SourceSans"


@cache
def _font_files() -> dict[str, str]:
    """The certificate's font, regular and bold (Latin, Greek and Cyrillic)."""
    from font_source_sans_pro import font_files_ttf

    return {"": font_files_ttf["SourceSansPro"], "B": font_files_ttf["SourceSansProBold"]}


@cache
def _drawable() -> frozenset[int]:
    """The characters the font has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(_font_files()[""]) as font:
        regular = set(font.getBestCmap())
    with TTFont(_font_files()["B"]) as font:
        return frozenset(regular & set(font.getBestCmap()))


def pdf_safe(text: str) -> str:
    """Text the certificate's font can draw: letters it lacks (Chinese, Arabic, …) lose
    their accents where that helps, else become "?" rather than failing."""
    drawable = _drawable()
    out = []
    for char in unicodedata.normalize("NFC", text):
        if not char.isprintable():
            out.append(" ")
        elif ord(char) in drawable:
            out.append(char)
        else:
            fallback = char.translate(_FALLBACKS)
            base = "".join(
                c for c in unicodedata.normalize("NFKD", fallback) if not unicodedata.combining(c)
            )
            out.append(base if base and all(ord(c) in drawable for c in base) else "?")
    return "".join(out)


def certificate_pdf(
    details: CertificateDetails, verify_url: str, language: str = SOURCE_LANGUAGE
) -> bytes:
    """A one-page A4 landscape certificate in `language`, its font embedded (subset).

    The course title is printed as `details` has it: the caller puts it in the language
    wanted (lms.courses.translations), as course content has its own translations.
    """
    # Imported here: fpdf2 takes 20 MB, and most processes (exports, cron jobs, most
    # requests) never draw a certificate.
    from fpdf import FPDF

    _ = translations(language).gettext

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    for style, path in _font_files().items():
        pdf.add_font(FONT_FAMILY, style, path)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 20, 25)
    pdf.set_creation_date(clock.now())
    pdf.set_title(pdf_safe(_("Certificate: %(course)s") % {"course": details.course_title}))
    pdf.set_author("Postwise")
    pdf.add_page()
    width = pdf.epw

    pdf.set_draw_color(40, 70, 110)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(text: str, size: float, style: str = "", height: float | None = None) -> None:
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.multi_cell(width, height or size * 0.5, pdf_safe(text), align="C")

    pdf.set_y(30)
    pdf.set_text_color(40, 70, 110)
    line(_("Certificate of completion"), 30, "B", 14)
    pdf.ln(8)
    pdf.set_text_color(60, 60, 60)
    line(_("This certifies that"), 14)
    pdf.ln(4)
    pdf.set_text_color(20, 20, 20)
    line(details.name, _fitting_size(pdf, details.name, width, 28, max_lines=1), "B", 13)
    pdf.ln(4)
    pdf.set_text_color(60, 60, 60)
    line(_("has completed the course"), 14)
    pdf.ln(4)
    pdf.set_text_color(20, 20, 20)
    line(details.course_title, _fitting_size(pdf, details.course_title, width, 20), "B", 10)
    pdf.set_text_color(60, 60, 60)
    line(_("version %(number)s") % {"number": details.version_number}, 12, height=7)
    pdf.ln(6)
    facts = _("Completed on %(day)s") % {"day": long_date(details.completed_at, language)}
    if details.score is not None:
        score = _("Score: %(score)s") % {"score": percent(details.score, language)}
        facts += f"  \u00b7  {score}"
    line(facts, 14)
    if details.valid_until is not None:
        pdf.ln(2)
        line(_("Valid until %(day)s") % {"day": long_date(details.valid_until, language)}, 14)

    pdf.set_y(pdf.h - 48)
    pdf.set_text_color(90, 90, 90)
    line(_("Verification code: %(code)s") % {"code": details.code}, 10, height=6)
    line(_("Check this certificate at %(url)s") % {"url": verify_url}, 10, height=6)
    return bytes(pdf.output())


def _fitting_size(pdf: FPDF, text: str, width: float, largest: float, max_lines: int = 2) -> float:
    """The largest bold size, down to 12 pt, at which the text takes at most max_lines lines."""
    size = largest
    while size > 12:
        pdf.set_font(FONT_FAMILY, "B", size)
        lines = pdf.multi_cell(width, text=pdf_safe(text), dry_run=True, output="LINES")
        if len(lines) <= max_lines:
            break
        size -= 1
    return size
