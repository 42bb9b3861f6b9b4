"""SAML assertion ids already accepted: kept in the database so a replay is refused by any
app process, not only the one that saw the assertion first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class SamlAssertionSeen(Base):
    """One accepted assertion; kept until it expires (after that the IdP's own NotOnOrAfter
    refuses it anyway), then purged."""

    __tablename__ = "saml_assertions_seen"

    assertion_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
