"""The company's pre-check settings and each person's saved practice drafts."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit import services as audit
from lms.precheck.engine import Finding
from lms.precheck.models import PracticeDraft, PrecheckSettings
from lms.precheck.profile import DEFAULT_PROFILE, CompanyProfile, dump_profile, load_profile

SETTINGS_ID = 1
_SETTINGS = select(PrecheckSettings.profile_yaml).where(PrecheckSettings.id == SETTINGS_ID)


def company_profile(session: Session) -> CompanyProfile:
    """The profile HR saved, or the empty default before they have."""
    saved = session.scalar(_SETTINGS)
    return DEFAULT_PROFILE if saved is None else _parsed(saved)


@lru_cache(maxsize=4)
def _parsed(saved: str) -> CompanyProfile:
    """Each saved text parsed once per process: every check reads the settings."""
    return load_profile(saved, where="saved settings")


def save_profile(session: Session, profile: CompanyProfile, *, actor_id: int | None) -> bool:
    """Keep a new profile (audited with before and after); False if nothing changed."""
    row = session.get(PrecheckSettings, SETTINGS_ID)
    before = row.profile_yaml if row is not None else dump_profile(DEFAULT_PROFILE)
    after = dump_profile(profile)
    if before == after:
        return False
    if row is None:
        row = PrecheckSettings(id=SETTINGS_ID)
        session.add(row)
    row.profile_yaml, row.updated_at, row.updated_by_id = after, clock.now(), actor_id
    audit.record(
        session, "precheck.settings_changed", "pre-check settings", actor_id=actor_id,
        before=before, after=after,
    )  # fmt: skip
    session.flush()
    return True


def save_draft(session: Session, employee_id: int, text: str, findings: list[Finding]) -> None:
    """Keep a draft in its author's practice history, with the rules it triggered."""
    rules = ",".join(dict.fromkeys(finding.rule for finding in findings))
    session.add(
        PracticeDraft(employee_id=employee_id, text=text, rules=rules, created_at=clock.now())
    )
    session.flush()


def drafts_of(session: Session, employee_id: int, limit: int = 50) -> list[PracticeDraft]:
    """A person's saved drafts, newest first."""
    return list(
        session.scalars(
            select(PracticeDraft)
            .where(PracticeDraft.employee_id == employee_id)
            .order_by(PracticeDraft.created_at.desc(), PracticeDraft.id.desc())
            .limit(limit)
        )
    )


def draft_of(session: Session, employee_id: int, draft_id: int) -> PracticeDraft | None:
    """One of a person's own drafts; None if they have no such draft."""
    return session.scalar(
        select(PracticeDraft).where(
            PracticeDraft.id == draft_id, PracticeDraft.employee_id == employee_id
        )
    )


def delete_draft(session: Session, employee_id: int, draft_id: int) -> bool:
    """Delete one of a person's own drafts; False if they have no such draft."""
    result = session.execute(
        delete(PracticeDraft).where(
            PracticeDraft.id == draft_id, PracticeDraft.employee_id == employee_id
        )
    )
    return bool(result.rowcount)
