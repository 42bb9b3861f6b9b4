"""The one Markdown renderer: markdown-it-py for CommonMark and tables, nh3 to sanitise.

Pure. Authors write Markdown, never HTML: raw HTML and unsafe links are reported by
`unsafe_markup` so an import can refuse them, and `render` removes whatever would slip past.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
LINK_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
_inspector = MarkdownIt("commonmark", {"html": True}).enable("table")
# The inspector sees every link as written, so a javascript: link is reported, not hidden.
_inspector.validateLink = lambda url: True  # type: ignore[method-assign]


@dataclass(frozen=True)
class MarkupProblem:
    """Something in the Markdown the sanitiser would change; `line` is 1-based in the text."""

    line: int
    message: str


def render(markdown: str) -> str:
    """Markdown to safe HTML: only the allow-listed tags, attributes and link targets."""
    return _clean(_renderer.render(markdown))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        attribute_filter=_keep_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images only from our static files or https; links never to another host by `//`."""
    if tag == "img" and attribute == "src":
        return value if _safe_image(value) else None
    if tag == "a" and attribute == "href":
        return value if _safe_link(value) else None
    return value


def sanitized(html: str) -> Markup:
    """Stored lesson HTML for a template, cleaned again on the way out (the only |safe path)."""
    return Markup(_clean(html))  # noqa: S704 - nh3 has just removed all outside the allow-list


def unsafe_markup(markdown: str) -> list[MarkupProblem]:
    """Raw HTML, and links or images the sanitiser would drop, each with its line."""
    problems = []
    for token in _inspector.parse(markdown):
        line = token.map[0] + 1 if token.map else 1
        if token.type == "html_block":
            problems.append(MarkupProblem(line, _raw_html(token.content)))
        for child in token.children or []:
            problem = _inline_problem(child)
            if problem:
                problems.append(MarkupProblem(line, problem))
            if child.type in ("softbreak", "hardbreak"):
                line += 1  # the next inline item is on the paragraph's next line
    return problems


def _inline_problem(token: Token) -> str | None:
    if token.type == "html_inline":
        return _raw_html(token.content)
    if token.type == "link_open":
        href = str(token.attrGet("href") or "")
        if not _safe_link(href):
            return f"the link target {href!r} is not allowed; use http, https or mailto"
    if token.type == "image":
        src = str(token.attrGet("src") or "")
        if not _safe_image(src):
            return f"the image {src!r} is not allowed; use /static/… or an https address"
    return None


def _safe_image(src: str) -> bool:
    return (src.startswith("/static/") and ".." not in src) or urlsplit(src).scheme == "https"


def _safe_link(href: str) -> bool:
    scheme = urlsplit(href).scheme.lower()
    if scheme:
        return scheme in LINK_SCHEMES
    return not href.startswith("//")  # a path or anchor inside the app


def _raw_html(content: str) -> str:
    snippet = content.strip().splitlines()[0][:40] if content.strip() else content
    return f"raw HTML ({snippet!r}) is not allowed in lessons; write it in Markdown"
