"""The axe-core check itself: it must fail loudly, naming rule and element, in either scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import assert_accessible

PAGE = """<!doctype html>
<html lang="en"><head><title>Check</title><style>{style}</style></head>
<body><main><h1>Check</h1><p class="note">Readable in light mode.</p>{extra}</main></body></html>
"""
DARK_ONLY_LOW_CONTRAST = (
    "@media (prefers-color-scheme: dark) { body { background: #111; color: #eee } "
    ".note { color: #333 } }"
)


def test_a_clean_page_passes(page: Page) -> None:
    page.set_content(PAGE.format(style="", extra=""))
    assert_accessible(page)


def test_a_missing_alt_text_fails_with_rule_and_element(page: Page) -> None:
    page.set_content(PAGE.format(style="", extra='<img src="data:," id="logo">'))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "image-alt (critical)" in report
    assert "#logo" in report


def test_low_contrast_in_dark_mode_only_still_fails(page: Page) -> None:
    page.set_content(PAGE.format(style=DARK_ONLY_LOW_CONTRAST, extra=""))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "dark colour scheme:" in report
    assert "light colour scheme:" not in report
    assert "color-contrast (serious)" in report
    assert '<p class="note">' in report
    assert "<h1>" not in report
