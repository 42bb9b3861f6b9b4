"""Templates escape everything; the one way to show HTML is the sanitised-HTML filter."""

from __future__ import annotations

import re

from lms import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))


def test_no_template_marks_text_safe():
    unsafe = re.compile(r"\|\s*safe\b|Markup\(|autoescape\s+false")
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if unsafe.search(line)
    ]
    assert TEMPLATES
    assert offenders == []


def test_markup_is_built_only_by_the_sanitiser():
    sources = sorted((PROJECT_ROOT / "lms").rglob("*.py"))
    users = [
        str(path.relative_to(PROJECT_ROOT)) for path in sources if "Markup(" in path.read_text()
    ]
    assert users == ["lms/courses/markdown.py"]
