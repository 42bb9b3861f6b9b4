"""The interface's language, chosen per request, and the template filters that speak it.

A person's language is the one they chose (Employee.language), else the one the HRIS or SCIM
names for them (Employee.directory_language), else the best their browser asks for, else the
company's (LMS_DEFAULT_LANGUAGE). The words come from lms.catalogues;
with PSEUDO_TRANSLATION on (a development and test aid) every marked string shows in
accented look-alike letters, so a string nobody marked stands out in plain English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, Domain, get_locale, gettext
from flask_login import current_user
from werkzeug.utils import cached_property

from lms import catalogues
from lms.languages import LANGUAGES, SOURCE_LANGUAGE
from lms.messages import Message


class _CatalogueDomain(Domain):
    def get_translations(self) -> NullTranslations:
        return catalogues.translations(words_language())


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return _CatalogueDomain()


def select_language() -> str:
    """This request's language: the person's choice, the directory's (HRIS or SCIM), their
    browser's, the company's.

    Outside a request (the CLI, a job) there is only the company's.
    """
    if not has_request_context():
        return str(current_app.config["DEFAULT_LANGUAGE"])
    employee = getattr(current_user, "employee", None)
    own = getattr(employee, "language", None)
    directory = getattr(employee, "directory_language", None)
    for named in (own, directory):
        if named in LANGUAGES:
            return str(named)
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["DEFAULT_LANGUAGE"]


def current_language() -> str:
    """This request's language code, for <html lang> and the chooser."""
    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LANGUAGE


def translate(words: Message | str) -> str:
    """A service's Message in this request's language; a plain string as it is."""
    if isinstance(words, Message):  # its values may be Messages too ("from %(before)s ...")
        values = {k: translate(v) if isinstance(v, Message) else v for k, v in words.values.items()}
        return gettext(words.text, **values)
    return words


def words_language() -> str:
    """Whose forms dates and numbers take: the request's, or look-alikes when pseudo."""
    if current_app.config["PSEUDO_TRANSLATION"]:
        return catalogues.PSEUDO
    return current_language()


def _filter(spell: Callable[[Any, str], str]) -> Callable[[Any], str]:
    def in_this_language(value: Any) -> str:
        return "" if value is None else spell(value, words_language())

    return in_this_language


def init_app(app: Flask) -> None:
    _Babel(app, locale_selector=select_language, default_locale=app.config["DEFAULT_LANGUAGE"])
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["translate"] = translate
    for name in ("long_date", "short_date", "date_time", "number", "percent"):
        app.jinja_env.filters[name] = _filter(getattr(catalogues, name))
