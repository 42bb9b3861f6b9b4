"""GET /api/v1/people and /people/{id}: people in the client's scope, others do not exist."""

from __future__ import annotations

from tests.api.conftest import get_token


def _as(app, new):
    access = get_token(app, new).get_json()["access_token"]
    client = app.test_client()
    return lambda path: client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {access}"})


def test_people_are_paged_without_gaps_or_repeats(api, org):
    seen, link = [], "/people?limit=4"
    while link:
        body = api(link.removeprefix("http://postwise.test/api/v1")).get_json()
        seen += body["data"]
        link = body["next"]
    assert [p["id"] for p in seen] == sorted(p.id for p in org.values())
    lead = next(p for p in seen if p["id"] == org["staff"].id)
    assert lead["manager_email"] == org["lead"].email and lead["active"] is True


def test_one_person_and_an_unknown_id(api, org):
    response = api(f"/people/{org['outsider'].id}")
    assert response.status_code == 200
    assert response.get_json()["department"] == "Sales"
    assert response.headers["ETag"]
    for unknown in (999999, 2**31, 2**64):  # past the ids' 32 bits too (schemathesis found it)
        missing = api(f"/people/{unknown}")
        assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_a_manager_scoped_client_sees_only_the_line(app, make_client, org):
    call = _as(app, make_client(manager=org["senior"].email))
    listed = {p["email"] for p in call("/people?limit=500").get_json()["data"]}
    assert listed == {org[n].email for n in ("lead", "staff", "staff2")}
    assert call(f"/people/{org['staff'].id}").status_code == 200
    for outside in ("outsider", "hr", "senior"):
        assert call(f"/people/{org[outside].id}").status_code == 404


def test_people_need_read_people(app, make_client, org):
    call = _as(app, make_client(scopes=["read:completions"]))
    assert call("/people").status_code == 403
    assert call(f"/people/{org['staff'].id}").status_code == 403
