"""SCIM Users on top of the HRIS import: each SCIM write is a one-person import.

A SCIM create, replace, patch or deactivation becomes one HRIS record and goes through
lms.people.importer.import_people, so the very same checks (addresses, unknown managers,
reporting cycles, never deactivating the last HR admin) and audit apply; what SCIM knows
nothing about (location, hire date) is kept as stored. Problems come back in SCIM words.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass

from scim2_models import (
    EnterpriseUser,
    InvalidFilterException,
    MutabilityException,
    NotFoundException,
    PatchOp,
    PatchOperation,
    SCIMException,
    UniquenessException,
)
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lms.audit import services as audit
from lms.db import serialize
from lms.languages import LANGUAGES, NotALanguageTag, best_spoken
from lms.people.hris import HrisFileError, Problem, one_person_csv
from lms.people.importer import import_people
from lms.people.models import Employee
from lms.scim.models import ScimPreferredLanguage, ScimRemovedUser, ScimUserName
from lms.scim.schema import ATTRIBUTE_OF_COLUMN, GENERATED_ID_PREFIX, ScimUser, to_user
from lms.textcheck import first_unstorable

log = logging.getLogger(__name__)
MAX_RECORD_BYTES = 64 * 1024  # one person; the HRIS reader's limit for this "file"
MAX_HRIS_ID = 64  # as the employees table and the HRIS file allow
MAX_COUNT = 200  # per page of GET /Users
MAX_PREFERRED_LANGUAGE = 200  # as scim_preferred_languages keeps it
# The filters identity providers send before creating someone: attribute eq "value".
_FILTER = re.compile(r'^\s*(userName|externalId|id)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
_COLUMN_IN_LABEL = re.compile(r"\((\w+)\)$")


@dataclass(frozen=True)
class UsersPage:
    total: int
    people: list[Employee]


class ScimRefused(SCIMException):
    """A change the HRIS rules refuse (e.g. the last HR admin); the detail says which rule."""

    status = 400
    scim_type = "invalidValue"


def get_person(session: Session, scim_id: str) -> Employee:
    """The employee a SCIM id names; NotFoundException otherwise, also for someone the
    provider deleted (Postwise keeps them, but for SCIM they are gone)."""
    person = session.get(Employee, int(scim_id)) if scim_id.isdigit() else None
    if person is None or session.get(ScimRemovedUser, person.id) is not None:
        raise NotFoundException(detail=f"no user has the id {scim_id!r}")
    return person


def as_users(session: Session, people: list[Employee], users_url: str) -> list[ScimUser]:
    """The SCIM Users for some people (one query each for their login-style userNames and
    their preferredLanguages as sent, if any)."""
    ids = [person.id for person in people]
    names = dict(
        session.execute(
            select(ScimUserName.employee_id, ScimUserName.user_name).where(
                ScimUserName.employee_id.in_(ids)
            )
        ).all()
    )
    sent = dict(
        session.execute(
            select(ScimPreferredLanguage.employee_id, ScimPreferredLanguage.value).where(
                ScimPreferredLanguage.employee_id.in_(ids)
            )
        ).all()
    )
    return [
        to_user(
            person,
            person.manager_id,
            f"{users_url}/{person.id}",
            names.get(person.id),
            _still_meant(sent.get(person.id), person.directory_language),
        )
        for person in people
    ]


def _still_meant(sent: str | None, stored: str | None) -> str | None:
    """The preferredLanguage as sent while it still means the language stored (an HRIS file
    may have changed that since); else None, and the stored code shows."""
    if sent is None:
        return None
    return sent if _spoken(sent) == stored else None


def list_people(session: Session, filter_text: str | None, start: int, count: int) -> UsersPage:
    """A page of people (startIndex is 1-based), optionally filtered by one `eq` filter."""
    query = select(Employee).where(Employee.id.not_in(select(ScimRemovedUser.employee_id)))
    if filter_text:
        match = _FILTER.match(filter_text)
        if match is None:
            raise InvalidFilterException(
                detail=f"the filter {filter_text!r} is not supported: use "
                'userName eq "…", externalId eq "…" or id eq "…"'
            )
        attribute, value = match.group(1).lower(), match.group(2).replace('\\"', '"')
        if attribute == "username":
            login = select(ScimUserName.employee_id).where(ScimUserName.user_name == value)
            query = query.where((Employee.email == value.strip().lower()) | Employee.id.in_(login))
        elif attribute == "externalid":
            query = query.where(Employee.hris_id == value)
        else:
            query = query.where(Employee.id == (int(value) if value.isdigit() else -1))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    count = max(0, min(count, MAX_COUNT))
    people = list(
        session.scalars(query.order_by(Employee.id).offset(max(start, 1) - 1).limit(count))
    )
    return UsersPage(total, people)


def create_person(session: Session, user: ScimUser, *, token_name: str) -> Employee:
    """Add the person a SCIM POST describes; UniquenessException if they exist already."""
    # Without an externalId (Okta's default) the person gets an employee id of their own;
    # map externalId to the HRIS's employee id so an HRIS file and SCIM name the same person.
    # The import's lock before the checks: two creations of one person at once take turns,
    # and the second hears that the person exists.
    serialize(session, "people import")
    removed = _removed_match(session, user)
    if removed is not None:
        return _take_back(session, removed, user, token_name=token_name)
    hris_id = _hris_id(user) or _generated_id()
    if session.scalar(select(Employee.id).where(Employee.hris_id == hris_id)) is not None:
        raise UniquenessException(detail=f"a user with externalId {hris_id!r} exists already")
    return _save(session, user, None, hris_id, token_name=token_name)


def _removed_match(session: Session, user: ScimUser) -> Employee | None:
    """Someone the provider deleted earlier whom this new user names again, by externalId or
    by address: they come back as the same person, with their history."""
    hris_id = _hris_id(user)
    address = _email(user, None)
    named = (Employee.hris_id == hris_id) if hris_id else (Employee.email == address)
    return session.scalar(
        select(Employee)
        .join(ScimRemovedUser, ScimRemovedUser.employee_id == Employee.id)
        .where(named)
    )


def _take_back(session: Session, person: Employee, user: ScimUser, *, token_name: str) -> Employee:
    session.delete(session.get(ScimRemovedUser, person.id))
    session.flush()
    if user.active is None:
        user.active = True  # a new user is active unless the provider says otherwise
    log.info("SCIM user %s created again after being deleted", person.hris_id)
    return replace_person(session, person, user, token_name=token_name)


def _generated_id() -> str:
    """An employee id for someone the provider names by no id of the HRIS's (not shown as
    externalId, which belongs to the provider)."""
    return f"{GENERATED_ID_PREFIX}{uuid.uuid4().hex[:16]}"


def replace_person(
    session: Session, person: Employee, user: ScimUser, *, token_name: str
) -> Employee:
    """Make the person what a SCIM PUT says (location and hire date are not SCIM's)."""
    hris_id = _hris_id(user) or person.hris_id
    if hris_id != person.hris_id:
        _rename(session, person, hris_id)
    if user.active is None:
        user.active = person.is_active
    return _save(session, user, person, hris_id, token_name=token_name)


def patch_person(
    session: Session,
    person: Employee,
    current: ScimUser,
    patch: PatchOp[ScimUser],
    *,
    token_name: str,
) -> Employee:
    """Apply a SCIM PATCH to the person as they read now, then save the result.

    Removing externalId unlinks the person from their HRIS employee id: they get an id of
    Postwise's own (a PUT without externalId keeps it, as Okta sends none)."""
    patch.patch(current)
    if any(_removes_external_id(operation) for operation in patch.operations or []):
        _rename(session, person, _generated_id())
    return replace_person(session, person, current, token_name=token_name)


def _removes_external_id(operation: PatchOperation) -> bool:
    return (
        operation.op == PatchOperation.Op.remove
        and str(operation.path or "").lower() == "externalid"
    )


def deactivate_person(
    session: Session, person: Employee, current: ScimUser, *, token_name: str
) -> Employee:
    """A SCIM DELETE: the person is deactivated, never deleted (their history stays), and
    gone from the SCIM API from now on."""
    current.active = False
    saved = replace_person(session, person, current, token_name=token_name)
    session.add(ScimRemovedUser(employee_id=person.id))
    session.flush()
    return saved


def _rename(session: Session, person: Employee, hris_id: str) -> None:
    """A new externalId is a new employee id for the same person (the HRIS renumbered them);
    their history stays theirs. UniquenessException if someone else has that id."""
    if session.scalar(select(Employee.id).where(Employee.hris_id == hris_id)) is not None:
        raise UniquenessException(detail=f"another user has the externalId {hris_id!r}")
    if len(hris_id) > MAX_HRIS_ID or not hris_id.strip():
        raise MutabilityException(
            detail=f"externalId must be 1 to {MAX_HRIS_ID} characters: it is the employee id"
        )
    audit.record(
        session,
        "scim.user_renumbered",
        f"{person.name}: the identity provider changed their employee id",
        actor_id=None,
        before=person.hris_id,
        after=hris_id,
    )
    session.execute(update(Employee).where(Employee.id == person.id).values(hris_id=hris_id))
    session.refresh(person)


def _hris_id(user: ScimUser) -> str | None:
    enterprise = user[EnterpriseUser]
    return user.external_id or (enterprise.employee_number if enterprise else None) or None


def _save(
    session: Session, user: ScimUser, person: Employee | None, hris_id: str, *, token_name: str
) -> Employee:
    email = _email(user, person)
    user_name = (user.user_name or "").strip()
    login_owner = session.scalar(
        select(Employee.hris_id)
        .join(ScimUserName, ScimUserName.employee_id == Employee.id)
        .where(ScimUserName.user_name == user_name, Employee.hris_id != hris_id)
    )
    if login_owner is not None:
        raise UniquenessException(
            detail=f"userName {user_name!r} already belongs to the user with externalId "
            f"{login_owner!r}"
        )
    owner = session.scalar(
        select(Employee.hris_id).where(Employee.email == email, Employee.hris_id != hris_id)
    )
    if owner is not None:
        raise UniquenessException(
            detail=f"userName {email!r} already belongs to the user with externalId {owner!r}"
        )
    enterprise = user[EnterpriseUser]
    row = {
        "employee_id": hris_id,
        "email": email,
        "first_name": user.name.given_name if user.name else "",
        "last_name": user.name.family_name if user.name else "",
        "department": enterprise.department if enterprise else None,
        "title": user.title,
        "location": person.location if person else None,
        "manager_id": _manager_hris_id(session, enterprise),
        "hire_date": person.hire_date.isoformat() if person and person.hire_date else None,
        "status": "inactive" if user.active is False else "active",
        "language": _directory_language(user.preferred_language),
    }
    before = _summary(person) if person else None
    try:
        # One person asked for by name: the "so many leave at once" confirmation is given.
        leaving = 1 if row["status"] == "inactive" else None
        import_people(
            session,
            one_person_csv(row),
            max_bytes=MAX_RECORD_BYTES,
            actor_id=None,
            confirmed_deactivations=leaving,
            source="SCIM call",
        )
    except HrisFileError as exc:
        raise ScimRefused(detail="; ".join(_in_scim_words(p) for p in exc.problems)) from None
    saved = session.scalar(select(Employee).where(Employee.hris_id == hris_id))
    if saved is None:  # the import wrote it; not finding it is a bug
        raise RuntimeError(f"SCIM user {hris_id} was not saved")
    session.refresh(saved)
    _keep_user_name(session, saved, user_name)
    _keep_preferred_language(session, saved, user.preferred_language)
    after = _summary(saved)
    if before != after:
        audit.record(
            session,
            "scim.user_changed",
            f"{saved.name} ({saved.hris_id}) through SCIM token {token_name!r}",
            actor_id=None,
            before=before,
            after=after,
        )
    log.info("SCIM user %s saved through token %r", saved.hris_id, token_name)
    return saved


def _email(user: ScimUser, person: Employee | None) -> str:
    """userName is the address, unless it is a login name (no @): then the primary (or first)
    of the emails is. A PATCH that only changes the primary email moves the address too."""
    user_name = (user.user_name or "").strip().lower()
    emails = [e for e in user.emails or [] if e.value]
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    address = chosen.value.strip().lower() if chosen and chosen.value else None
    if "@" not in user_name:
        if address is None:
            raise ScimRefused(
                detail=f"userName {user.user_name!r} is not an email address and no emails "
                "were given: Postwise needs each person's work address"
            )
        return address
    if person is not None and user_name == person.email and address:
        return address
    return user_name


def _keep_user_name(session: Session, person: Employee, user_name: str) -> None:
    """Remember a login-style userName; forget it once userName is the address again."""
    stored = session.get(ScimUserName, person.id)
    if user_name.lower() == person.email:
        if stored is not None:
            session.delete(stored)
    elif stored is None:
        session.add(ScimUserName(employee_id=person.id, user_name=user_name))
    else:
        stored.user_name = user_name
    session.flush()


def _manager_hris_id(session: Session, enterprise: EnterpriseUser | None) -> str | None:
    """The manager as the HRIS names them, from their SCIM id or their externalId."""
    value = enterprise.manager.value if enterprise and enterprise.manager else None
    if not value:
        return None
    if value.isdigit() and (by_id := session.get(Employee, int(value))) is not None:
        return by_id.hris_id
    if session.scalar(select(Employee.id).where(Employee.hris_id == value)) is not None:
        return value
    raise ScimRefused(
        detail=f"manager.value {value!r} names nobody: no user has that id or externalId; "
        "provision the manager first, or leave the manager out"
    )


def _spoken(preferred: str | None) -> str | None:
    """The language Postwise speaks that preferredLanguage prefers (RFC 7643 §4.1.1: an
    Accept-Language value, "de-DE" or "fr-CA, en;q=0.5"), or None when it names none of
    them or is no language tag at all: a preference is never a reason to refuse a person,
    who then sees their browser's language."""
    if not (preferred or "").strip():
        return None
    try:
        return best_spoken(preferred or "")
    except NotALanguageTag:
        return None


def _directory_language(preferred: str | None) -> str | None:
    """The code to store; ScimRefused for a value that could not be kept as sent."""
    if preferred is not None and len(preferred) > MAX_PREFERRED_LANGUAGE:
        raise ScimRefused(
            detail=f"preferredLanguage: {len(preferred)} characters; the most Postwise keeps "
            f"is {MAX_PREFERRED_LANGUAGE} (it speaks {', '.join(LANGUAGES)})"
        )
    if preferred is not None and (bad := first_unstorable(preferred)) is not None:
        raise ScimRefused(
            detail=f"preferredLanguage: holds {bad.name}, which cannot be stored; remove it"
        )
    return _spoken(preferred)


def _keep_preferred_language(session: Session, person: Employee, sent: str | None) -> None:
    """Remember a preferredLanguage that is not just the code stored; forget it otherwise."""
    stored = session.get(ScimPreferredLanguage, person.id)
    if not (sent or "").strip() or sent == person.directory_language:
        if stored is not None:
            session.delete(stored)
    elif stored is None:
        session.add(ScimPreferredLanguage(employee_id=person.id, value=sent))
    else:
        stored.value = sent
    session.flush()


def _in_scim_words(problem: Problem) -> str:
    column = _COLUMN_IN_LABEL.search(problem.column or "")
    if column is None:
        return str(problem.message)
    attribute = ATTRIBUTE_OF_COLUMN.get(column.group(1), column.group(1))
    return f"{attribute}: {problem.message}"


def _summary(person: Employee) -> str:
    state = "active" if person.is_active else "inactive"
    return (
        f"{person.email}, {person.name}, {person.title or 'no title'}, "
        f"{person.department or 'no department'}, manager {person.manager_id or 'none'}, "
        f"language {person.directory_language or 'none'}, {state}"
    )
