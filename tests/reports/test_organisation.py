"""HR's organisation overview and guideline report, and the chart geometry behind them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms import clock
from lms.courses.models import CourseVersion
from lms.learning.guideline import acknowledge
from lms.learning.models import Enrollment
from lms.reports import charts
from lms.reports.completions import CompletionFilter, StatusCounts
from lms.reports.guideline_report import DepartmentLine, GuidelineFilter, guideline_report
from lms.reports.organisation import overview

ESSENTIALS, GUIDELINE = "social-media-essentials", "social-media-guideline"


@pytest.fixture
def enrolled(db, org, shipped_courses, enrol):
    """Everyone has the essentials; Sia completed it last week, Tom is overdue."""
    rows = {name: enrol(person, shipped_courses[ESSENTIALS]) for name, person in org.items()}
    rows["staff"].completed_at = clock.now() - timedelta(days=7)
    rows["staff2"].due_at = clock.now() - timedelta(days=1)
    db.commit()
    return org


def test_overview_counts_by_department_and_course(db, enrolled):
    picture = overview(db, CompletionFilter())
    by_department = {group.label: group.by_status for group in picture.by_department}
    assert by_department == {
        "Marketing": {"completed": 1, "overdue": 1, "not started": 2},
        "Ops": {"not started": 1},
        "Sales": {"not started": 1},
    }
    assert [(group.label, group.total) for group in picture.by_course] == [(ESSENTIALS, 6)]
    assert picture.overdue_by_department == [("Marketing", 1)]
    assert picture.total.percent_done == 17  # 1 of 6 is 16.7%: to the nearest


def test_weekly_completions_count_every_cycle_in_its_week(db, enrolled, shipped_courses):
    # An older cycle completed three weeks ago still counts in its week.
    db.add(
        Enrollment(
            employee_id=enrolled["lead"].id,
            course_id=shipped_courses[GUIDELINE].course_id,
            assigned_at=clock.now() - timedelta(days=60),
            completed_at=clock.now() - timedelta(days=21),
        )
    )
    db.commit()
    weeks = overview(db, CompletionFilter(), weeks=5).weeks
    # The clock stands on Monday 2 March 2026: the current week is the last.
    assert [week.starts for week in weeks] == [
        date(2026, 2, 2),
        date(2026, 2, 9),
        date(2026, 2, 16),
        date(2026, 2, 23),
        date(2026, 3, 2),
    ]
    assert [week.completions for week in weeks] == [0, 1, 0, 1, 0]
    only_guideline = overview(db, CompletionFilter(course=GUIDELINE), weeks=5).weeks
    assert [week.completions for week in only_guideline] == [0, 1, 0, 0, 0]


def test_the_page_draws_every_chart_with_a_table(client, login, enrolled):
    login(enrolled["hr"])
    page = client.get("/reports/organisation").get_data(as_text=True)
    for title in (
        "Completion by department",
        "Completion by course",
        "People overdue by department",
        "Completions per week",
    ):
        assert f">{title}</figcaption>" in page
        assert f"{title} as a table" in page
    assert page.count('<svg class="chart-svg"') == 4
    assert 'role="img"' in page
    assert "Marketing: 1 overdue (25%)" in page  # a segment's own description
    assert "17%</strong> completed" in page


def test_an_empty_organisation_says_so(client, login, org):
    login(org["hr"])
    page = client.get("/reports/organisation").get_data(as_text=True)
    assert "Nothing to show yet." in page
    assert "No one is overdue." in page


def test_stacked_bars_fill_the_same_width_whatever_the_group_size():
    chart = charts.stacked(
        [
            StatusCounts("Big", {"completed": 300, "overdue": 100}),
            StatusCounts("Small", {"in progress": 1}),
        ]
    )
    widths = [sum(segment.width for segment in bar.segments) for bar in chart.bars]
    assert widths[0] == pytest.approx(widths[1])
    big = chart.bars[0].segments
    assert [(s.status, s.percent) for s in big] == [("completed", 75), ("overdue", 25)]
    assert big[1].x == pytest.approx(big[0].x + big[0].width, abs=0.1)


@pytest.mark.parametrize(
    ("by_status", "percents"),
    [
        ({"completed": 1, "overdue": 1, "not started": 1}, [33, 33, 34]),
        ({"completed": 1, "in progress": 1, "not started": 1, "overdue": 3}, [16, 17, 17, 50]),
        ({"completed": 2, "in progress": 1}, [67, 33]),
    ],
)
def test_a_bars_percentages_add_up_to_100(by_status, percents):
    """Rounded down each, thirds read 33% + 33% + 33% = 99%; the largest remainders get the
    point left over, ties to the more pressing status (overdue first), so a tie never
    flatters completion. Segments run completed, in progress, not started, overdue."""
    (bar,) = charts.stacked([StatusCounts("Team", by_status)]).bars
    assert [segment.percent for segment in bar.segments] == percents
    assert sum(segment.percent for segment in bar.segments) == 100


@pytest.mark.parametrize(
    ("done", "required", "percent"),
    [(2, 3, 67), (1, 6, 17), (199, 200, 99), (1, 1000, 1), (0, 5, 0), (5, 5, 100), (0, 0, 0)],
)
def test_percent_done_rounds_to_nearest_but_never_to_all_or_nothing(done, required, percent):
    counts = StatusCounts("Team", {"completed": done, "not started": required - done})
    assert counts.percent_done == percent


def test_guideline_shares_round_to_nearest_but_only_everyone_is_100():
    assert DepartmentLine("Sales", acknowledged=2, pending=1).percent == 67  # not 66
    assert DepartmentLine("Sales", acknowledged=199, pending=1).percent == 99
    assert DepartmentLine("Sales", acknowledged=1, pending=999).percent == 1


def test_columns_scale_to_a_round_top_and_date_every_fourth_week():
    weeks = [(date(2026, 1, 5) + timedelta(weeks=n), n * 7) for n in range(9)]
    chart = charts.columns(weeks)
    assert [tick.value for tick in chart.ticks] == [0, 20, 40, 60, 80]
    tallest = max(chart.columns, key=lambda column: column.height)
    assert tallest.value == 56
    assert tallest.y + tallest.height == chart.plot_bottom
    assert [column.labelled for column in chart.columns] == [
        True, False, False, False, True, False, False, False, True
    ]  # fmt: skip


def test_guideline_report_counts_who_has_acknowledged_the_current_version(db, org, shipped_courses):
    version = shipped_courses[GUIDELINE]
    for person in ("staff", "lead"):
        acknowledge(db, org[person].id, version, None)
    db.commit()
    report = guideline_report(db, GuidelineFilter())
    assert (report.acknowledged, report.pending, report.percent) == (2, 4, 33)
    marketing = next(line for line in report.departments if line.department == "Marketing")
    assert marketing.percent == 50
    assert {line.department: (line.acknowledged, line.pending) for line in report.departments} == {
        "Marketing": (2, 2),
        "Ops": (0, 1),
        "Sales": (0, 1),
    }
    pending = guideline_report(db, GuidelineFilter(status="not acknowledged"))
    assert pending.total == 4
    assert {row.email for row in pending.rows} == {
        org[p].email for p in ("hr", "senior", "staff2", "outsider")
    }
    # The status filter narrows the list, never the counts.
    assert pending.acknowledged == 2


def test_a_version_asking_again_makes_older_acknowledgements_stop_counting(
    db, org, shipped_courses
):
    first = shipped_courses[GUIDELINE]
    acknowledge(db, org["staff"].id, first, None)
    second = CourseVersion(
        **{
            column: getattr(first, column)
            for column in ("course_id", "title", "summary", "minutes", "fingerprint")
        },
        number=2,
        status="published",
        requires_reacknowledgement=True,
        published_at=clock.now(),
    )
    first.status = "retired"
    db.add(second)
    db.commit()
    report = guideline_report(db, GuidelineFilter(status="acknowledged"))
    assert report.current.number == 2
    assert (report.acknowledged, report.total) == (0, 0)


def test_guideline_page_and_csv(client, login, db, org, shipped_courses):
    acknowledge(db, org["staff"].id, shipped_courses[GUIDELINE], None)
    org["outsider"].is_active = False
    db.commit()
    login(org["hr"])
    page = client.get("/reports/guideline").get_data(as_text=True)
    assert "1 of 5 have acknowledged it (20%)" in page
    with client.get("/reports/guideline.csv?status=acknowledged") as response:
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="postwise-guideline-acknowledged-2026-03-02.csv"'
        )
        assert response.headers["Cache-Control"] == "no-store"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][:5] == [
        org["staff"].hris_id,
        "Sia Staff",
        org["staff"].email,
        "Marketing",
        "acknowledged",
    ]
    assert len(rows) == 2


def test_no_guideline_yet(client, login, org):
    login(org["hr"])
    page = client.get("/reports/guideline").get_data(as_text=True)
    assert "No social media guideline is published yet" in page
    assert "People, page" not in page


def test_latest_cycle_only_in_the_overview(db, enrolled, shipped_courses):
    sia = db.scalar(select(Enrollment).where(Enrollment.employee_id == enrolled["staff"].id))
    db.add(
        Enrollment(
            employee_id=sia.employee_id,
            course_id=sia.course_id,
            cycle=2,
            assigned_at=clock.now(),
        )
    )
    db.commit()
    marketing = next(
        g for g in overview(db, CompletionFilter()).by_department if g.label == "Marketing"
    )
    assert marketing.by_status == {"overdue": 1, "not started": 3}
