"""Lesson Markdown: `render` lets only the allow-list through, whatever the author writes, and
`unsafe_markup` reports each piece of raw HTML or unsafe link with its line. Pure.

The rendered HTML is inspected the way a browser would read it (entities decoded, tabs and
newlines removed from URLs), not by searching for strings, so escaped text like
`&lt;a href="javascript:…"&gt;` is not mistaken for a link and an obfuscated link is not missed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lms.courses.markdown import render, unsafe_markup

# The allow-list as the README states it, written out here rather than imported, so a tag or
# attribute added to the module by mistake makes these tests fail.
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))


class Elements(HTMLParser):
    """Every element of some HTML with its attributes (entities decoded), and any comment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def url_as_browsers_read_it(value: str) -> str:
    """Browsers drop tabs and newlines anywhere in a URL, and controls and spaces at its ends."""
    return re.sub(r"[\t\n\r]", "", value).strip(CONTROLS_AND_SPACE).lower()


def dangers(html: str) -> list[str]:
    """Whatever in the HTML could run script or is not on the allow-list (empty if safe)."""
    found = []
    parsed = Elements(html)
    for tag, attributes in parsed.elements:
        if tag not in ALLOWED_TAGS:
            found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                found.append(f"<{tag} {name}>")
            if url_as_browsers_read_it(value).startswith(DANGEROUS_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
    found += [f"<!--{comment}-->" for comment in parsed.comments]
    lowered = html.lower()
    found += [needle for needle in ("<script", "<style", "<svg", "<iframe") if needle in lowered]
    return found


def test_the_inspection_finds_what_it_looks_for():
    """So that `dangers(...) == []` below means something."""
    assert dangers('<p><a href="jav&#x09;ascript:alert(1)">x</a></p>') == [
        "<a href='jav\\tascript:alert(1)'>"
    ]
    assert dangers('<img src=" DATA:text/html,x" onerror="alert(1)">') == [
        "<img src=' DATA:text/html,x'>",
        "<img onerror>",
    ]
    assert dangers("<p style='x'>a<!--c--></p><svg></svg>") == [
        "<p style>",
        "<svg>",
        "<!--c-->",
        "<svg",
    ]
    assert dangers('<p>&lt;script&gt; and &lt;a href="javascript:x"&gt;</p>') == []


# ------------------------------------------------------------------ hostile input
# Each payload is rendered safe, and unsafe_markup reports it (as raw HTML, a link or an image)
# at the line where it is written.

HOSTILE = [
    pytest.param("<script>alert(1)</script>", {(1, "raw HTML")}, id="script block"),
    pytest.param("Hi <script>alert(1)</script> there", {(1, "raw HTML")}, id="inline script"),
    pytest.param(
        "Intro.\n\n<SCRIPT SRC=//x.example/x.js></SCRIPT>", {(3, "raw HTML")}, id="SCRIPT SRC"
    ),
    pytest.param("<scr<script>ipt>alert(1)</script>", {(1, "raw HTML")}, id="nested script"),
    pytest.param("[x](javascript:alert(1))", {(1, "link")}, id="javascript: link"),
    pytest.param("[x](JaVaScRiPt:alert(1))", {(1, "link")}, id="mixed-case javascript: link"),
    pytest.param('[x](  JAVASCRIPT:alert(1) "t")', {(1, "link")}, id="spaced javascript: link"),
    pytest.param("[x](&#106;avascript:alert(1))", {(1, "link")}, id="entity javascript: link"),
    pytest.param("[x](javascript&colon;alert(1))", {(1, "link")}, id="&colon; javascript: link"),
    pytest.param("[x](<javascript:alert(1)>)", {(1, "link")}, id="angle javascript: link"),
    pytest.param("[x](javascript://%0Aalert(1))", {(1, "link")}, id="javascript:// link"),
    pytest.param("[x](vbscript:msgbox(1))", {(1, "link")}, id="vbscript: link"),
    pytest.param(
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        {(1, "link")},
        id="data: link",
    ),
    pytest.param("![x](data:image/png;base64,AAAA)", {(1, "image")}, id="data: image"),
    pytest.param("![x](javascript:alert(1))", {(1, "image")}, id="javascript: image"),
    pytest.param("Text.\n\n<javascript:alert(1)>", {(3, "link")}, id="javascript: autolink"),
    pytest.param(
        "See [this][evil].\n\n[evil]: javascript:alert(1)", {(1, "link")}, id="reference link"
    ),
    pytest.param(
        "[x][y]\n\n[y]: data:text/html,<script>alert(1)</script>",
        {(1, "link")},
        id="reference data: link",
    ),
    pytest.param("<img src=x onerror=alert(1)>", {(1, "raw HTML")}, id="img onerror block"),
    pytest.param("Hi <img src=x onerror=alert(1)> there", {(1, "raw HTML")}, id="img onerror"),
    pytest.param("<IMG SRC=\"javascript:alert('XSS');\">", {(1, "raw HTML")}, id="IMG SRC js"),
    pytest.param("<BODY ONLOAD=alert('XSS')>", {(1, "raw HTML")}, id="BODY ONLOAD"),
    pytest.param("<details open ontoggle=alert(1)>", {(1, "raw HTML")}, id="ontoggle"),
    pytest.param("<svg onload=alert(1)>", {(1, "raw HTML")}, id="svg onload"),
    pytest.param(
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        {(1, "raw HTML")},
        id="math xlink:href",
    ),
    pytest.param("<style>body{display:none}</style>", {(1, "raw HTML")}, id="style block"),
    pytest.param(
        'Intro.\n\n<iframe src="https://evil.example"></iframe>\n\nAfter.',
        {(3, "raw HTML")},
        id="iframe",
    ),
    pytest.param("<!--><script>alert(1)</script>-->", {(1, "raw HTML")}, id="comment breakout"),
    pytest.param(
        "Hi <!--><script>alert(1)</script>--> there", {(1, "raw HTML")}, id="inline breakout"
    ),
    pytest.param("<!-- a note for editors -->", {(1, "raw HTML")}, id="HTML comment"),
    pytest.param('<a href="javascript:alert(1)">x</a>', {(1, "raw HTML")}, id="raw a href js"),
    pytest.param(
        '<a href="&#106;avascript:alert(1)">x</a>', {(1, "raw HTML")}, id="raw a href entity"
    ),
    pytest.param("[<script>](https://example.com)", {(1, "raw HTML")}, id="script in link text"),
    pytest.param("<div>\n*hi*\n</div>", {(1, "raw HTML")}, id="div block"),
    pytest.param("- one\n- two <i>x</i>", {(2, "raw HTML")}, id="raw HTML in a list item"),
    pytest.param(
        "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | <b>x</b> |",
        {(4, "raw HTML")},
        id="raw HTML in a table row",
    ),
    pytest.param(
        "| a | b |\n|---|---|\n| 1 | [x](javascript:alert(1)) |",
        {(3, "link")},
        id="javascript: link in a table",
    ),
    pytest.param("![x](http://example.com/a.png)", {(1, "image")}, id="image over http"),
    pytest.param("![x](//evil.example/a.png)", {(1, "image")}, id="protocol-relative image"),
    pytest.param("![x](images/a.png)", {(1, "image")}, id="relative image"),
    pytest.param("[x](//evil.example/)", {(1, "link")}, id="protocol-relative link"),
    pytest.param(
        "A paragraph that goes on\nwith a [link](javascript:alert(1)) on its second line.",
        {(2, "link")},
        id="javascript: link on the second line of a paragraph",
    ),
    pytest.param(
        "A paragraph that goes on\nwith <b>raw HTML</b> on its second line.",
        {(2, "raw HTML")},
        id="raw HTML on the second line of a paragraph",
    ),
    pytest.param(
        "> A quote\n> <span onclick=alert(1)>y</span>",
        {(2, "raw HTML")},
        id="raw HTML on the second line of a quote",
    ),
]


def kind_of(message: str) -> str:
    for start, kind in (
        ("raw HTML", "raw HTML"),
        ("the link target", "link"),
        ("the image", "image"),
    ):
        if message.startswith(start):
            return kind
    return message


@pytest.mark.parametrize(("markdown", "expected"), HOSTILE)
def test_hostile_markdown_renders_safe(markdown, expected):
    html = render(markdown)
    assert dangers(html) == [], html


@pytest.mark.parametrize(("markdown", "expected"), HOSTILE)
def test_hostile_markdown_is_reported_at_its_line(markdown, expected):
    assert {(problem.line, kind_of(problem.message)) for problem in unsafe_markup(markdown)} == (
        expected
    )


# Obfuscations that CommonMark does not read as HTML or as a scheme: they end up as text or as
# a harmless relative link, and must still render safe.
OBFUSCATED = [
    pytest.param("[x](jav&#x09;ascript:alert(1))", id="tab entity in javascript:"),
    pytest.param("[x](java&#x0A;script:alert(1))", id="newline entity in javascript:"),
    pytest.param("[x](java%0Ascript:alert(1))", id="percent-encoded newline"),
    pytest.param("[x](jav\tascript:alert(1))", id="literal tab in javascript:"),
    pytest.param("[x](\\javascript:alert(1))", id="backslash before javascript:"),
    pytest.param("<svg/onload=alert(1)>", id="svg/onload"),
    pytest.param('[x](https://example.com "a\\" onmouseover=\\"alert(1)")', id="title quote"),
    pytest.param("[x](https://example.com 'a\" onmouseover=\"alert(1)')", id="title quote 2"),
    pytest.param(
        '![x](https://example.com/a.png "\\" onerror=\\"alert(1)")', id="image title quote"
    ),
    pytest.param('<http://a.example/"onmouseover="alert(1)>', id="autolink with quotes"),
    pytest.param("<https://a.example/'onmouseover='alert(1)'>", id="autolink with apostrophes"),
    pytest.param('[x](https://a.example/"onmouseover="alert(1))', id="link with quotes"),
    pytest.param("`<script>alert(1)</script>`", id="script in a code span"),
    pytest.param("    <script>alert(1)</script>", id="script in a code block"),
    pytest.param("Text &lt;script&gt;alert(1)&lt;/script&gt;", id="escaped script"),
]


@pytest.mark.parametrize("markdown", OBFUSCATED)
def test_obfuscated_markdown_renders_safe(markdown):
    html = render(markdown)
    assert dangers(html) == [], html


def test_a_title_with_quotes_stays_a_title():
    html = render('[x](https://example.com "a\\" onmouseover=\\"alert(1)")')
    assert Elements(html).elements == [
        ("p", {}),
        (
            "a",
            {
                "href": "https://example.com",
                "title": 'a" onmouseover="alert(1)',
                "rel": "noopener noreferrer",
            },
        ),
    ]


def test_code_shows_html_as_text_and_is_not_reported():
    markdown = "Type `<script>` to see it.\n\n    <b>bold</b>\n"
    assert unsafe_markup(markdown) == []
    html = render(markdown)
    assert "<code>&lt;script&gt;</code>" in html
    assert "<pre><code>&lt;b&gt;bold&lt;/b&gt;\n</code></pre>" in html


def test_the_problem_message_names_what_is_wrong():
    assert [p.message for p in unsafe_markup("Text.\n\n[x](javascript:alert(1))")] == [
        "the link target 'javascript:alert(1)' is not allowed; use http, https or mailto"
    ]
    assert [p.message for p in unsafe_markup("<script>alert(1)</script>")] == [
        "raw HTML ('<script>alert(1)</script>') is not allowed in lessons; write it in Markdown"
    ]
    assert [p.message for p in unsafe_markup("![x](http://example.com/a.png)")] == [
        "the image 'http://example.com/a.png' is not allowed; use /static/… or an https address"
    ]


def test_every_problem_in_a_lesson_is_reported_with_its_line():
    markdown = "\n".join(
        [
            "# Title",  # 1
            "",  # 2
            "A [good link](https://example.com).",  # 3
            "",  # 4
            "<script>alert(1)</script>",  # 5
            "",  # 6
            "- [bad](javascript:alert(1))",  # 7
            "- ![bad](http://example.com/a.png)",  # 8
            "",  # 9
            "> <b>quoted</b>",  # 10
        ]
    )
    assert [(p.line, kind_of(p.message)) for p in unsafe_markup(markdown)] == [
        (5, "raw HTML"),
        (7, "link"),
        (8, "image"),
        (10, "raw HTML"),
        (10, "raw HTML"),
    ]


# ------------------------------------------------------------------ images outside the allow-list


@pytest.mark.parametrize(
    "src",
    [
        pytest.param("http://example.com/a.png", id="http"),
        pytest.param("//evil.example/a.png", id="protocol-relative"),
        pytest.param("images/a.png", id="relative path"),
        pytest.param("data:image/png;base64,AAAA", id="data"),
    ],
)
def test_render_drops_images_not_from_static_or_https(src):
    """The allow-list says images come from /static/ or https; render must enforce it too,
    not only the import check (render is the last line of defence)."""
    html = render(f"![A picture]({src})")
    sources = [attrs.get("src") for tag, attrs in Elements(html).elements if tag == "img"]
    assert src not in sources, html


# ------------------------------------------------------------------ what is allowed survives

LESSON = "\n".join(
    [
        "# A lesson",
        "",
        "## Try this",
        "",
        "Some *emphasis*, some **strength** and `code`.",
        "",
        "- one",
        "- two",
        "",
        "3. three",
        "4. four",
        "",
        "| Reason | Share |",
        "|---|---|",
        "| Building a network | 86% |",
        "",
        "> A quote",
        "",
        "```",
        "print('hi')",
        "```",
        "",
        "---",
        "",
        'Read [the help](https://example.com/help "Help"), [a page](http://example.com/),',
        "write to [HR](mailto:hr@example.com), or see [the next lesson](/courses/next).",
        "",
        "![A calm desk](/static/img/desk.png) ![A chart](https://example.com/chart.png)",
    ]
)


def test_the_allowed_markdown_is_not_reported():
    assert unsafe_markup(LESSON) == []


def test_the_allowed_markdown_survives_rendering():
    html = render(LESSON)
    elements = Elements(html).elements
    tags = {tag for tag, _ in elements}
    assert tags == {
        "h1", "h2", "p", "em", "strong", "code", "ul", "ol", "li", "table", "thead", "tbody",
        "tr", "th", "td", "blockquote", "pre", "hr", "a", "img",
    }  # fmt: skip
    assert ("ol", {"start": "3"}) in elements
    assert [attrs for tag, attrs in elements if tag == "a"] == [
        {"href": "https://example.com/help", "title": "Help", "rel": "noopener noreferrer"},
        {"href": "http://example.com/", "rel": "noopener noreferrer"},
        {"href": "mailto:hr@example.com", "rel": "noopener noreferrer"},
        {"href": "/courses/next", "rel": "noopener noreferrer"},
    ]
    assert [attrs for tag, attrs in elements if tag == "img"] == [
        {"src": "/static/img/desk.png", "alt": "A calm desk"},
        {"src": "https://example.com/chart.png", "alt": "A chart"},
    ]
    assert "<h2>Try this</h2>" in html
    assert "<td>Building a network</td>" in html
    assert "<blockquote>\n<p>A quote</p>\n</blockquote>" in html
    assert "<pre><code>print('hi')\n</code></pre>" in html
    assert dangers(html) == []


def test_a_table_keeps_every_row():
    html = render("| Reason | Share |\n|---|---|\n| Finding a new job | 47% |\n| Other | 10% |\n")
    assert [tag for tag, _ in Elements(html).elements].count("tr") == 3
