"""Bad data in the org chart (a cycle an import would refuse, written straight into the
database) never hangs the reporting-line walk, and the walk finds exactly who is below."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms.people.models import Employee
from lms.people.org import reporting_line

PEOPLE = 8
# Each person's manager by position (None: nobody); cycles, self-management and all.
charts = st.lists(
    st.one_of(st.none(), st.integers(0, PEOPLE - 1)), min_size=PEOPLE, max_size=PEOPLE
)


def below(start: int, manager_of: dict[int, int | None]) -> set[int]:
    """Everyone whose chain of managers passes through `start`, walked in Python."""
    found: set[int] = set()
    frontier = {start}
    while frontier:
        frontier = {p for p, m in manager_of.items() if m in frontier} - found
        found |= frontier
    return found


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chart=charts)
def test_any_org_chart_even_with_cycles_gives_each_line_exactly(
    db: Session, make_employee, chart: list[int | None]
):
    ids = db.scalars(select(Employee.id).order_by(Employee.id)).all()
    if len(ids) < PEOPLE:
        ids = [make_employee(password=None).id for _ in range(PEOPLE)]
    manager_of = {ids[n]: (ids[m] if m is not None else None) for n, m in enumerate(chart)}
    for person, manager in manager_of.items():
        db.execute(update(Employee).where(Employee.id == person).values(manager_id=manager))
    for manager in ids:
        assert set(db.scalars(reporting_line(manager))) == below(manager, manager_of)
    db.rollback()
