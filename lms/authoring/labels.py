"""The words HR reads for the pack format's codes (a lesson's topic, a question's kind, …).

The codes stay in the data and the packs; pages and forms show these marked labels instead,
so each language words them as it needs. Templates call `label(group, code)` (views.py offers it).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _

COURSE_KINDS = {"course": _("Course"), "guideline": _("Guideline")}
STATUSES = {"draft": _("Draft"), "published": _("Published"), "retired": _("Retired")}
TOPIC_LABELS = {
    "why-social": _("Why social"),
    "purpose": _("Purpose"),
    "pitfalls": _("Pitfalls"),
    "adding-value": _("Adding value"),
    "sharing-opportunity": _("Sharing opportunity"),
    "guideline-compliance": _("Guideline compliance"),
    "getting-started": _("Getting started"),
    "recognition": _("Recognition"),
}
QUESTION_KINDS = {
    "single": _("One right answer"),
    "multiple": _("Several right answers"),
    "true_false": _("True or false"),
    "scenario": _("Scenario"),
}
POST_KIND_LABELS = {"post": _("Post"), "comment": _("Comment"), "message": _("Message")}
SHOW_ANSWER_LABELS = {
    "after_each_attempt": _("After each attempt"),
    "after_passing": _("After passing"),
    "never": _("Never"),
}
CHANGES = {"added": _("Added"), "removed": _("Removed"), "changed": _("Changed")}

GROUPS = {
    "kind": COURSE_KINDS,
    "status": STATUSES,
    "topic": TOPIC_LABELS,
    "question_kind": QUESTION_KINDS,
    "post_kind": POST_KIND_LABELS,
    "show_answers": SHOW_ANSWER_LABELS,
    "change": CHANGES,
}


def label(group: str, code: str | None) -> object:
    """The label for `code` in `group`; the code itself if it has none (a newer pack's)."""
    return GROUPS[group].get(code or "", code or "—")
