"""Schema 0015 adds SCIM tokens and the call log to a database that already has people;
0016 adds directory groups beside the rules already saved."""

from __future__ import annotations

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from lms import migrations
from lms.assignments.audience import audience
from lms.assignments.models import AssignmentRule
from lms.db import make_engine
from lms.people.groups import DirectoryGroup, GroupMember
from lms.people.models import Employee
from lms.scim import services, tokens
from lms.scim.schema import to_user


def test_a_database_with_people_upgrades_and_provisions_them(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0014")
    _add_people(engine, 3)
    migrations.upgrade(engine)  # 0015 and all after: the models need today's columns
    with Session(engine) as session:
        new = tokens.create_token(session, "Okta", actor_id=1)
        tokens.log_call(session, new.token.id, "GET", "/scim/v2/Users", 200, None)
        session.commit()
        assert tokens.authenticate(session, new.secret).name == "Okta"
        person = session.get(Employee, 2)
        user = to_user(person, None, "http://host/scim/v2/Users/2")
        user.title = "Buyer"
        services.replace_person(session, person, user, token_name="Okta")
        session.commit()
        assert session.scalar(select(Employee.title).where(Employee.id == 2)) == "Buyer"
        assert [call.status for call in tokens.recent_calls(session)] == [200]
    engine.dispose()


def test_a_database_from_before_scim_delete_upgrades_and_forgets_deleted_people(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0015")
    _add_people(engine, 2)
    migrations.upgrade(engine)
    with Session(engine) as session:
        person = session.get(Employee, 2)
        user = to_user(person, None, "http://host/scim/v2/Users/2")
        services.deactivate_person(session, person, user, token_name="Okta")
        session.commit()
        assert session.get(Employee, 2).is_active is False
        assert services.list_people(session, None, 1, 10).total == 1
    engine.dispose()


def test_schema_0016_adds_directory_groups_beside_existing_rules(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0015")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (id, hris_id, email, first_name, last_name, is_active,"
                " is_hr_admin, session_version, failed_sign_ins, weekly_digest, created_at,"
                " updated_at) VALUES (1, 'E1', 'p1@example.com', 'A', 'B', 1, 1, 1, 0, 1,"
                " '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO courses (id, slug, kind, created_at) VALUES (1, 'essentials',"
                " 'course', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO assignment_rules (id, course_id, audience, audience_values, due_days,"
                " is_active, created_at, updated_at) VALUES (1, 1, 'departments', '[\"Sales\"]',"
                " 30, 1, '2026-01-01', '2026-01-01')"
            )
        )
    migrations.upgrade(engine, "0016")
    with Session(engine) as session:
        group = DirectoryGroup(display_name="Sales team", external_id="okta-1")
        session.add(group)
        session.flush()
        session.add(GroupMember(group_id=group.id, employee_id=1))
        session.commit()
        rule = session.get(AssignmentRule, 1)
        assert (rule.audience, rule.audience_values) == ("departments", ["Sales"])
        rule.audience, rule.audience_values = "groups", [str(group.id)]
        assert list(session.scalars(audience(rule))) == [1]
    engine.dispose()


def _add_people(engine: Engine, count: int) -> None:
    """People as an older schema stores them (the first an HR admin), written as plain SQL."""
    with engine.begin() as connection:
        for n in range(1, count + 1):
            connection.execute(
                text(
                    "INSERT INTO employees (id, hris_id, email, first_name, last_name, department,"
                    " is_active, is_hr_admin, session_version, failed_sign_ins, weekly_digest,"
                    " created_at, updated_at) VALUES (:n, :hris, :email, 'A', 'B', 'Sales', 1,"
                    " :admin, 1, 0, 1, '2026-01-01', '2026-01-01')"
                ),
                {"n": n, "hris": f"E{n}", "email": f"p{n}@example.com", "admin": n == 1},
            )
