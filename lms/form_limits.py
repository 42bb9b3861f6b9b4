"""Form fields no longer than the column they fill, the limit read from the model itself.

Without it PostgreSQL refuses an over-long value (a 500) while SQLite stores it whole, and a
megabyte title then rides along in the flash message and breaks the session cookie.
"""

from __future__ import annotations

from typing import Any

from wtforms import Field, Form
from wtforms.validators import ValidationError

from lms.db import column_length
from lms.textcheck import too_long


class FitsColumn:
    """A validator: the field's text fits `column` (a model attribute such as Lesson.title)."""

    def __init__(self, column: Any) -> None:
        self.column = column
        self.max = column_length(column)
        self.field_flags = {"maxlength": self.max}  # the browser stops typing there, too

    def __call__(self, form: Form, field: Field) -> None:
        if message := too_long(field.data if isinstance(field.data, str) else None, self.max):
            raise ValidationError(message)
