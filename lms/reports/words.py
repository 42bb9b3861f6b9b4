"""The words reports show for codes (statuses, file columns), marked for translation. Pure.

Pages show a status by its label (`STATUS_LABELS`, translated with the `translate` filter)
and say it inside a sentence in lower case (`STATUS_WORDS`). Files write those lower-case
words too, as they always have in English, so a script reading an English file sees the
same words as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lms import catalogues
from lms.learning.statuses import (
    COMPLETED,
    COMPLETED_ELSEWHERE,
    EXEMPTED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
)
from lms.messages import N_, Message

WITHDRAWN = "withdrawn"  # a person's course HR took back (lms.assignments.individual)

STATUS_LABELS: dict[str, Message] = {
    OVERDUE: N_("Overdue"),
    IN_PROGRESS: N_("In progress"),
    NOT_STARTED: N_("Not started"),
    COMPLETED: N_("Completed"),
    COMPLETED_ELSEWHERE: N_("Completed elsewhere"),
    EXEMPTED: N_("Exempted"),
    WITHDRAWN: N_("Withdrawn"),
}

STATUS_WORDS: dict[str, Message] = {
    OVERDUE: N_("overdue"),
    IN_PROGRESS: N_("in progress"),
    NOT_STARTED: N_("not started"),
    COMPLETED: N_("completed"),
    COMPLETED_ELSEWHERE: N_("completed elsewhere"),
    EXEMPTED: N_("exempted"),
}


def spoken(words: Message | str, language: str) -> str:
    """`words` in `language` (a plain string as it is), without a request."""
    if not isinstance(words, Message):
        return words
    text = catalogues.translations(language).gettext(words.text)
    return text % dict(words.values) if words.values else text


def spoken_all(words: Iterable[Message | str], language: str) -> list[str]:
    """Each of `words` in `language`: a file's header row."""
    return [spoken(word, language) for word in words]


def spoken_map(words: Mapping[str, Message], language: str) -> dict[str, str]:
    """Codes to words in `language`: a file's status column."""
    return {code: spoken(word, language) for code, word in words.items()}
