"""Every page, every role, every language: no English on screen that the catalogues miss.

Two checks over every GET route of the access table:
- with PSEUDO_TRANSLATION every marked string shows in accented look-alike letters, so a
  plain ASCII word left on a page is a string nobody marked (data excepted: names, course
  titles and lesson text are what the database holds, and are read from it);
- each real language renders every page as English does (a catalogue entry that lost a
  placeholder breaks a page there, and tests/test_i18n.py proves each is complete).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session

from lms.db import Base
from lms.languages import LANGUAGES, SOURCE_LANGUAGE
from tests.helpers import csrf_token
from tests.test_access_table import ACCESS_TABLE, ROLES, Org, _client_as
from tests.test_access_table import org as org

# Pages that are not the interface: the API's own documentation stays English, like the API.
NOT_INTERFACE = {"api_docs.docs"}
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "textarea"}
CHECKED_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# Event and action codes ("enrollment.completed") are names integrators use, in any language.
EVENT_CODE = r"|\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b"
# Words that are the same in every language: names of formats, standards and the product,
# and each language's own name for itself ("Deutsch" in a French sentence too).
SAME_EVERYWHERE = re.compile(
    r"\b(?:Postwise|OpenID Connect|OpenAPI|xAPI|Markdown|SCIM|SAML|OIDC|[A-Z]{2,6}s?)\b|"
    + "|".join(LANGUAGES.values())
    + EVENT_CODE
    + r"|\S+@\S+|\bhttps?://\S+|/\S*|\b[\w.-]+\.(?:csv|xlsx|zip|pdf|json|yaml|md)\b"
)


class _Texts(HTMLParser):
    """What a page shows a person: its text, and the attributes a screen reader reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Words in another language say so (the chooser's "Deutsch", course text that
        # falls back to its source): they are not this page's to translate.
        if tag in SKIPPED_ELEMENTS or (tag != "html" and any(name == "lang" for name, _ in attrs)):
            self._skipping.append(tag)
        for name, value in attrs:
            shown = name in CHECKED_ATTRIBUTES or (
                tag == "input" and name == "value" and _is_button(attrs)
            )
            if value and shown:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


def _is_button(attrs: list[tuple[str, str | None]]) -> bool:
    """An <input> button shows its value (a <button>'s value is only sent, never shown)."""
    return ("type", "submit") in attrs or ("type", "button") in attrs


def _texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts]


class _Data:
    """The database's human-written values: a pattern to cut them out, and all of them."""

    def __init__(self, values: set[str]) -> None:
        pieces = sorted((v for v in values if len(v) >= 2), key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(piece) for piece in pieces))
        self.blob = "\n".join(pieces)


def _data(db: Session) -> _Data:
    """Every human-written value in the database (and the text of its HTML), as one pattern.

    A value counts when it has a space or a capital letter, or is a slug (a course's or a
    question's name in its web address): codes such as statuses and actions are lower-case
    single words, and a page must label them, not show them.
    """
    values: set[str] = set()
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for column in columns:
            for value in db.scalars(select(column).distinct()):
                if isinstance(value, str) and (
                    " " in value or value != value.lower() or SLUG.fullmatch(value)
                ):
                    values.add(" ".join(value.split()))
                    values.update(" ".join(line.split()) for line in value.splitlines())
                    if "<" in value:
                        values.update(_texts(value))
    return _Data(values)


def _unmarked(text: str, data: _Data) -> list[str]:
    left = data.pattern.sub(" ", unescape(text))
    if left.endswith("…") and left[:-1].strip() in data.blob:  # a long title cut short
        left = ""
    return ASCII_WORD.findall(SAME_EVERYWHERE.sub(" ", left))


def _visits(
    app: Flask, org: Org, role: str, language: str | None = None
) -> Iterator[tuple[str, str, str]]:
    """The access table's rows in order, as `role`: (endpoint, path, HTML) of each page.

    Its POST rows run too, since some pages exist only after one (a quiz attempt); a POST
    may sign the client out, so a fresh one follows each. With `language`, the browser asks
    for it, and the language chooser's row chooses it.
    """
    headers = {"Accept-Language": language} if language else {}
    client = _client_as(app, org, role)
    for row in ACCESS_TABLE:
        path = row.path(org)
        if row.method != "GET":
            data = {"csrf_token": csrf_token(client, "/sign-in" if role == "anonymous" else "/")}
            data.update(row.data(org) if row.data else {})
            if language and row.endpoint == "language.change":
                data["language"] = language
            client.open(path, method=row.method, data=data, headers=headers).close()
            client = _client_as(app, org, role)
            continue
        if row.expected[role] != 200 or row.endpoint in NOT_INTERFACE:
            continue
        response = client.get(path, headers=headers)
        assert response.status_code == 200, f"{role} GET {path}"
        if response.mimetype == "text/html":
            yield row.endpoint, path, response.get_data(as_text=True)
        response.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_string_on_every_page_is_marked(make_app, org: Org, db: Session, role: str):
    app: Flask = make_app(PSEUDO_TRANSLATION=True)
    data = _data(db)
    unmarked: dict[str, set[str]] = {}
    pages = 0
    for endpoint, _path, html in _visits(app, org, role):
        pages += 1
        for text in _texts(html):
            if words := _unmarked(text, data):
                unmarked.setdefault(endpoint, set()).add(f"{text[:80]!r} {words[:3]}")
    assert pages >= 2
    assert unmarked == {}, "\n".join(
        f"{page}: {'; '.join(sorted(texts))}" for page, texts in sorted(unmarked.items())
    )


def test_the_pseudo_translation_changes_every_marked_string(make_app, org: Org):
    app: Flask = make_app(PSEUDO_TRANSLATION=True)
    page = _client_as(app, org, "employee").get("/")
    assert page.status_code == 200
    assert "Şīɠƞ ǿŭŧ" in page.text  # Sign out, marked in base.html
    assert "Sign out" not in page.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != SOURCE_LANGUAGE])
def test_every_page_renders_in_every_language(app: Flask, org: Org, language: str, role: str):
    pages = 0
    for _endpoint, path, html in _visits(app, org, role, language):
        pages += 1
        assert f'<html lang="{language}"' in html, path
    assert pages >= 2
