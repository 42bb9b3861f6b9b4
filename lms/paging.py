"""Paged lists: which page a request may show. Pure."""

from __future__ import annotations


def page_within(requested: int, total: int, size: int) -> tuple[int, int]:
    """(page, pages) for `total` items `size` to a page: the page asked for, kept between
    the first and the last (an empty list still has one page)."""
    pages = max(1, -(-total // size))
    return min(max(requested, 1), pages), pages
