"""In the browser, in two languages: a German learner goes through the shipped course (its
German translation), the guideline, the final quiz and the certificate; a French team lead
filters the team report and downloads it, headed and worded in French.

The words asserted are the catalogues' (lms/translations/*/messages.po) and the packs'
(courses/*/translations/*), written out here so a missing translation fails the test
instead of matching its own English fallback.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import PROJECT_ROOT, clock
from lms.courses.author_notes import translations_without_notes, without_author_notes
from lms.courses.models import CourseVersion, Question, QuestionTranslation
from lms.courses.pack_translations import read_translations
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.learning.certificates import certificate_for
from lms.learning.models import AttemptQuestion, Enrollment, QuizAttempt
from lms.learning.services import course_view, mark_lesson_done
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD

ESSENTIALS, GUIDELINE = "social-media-essentials", "social-media-guideline"

# courses/social-media-essentials/translations/de/course.yaml and its first lesson
GERMAN_TITLE = "Social Media für Berufstätige \u2013 die Grundlagen"  # an en dash
GERMAN_LESSON = "Warum Berufstätige in sozialen Medien aktiv sind"
ENGLISH_LESSON = "Why professionals are on social media"
# courses/social-media-guideline/translations/de/course.yaml
GERMAN_GUIDELINE = "Unsere Social-Media-Richtlinie"
GERMAN_COMPLETED_ON = "2. März 2026"  # the frozen clock of tests/conftest.py, in German
# courses/social-media-essentials/translations/fr/course.yaml
FRENCH_TITLE = "Les réseaux sociaux pour les professionnels, l'essentiel"


def _words(text: str) -> str:
    """Text as the browser's accessibility tree names it: whitespace collapsed."""
    return " ".join(text.split())


@pytest.fixture
def translated_courses(db: Session) -> dict[str, CourseVersion]:
    """The two shipped packs with their translations, published as HR would (notes for HR
    deleted from both), by slug."""
    versions = {}
    for slug in (ESSENTIALS, GUIDELINE):
        folder = PROJECT_ROOT / "courses" / slug
        pack = without_author_notes(read_pack(folder))
        translations = translations_without_notes(read_translations(folder, pack))
        assert {t.language for t in translations} >= {"de", "fr"}, slug
        versions[slug] = import_pack(db, pack, publish=True, translations=translations).version
    db.commit()
    return versions


# ---------------------------------------------------------------- the German learner


@dataclass(frozen=True)
class GermanQuestion:
    """One drawn question in the German the page shows, with which choices are right."""

    position: int
    prompt: str
    right: list[str]  # German label texts of the correct choices


def german_questions(db: Session, employee_id: int, number: int) -> list[GermanQuestion]:
    """The questions of this person's attempt `number`, in page order, in German: a
    translation's choices are listed in the source's choice order (Question.choices)."""
    db.rollback()  # see what the server committed
    attempt = db.scalars(
        select(QuizAttempt)
        .join(Enrollment, QuizAttempt.enrollment_id == Enrollment.id)
        .where(Enrollment.employee_id == employee_id, QuizAttempt.number == number)
    ).one()
    found = []
    for drawn in db.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(AttemptQuestion.position)
    ):
        question = db.get_one(Question, drawn.question_id)
        german = db.scalars(
            select(QuestionTranslation).where(
                QuestionTranslation.question_id == question.id,
                QuestionTranslation.language == "de",
            )
        ).one()
        assert german.prompt, f"question {question.key} has no German prompt"
        assert len(german.choices) == len(question.choices), question.key
        found.append(
            GermanQuestion(
                position=drawn.position,
                prompt=_words(german.prompt),
                right=[
                    _words(str(words["text"]))
                    for choice, words in zip(question.choices, german.choices, strict=True)
                    if choice.is_correct
                ],
            )
        )
    db.rollback()  # hold no transaction open while the server writes
    return found


def _numbered(question: GermanQuestion) -> re.Pattern[str]:
    return re.compile(rf"^{question.position}\. {re.escape(question.prompt)}")


def test_a_german_learner_reads_passes_and_gets_a_german_certificate(
    page: Page, db: Session, make_employee, translated_courses, enrol
) -> None:
    learner = make_employee(first_name="Greta", last_name="Gruber", language="de")
    learner_id, email = learner.id, learner.email
    for version in translated_courses.values():
        enrol(learner, version)

    # ------------------------------------------------ My learning, in German
    sign_in(page, email, PASSWORD)  # the sign-in page follows the browser (English)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1, name="Hallo Greta")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Meine Kurse")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=GERMAN_TITLE)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=GERMAN_GUIDELINE)).to_be_visible()
    expect(page.get_by_role("link", name="Richtlinie lesen und bestätigen")).to_be_visible()
    assert_accessible(page)

    # ------------------------------------------------ the course and a lesson
    page.get_by_role("link", name=GERMAN_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=GERMAN_TITLE)).to_be_visible()
    expect(page.get_by_text("0 von 9 Lektionen erledigt")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Lektionen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Beginnen Sie mit: {GERMAN_LESSON}").click()

    article = page.locator("article.lesson")
    expect(article).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1, name=GERMAN_LESSON)).to_be_visible()
    expect(page.get_by_text("Lektion 1 von 9")).to_be_visible()
    assert_accessible(page)

    # The course's own switch: English words for this course, the interface stays German.
    page.get_by_label("Diesen Kurs lesen auf").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").click()
    expect(page.get_by_text("Sie lesen diesen Kurs auf English.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=ENGLISH_LESSON)).to_be_visible()
    expect(article).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Als erledigt markieren")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Diesen Kurs lesen auf").select_option("de")
    page.get_by_role("button", name="Sprache wechseln").click()
    expect(page.get_by_text("Sie lesen diesen Kurs auf Deutsch.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=GERMAN_LESSON)).to_be_visible()
    expect(article).to_have_attribute("lang", "de")

    page.get_by_role("button", name="Als erledigt markieren").click()
    expect(page.get_by_text("Lektion 2 von 9")).to_be_visible()  # on to the next lesson
    expect(article).to_have_attribute("lang", "de")

    # The other eight lessons, the quick way.
    for lesson in course_view(db, learner_id, ESSENTIALS).lessons[1:]:
        mark_lesson_done(db, learner_id, ESSENTIALS, lesson.slug)
    db.commit()

    # ------------------------------------------------ the guideline, acknowledged in German
    page.get_by_role("link", name=GERMAN_TITLE).first.click()
    expect(page.get_by_text("9 von 9 Lektionen erledigt")).to_be_visible()
    expect(
        page.get_by_text("Alle Lektionen sind erledigt. So schließen Sie den Kurs ab:")
    ).to_be_visible()
    page.get_by_role("link", name="bestätigen Sie die Social-Media-Richtlinie").click()

    expect(page.get_by_role("heading", level=1, name=GERMAN_GUIDELINE)).to_be_visible()
    sections = page.locator("section.lesson")
    expect(sections.first).to_be_visible()
    assert sections.count() > 1
    for index in range(sections.count()):
        expect(sections.nth(index)).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=2, name="Ihre Bestätigung")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ich habe Version 1 gelesen und werde sie befolgen").click()
    expect(
        page.get_by_text("Vielen Dank: Sie haben Version 1 der Social-Media-Richtlinie bestätigt.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=GERMAN_TITLE)).to_be_visible()

    # ------------------------------------------------ the final quiz, in German
    page.get_by_role("link", name="legen Sie das Abschlussquiz ab").click()
    expect(page.get_by_role("heading", level=1, name="Abschlussquiz")).to_be_visible()
    expect(page.get_by_text("15 Fragen; bestanden ab 80 %.")).to_be_visible()
    expect(page.get_by_text("Sie haben 3 Versuche; übrig: 3.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Quiz starten").click()

    expect(page.get_by_role("heading", level=1, name="Versuch 1")).to_be_visible()
    questions = german_questions(db, learner_id, 1)
    assert len(questions) == 15
    groups = page.get_by_role("group")
    expect(groups).to_have_count(15)
    for index in range(15):
        expect(groups.nth(index)).to_have_attribute("lang", "de")
    assert_accessible(page)
    for question in questions:
        group = page.get_by_role("group", name=_numbered(question))
        for text in question.right:
            group.get_by_label(text, exact=True).check()
    page.get_by_role("button", name="Antworten senden").click()

    expect(page.get_by_role("status")).to_have_text("Sie haben mit 100 % bestanden.")
    result = page.locator("p.result")
    expect(result.get_by_text("Bestanden", exact=True)).to_be_visible()
    expect(result).to_contain_text("Ihr Ergebnis: 100 %; zum Bestehen brauchen Sie 80 %.")
    # Badges only: a true/false question's choices may read "Richtig" too.
    correct = page.locator("section.question span.badge", has_text=re.compile(r"^Richtig$"))
    expect(correct).to_have_count(15)
    for question in questions:
        section = page.get_by_role("region", name=_numbered(question))
        expect(section).to_have_attribute("lang", "de")
        for chosen in question.right:
            expect(section.locator("li", has_text=chosen)).to_contain_text("Ihre Antwort")
    assert_accessible(page)

    # ------------------------------------------------ My learning and the certificate
    page.get_by_role("link", name="Startseite", exact=True).click()
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=GERMAN_TITLE)
    )
    expect(card.get_by_text("Abgeschlossen", exact=True)).to_be_visible()
    expect(card).to_contain_text(f"Abgeschlossen am {GERMAN_COMPLETED_ON} mit 100 %")
    guideline_card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=GERMAN_GUIDELINE)
    )
    expect(guideline_card.get_by_text("Abgeschlossen", exact=True)).to_be_visible()
    assert_accessible(page)

    db.rollback()
    certificate = certificate_for(db, learner_id, ESSENTIALS)
    db.rollback()
    assert certificate is not None

    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        card.get_by_role("link", name=re.compile(r"^Ihr Zertifikat .* herunterladen")).click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{ESSENTIALS}.pdf"
    with open(download.path(), "rb") as pdf_file:
        reader = PdfReader(io.BytesIO(pdf_file.read()))
    text = _words(reader.pages[0].extract_text())
    for expected in (
        "Abschlusszertifikat",
        "Hiermit wird bestätigt, dass",
        "Greta Gruber",
        "den folgenden Kurs abgeschlossen hat:",
        "Version 1",
        f"Abgeschlossen am {GERMAN_COMPLETED_ON}",
        "Ergebnis: 100 %",
        f"Prüfcode: {certificate.code}",
        "Dieses Zertifikat können Sie hier prüfen:",
    ):
        assert expected in text, f"{expected!r} not in the German certificate:\n{text}"
    # The course is named as the learner read it, in German.
    assert GERMAN_TITLE in text, f"the German certificate should name the course in German:\n{text}"

    # The address printed on it: the check page, in German too.
    printed = re.search(r"prüfen: \S+(/verify/\S+)", text)
    assert printed, text
    page.goto(printed.group(1))
    expect(page.get_by_role("heading", level=1, name="Dieses Zertifikat ist echt")).to_be_visible()
    expect(page.locator("p.lead")).to_have_text(
        f"Greta Gruber hat den Kurs {GERMAN_TITLE} am {GERMAN_COMPLETED_ON} abgeschlossen."
    )
    assert_accessible(page)


# ---------------------------------------------------------------- the French team lead


def test_a_french_team_lead_filters_the_team_report_and_downloads_it_in_french(
    page: Page, db: Session, make_employee, translated_courses, enrol
) -> None:
    lead = make_employee(first_name="Françoise", last_name="Fabre", language="fr")
    late = make_employee(first_name="Luc", last_name="Lent", manager_id=lead.id)
    keen = make_employee(first_name="Inès", last_name="Ivre", manager_id=lead.id)
    essentials = translated_courses[ESSENTIALS]
    enrol(late, essentials, due_at=clock.now() - timedelta(days=3))
    enrol(keen, essentials)
    first_lesson = course_view(db, keen.id, ESSENTIALS).lessons[0]
    mark_lesson_done(db, keen.id, ESSENTIALS, first_lesson.slug)
    db.commit()
    lead_email = lead.email

    sign_in(page, lead_email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=2, name="Votre équipe")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Voir la formation de votre équipe").click()

    expect(page.get_by_role("heading", level=1, name="Mon équipe")).to_be_visible()
    summary = page.locator("table.summary")
    for label in ("En retard", "En cours", "Pas commencé", "Terminé"):
        expect(summary.get_by_role("columnheader", name=label, exact=True)).to_be_visible()
    french_course = re.compile(re.escape(FRENCH_TITLE))
    expect(summary.get_by_role("rowheader", name=french_course)).to_be_visible()
    records = page.locator("table.records")
    expect(records.get_by_text(FRENCH_TITLE)).to_have_count(2)  # the course, named in French
    expect(page.get_by_label("Cours", exact=True)).to_contain_text(FRENCH_TITLE)
    expect(records.get_by_text("En retard", exact=True)).to_be_visible()
    expect(records.get_by_text("En cours", exact=True)).to_be_visible()
    assert_accessible(page)

    # ------------------------------------------------ only the overdue
    page.get_by_label("Statut").select_option(label="En retard")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"status=overdue"))
    expect(page.get_by_text("1 enregistrement trouvé.")).to_be_visible()
    rows = records.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Luc Lent")
    expect(rows.first.get_by_text("En retard", exact=True)).to_be_visible()
    expect(records.get_by_text("En cours", exact=True)).to_have_count(0)
    assert_accessible(page)

    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-overdue-2026-03-02.csv")
    with open(download.path(), encoding="utf-8", newline="") as csv_file:
        table = list(csv.reader(csv_file))
    assert table[0] == [
        "matricule",
        "nom",
        "e-mail",
        "service",
        "responsable",
        "cours",
        "version",
        "statut",
        "attribué le",
        "échéance",
        "terminé le",
        "score",
        "tentatives",
    ]
    assert len(table) == 2, table
    row = dict(zip(table[0], table[1], strict=True))
    assert row["nom"] == "Luc Lent"
    assert row["responsable"] == "Françoise Fabre"
    assert row["statut"] == "en retard"

    # ------------------------------------------------ everyone again: the in-progress word
    page.get_by_label("Statut").select_option(label="Tous les statuts")
    page.get_by_role("button", name="Afficher").click()
    expect(rows).to_have_count(2)
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    with open(download_info.value.path(), encoding="utf-8", newline="") as csv_file:
        statuses = {line["nom"]: line["statut"] for line in csv.DictReader(csv_file)}
    assert statuses == {"Luc Lent": "en retard", "Inès Ivre": "en cours"}
