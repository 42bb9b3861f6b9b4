"""The differencing attack on HR's purpose figures, tried from HR's page, and the check behind it.

The attacker is HR: they read the page, move one person to another department, read again,
wait for the next quarter and read again, then add and subtract every figure they have seen.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from lms import clock
from lms.purpose.disclosure import singles_out
from lms.purpose.profiles import KEYS
from lms.purpose.services import record
from tests.helpers import csrf_token

STAYER = {"business": 2, "community": 2, "learning": 2, "job_seeking": 2, "vanity": 2}
MOVER = {"business": 0, "community": 0, "learning": 0, "job_seeking": 10, "vanity": 0}
LAWYER = {"business": 0, "community": 5, "learning": 5, "job_seeking": 0, "vanity": 0}
ROW = re.compile(
    r'<th scope="row">([^<]+)</th>\s*<td class="number">(\d+)</td>'
    + r'\s*<td class="number">([\d.]+)</td>' * len(KEYS)
)

Seen = tuple[str, int, tuple[float, ...]]  # label, people, averages


def read(client, login, hr) -> list[Seen]:
    """The figures on HR's page, as an attacker copies them down."""
    page = _page(client, login, hr)
    return [
        (label, int(people), tuple(float(a) for a in averages))
        for label, people, *averages in ROW.findall(page)
    ]


def _page(client, login, hr) -> str:
    """HR publishes whatever quarter has closed, then reads the page."""
    response = client.get("/reports/purpose")
    if response.status_code == 302:  # signed out: a quarter is longer than a session
        response = login(hr).get("/reports/purpose")
    assert response.status_code == 200
    if "Publish the figures for" in response.get_data(as_text=True):
        token = csrf_token(client, "/reports/purpose")
        published = client.post("/reports/purpose/publish", data={"csrf_token": token})
        assert published.status_code == 302
        response = client.get("/reports/purpose")
    return response.get_data(as_text=True)


def combinations_giving(seen: list[Seen], answers: dict[str, int]) -> list[str]:
    """Every sum and difference of the figures seen that covers one person and matches
    `answers` (within the rounding of the averages shown), in words."""
    found = []
    for signs in itertools.product((-1, 0, 1), repeat=len(seen)):
        if sum(sign * people for sign, (_, people, _) in zip(signs, seen, strict=True)) != 1:
            continue
        slack = sum(abs(s) * people * 0.05 for s, (_, people, _) in zip(signs, seen, strict=True))
        totals = [
            sum(s * people * avg[i] for s, (_, people, avg) in zip(signs, seen, strict=True))
            for i in range(len(KEYS))
        ]
        if all(abs(t - answers[k]) <= slack + 1e-9 for t, k in zip(totals, KEYS, strict=True)):
            terms = zip(signs, seen, strict=True)
            found.append(" ".join(f"{s:+d} {label}" for s, (label, _, _) in terms if s))
    return found


def test_moving_one_person_out_of_a_group_of_six_gives_nothing_away(
    client, login, db, make_employee
):
    sales = [make_employee(department="Sales") for _ in range(5)]
    mover = make_employee(department="Sales")
    legal = [make_employee(department="Legal") for _ in range(5)]
    for person in sales:
        record(db, person.id, STAYER)
    record(db, mover.id, MOVER)
    for person in legal:
        record(db, person.id, LAWYER)
    db.commit()
    hr = make_employee(is_hr_admin=True, department="HR")

    clock.advance(timedelta(days=31))  # 2 April: January to March has closed
    first = read(client, login, hr)
    mover.department = "Legal"  # HR moves them
    db.commit()
    second = read(client, login, hr)
    assert combinations_giving(first + second, MOVER) == []
    assert [(label, people) for label, people, _ in first] == [
        ("Legal", 5),
        ("Sales", 6),
        ("Everyone", 11),
    ]
    assert second == first  # the same frozen quarter, whatever happened since

    clock.advance(timedelta(days=92))  # 2 July: April to June has closed
    third = read(client, login, hr)
    # Sales is the same 5 minus the mover and Legal the same 5 plus the mover (the
    # three-way view): both are left out; Everyone is the same 11, with the same figure.
    assert third == [("Everyone", 11, first[2][2])]
    page = _page(client, login, hr)
    assert "2 departments have no row of their own" in page

    for seen in (first + second, first + third, first + second + third):
        assert combinations_giving(seen, MOVER) == []


def test_a_department_split_in_two_cannot_be_subtracted_from_the_old_one(
    client, login, db, make_employee
):
    """Differencing three figures: Sales of 11 in Q1; in Q2 two teams of 5 and the
    eleventh person in Legal. A rule comparing two groups at a time would show both teams."""
    east = [make_employee(department="Sales") for _ in range(5)]
    west = [make_employee(department="Sales") for _ in range(5)]
    mover = make_employee(department="Sales")
    lawyers = [make_employee(department="Legal") for _ in range(5)]
    for person in east + west:
        record(db, person.id, STAYER)
    record(db, mover.id, MOVER)
    for person in lawyers:
        record(db, person.id, LAWYER)
    db.commit()
    hr = make_employee(is_hr_admin=True, department="HR")
    clock.advance(timedelta(days=31))
    first = read(client, login, hr)
    assert ("Sales", 11) in [(label, people) for label, people, _ in first]
    for person in east:
        person.department = "Sales East"
    for person in west:
        person.department = "Sales West"
    mover.department = "Legal"
    db.commit()
    clock.advance(timedelta(days=92))
    second = read(client, login, hr)
    labels = [label for label, _, _ in second]
    assert "Sales East" in labels  # one team can be shown...
    assert "Sales West" not in labels and "Legal" not in labels  # ...not the rest
    assert combinations_giving(first + second, MOVER) == []


def test_one_person_retaking_it_does_not_show_their_change(client, login, db, make_employee):
    people = [make_employee(department="Sales") for _ in range(6)]
    for person in people:
        record(db, person.id, STAYER)
    db.commit()
    hr = make_employee(is_hr_admin=True, department="HR")
    clock.advance(timedelta(days=31))
    first = read(client, login, hr)
    record(db, people[0].id, MOVER)  # they lost their job: all ten points to job seeking
    db.commit()
    clock.advance(timedelta(days=92))
    second = read(client, login, hr)
    assert second == []  # Sales and Everyone would both show the one change
    change = {key: MOVER[key] - STAYER[key] for key in KEYS}
    seen = first + second
    for signs in itertools.product((-1, 0, 1), repeat=len(seen)):
        if sum(s * people for s, (_, people, _) in zip(signs, seen, strict=True)) == 0 and any(
            signs
        ):
            totals = [
                sum(s * n * avg[i] for s, (_, n, avg) in zip(signs, seen, strict=True))
                for i in range(len(KEYS))
            ]
            assert [round(t) for t in totals] != [change[k] for k in KEYS]


def test_the_check_isolates_one_person_through_any_number_of_figures():
    owner = {answer: answer for answer in range(20)}
    six, five = set(range(6)), set(range(5))
    assert singles_out([six, five], owner)  # the group of 6, then the same 5
    assert not singles_out([six, six], owner)  # the same frozen figure twice
    assert singles_out([set(range(11)), set(range(5)), set(range(5, 10))], owner)
    assert not singles_out([set(range(11)), set(range(5))], owner)  # 6 people remain
    # One person's two answers (their change) and two people's answers both count.
    owner.update({50: 5, 51: 4})
    assert singles_out([six, five | {50}], owner)
    assert not singles_out([six, set(range(4)) | {50, 51}], owner)
    assert singles_out([six, set(range(4)) | {50, 51}], owner, smallest=5)
    # Everyone minus the one group shown is the two people left: too few to show.
    assert singles_out([five, set(range(7))], owner, smallest=5)
    assert not singles_out([five, set(range(10))], owner, smallest=5)


def test_publishing_a_quarter_takes_the_same_statements_for_5_or_65_people(
    app, client, login, db, make_employee
):
    from sqlalchemy import event

    from lms.dbsession import database

    hr = make_employee(is_hr_admin=True, department="HR")
    counts = []
    for people in (5, 60):
        for n in range(people):
            record(db, make_employee(department=f"D{n % 3}").id, STAYER)
        db.commit()
        clock.advance(timedelta(days=92))  # the next quarter closes
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args, seen=seen) -> None:
            seen.append(statement)

        client.get("/")
        login(hr)
        event.listen(database(app).engine, "before_cursor_execute", count)
        try:
            assert client.get("/reports/purpose").status_code == 200
        finally:
            event.remove(database(app).engine, "before_cursor_execute", count)
        counts.append(len(seen))
    assert counts[0] == counts[1]
