"""What runs after a people import, registered by the app (higher floors hook in here).

People sit below assignments, so the import cannot call the assignment sync itself;
create_app registers it, and the import's web and command-line edges run what is registered.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy.orm import Session

FollowUp = Callable[[Session], str]  # does its work in the import's session; says what it did
KEY = "lms.after_people_import"


def register_after_people_import(app: Flask, follow_up: FollowUp) -> None:
    """Run `follow_up` in the same transaction after every successful people import."""
    app.extensions.setdefault(KEY, []).append(follow_up)


def after_people_import(app: Flask) -> list[FollowUp]:
    """The follow-ups registered on this app, in order."""
    return list(app.extensions.get(KEY, []))
