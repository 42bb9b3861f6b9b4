"""The interface's language: chosen per request, with catalogues read from their .po files.

A person's language is the one they chose (Employee.language), else the best their browser
asks for, else the company's (LMS_DEFAULT_LANGUAGE). Catalogues are the .po files under
lms/translations/, compiled in memory the first time a language is used, so `pip install`
is the only step: there is no .mo file to build or to forget.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, request
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user
from werkzeug.utils import cached_property

from lms.languages import LANGUAGES, SOURCE_LANGUAGE

CATALOGUES = Path(__file__).resolve().parent / "translations"


def catalogue_path(language: str) -> Path:
    return CATALOGUES / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> NullTranslations:
    """The language's messages (English needs none), compiled once per process."""
    path = catalogue_path(language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


class _CatalogueDomain(Domain):
    def get_translations(self) -> NullTranslations:
        return translations(current_language())


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return _CatalogueDomain()


def select_language() -> str:
    """This request's language: the person's choice, their browser's, the company's."""
    chosen = getattr(getattr(current_user, "employee", None), "language", None)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["DEFAULT_LANGUAGE"]


def init_app(app: Flask) -> None:
    _Babel(app, locale_selector=select_language, default_locale=app.config["DEFAULT_LANGUAGE"])
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    """This request's language code, for <html lang> and the chooser."""
    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LANGUAGE
