"""The translated words and the local forms of dates and numbers, without Flask.

Catalogues are the .po files under lms/translations/, compiled in memory the first time a
language is used, so `pip install` is the only step: there is no .mo file to build or to
forget. Services, mail and the PDF certificate use this module; lms.i18n binds it to the
request's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, wraps
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from lms.languages import SOURCE_LANGUAGE

CATALOGUES = Path(__file__).resolve().parent / "translations"
PSEUDO = "pseudo"  # not a language: every marked string, in look-alike accented letters

# English dates as the product writes them (2 March 2026), not the American default.
_FORMAT_LOCALES = {"en": "en_GB"}


def catalogue_path(language: str) -> Path:
    return CATALOGUES / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> NullTranslations:
    """The language's messages (English needs none), compiled once per process."""
    if language == PSEUDO:
        return _compiled(_pseudo_catalogue())
    path = catalogue_path(language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        return _compiled(read_po(po, locale=language))


def _compiled(catalog: Catalog) -> Translations:
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


# Placeholders, HTML tags and entities stay as they are; letters become look-alikes.
_KEEP = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%|<[^>]*>|&[#\w]+;")
_LOOK_ALIKES = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ",
)


def pseudo(text: str) -> str:
    """`text` with its letters swapped for accented look-alikes, placeholders kept."""
    kept = _KEEP.split(text)
    tokens = _KEEP.findall(text)
    out = [kept[0].translate(_LOOK_ALIKES)]
    for token, after in zip(tokens, kept[1:], strict=True):
        out += [token, after.translate(_LOOK_ALIKES)]
    return "".join(out)


def _pseudo_catalogue() -> Catalog:
    """Every message any catalogue holds (they hold the same ones, tests/test_i18n.py)."""
    with catalogue_path("de").open("rb") as po:
        source = read_po(po, locale="de")
    catalog = Catalog(locale="en")
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            catalog.add(message.id, tuple(pseudo(form) for form in message.id))
        else:
            catalog.add(message.id, pseudo(message.id))
    return catalog


def format_locale(language: str) -> str:
    return _FORMAT_LOCALES.get(language, language)


def _local(spell: Callable[[Any, str], str]) -> Callable[[Any, str], str]:
    """Pseudo-translation covers dates and numbers too: they are words in a language."""

    @wraps(spell)
    def spelled(value: Any, language: str = SOURCE_LANGUAGE) -> str:
        if language == PSEUDO:
            return pseudo(spell(value, SOURCE_LANGUAGE))
        return spell(value, language)

    return spelled


@_local
def long_date(moment: date, language: str = SOURCE_LANGUAGE) -> str:
    """A date as people write it: 2 March 2026, 2. März 2026, 2 mars 2026."""
    return format_date(moment, "long", locale=format_locale(language))


@_local
def short_date(moment: date, language: str = SOURCE_LANGUAGE) -> str:
    """A date in a table: 2 Mar 2026, 02.03.2026."""
    return format_date(moment, "medium", locale=format_locale(language))


@_local
def date_time(moment: datetime, language: str = SOURCE_LANGUAGE) -> str:
    """A moment in a log or table, in UTC as stored: 2 Mar 2026, 14:05."""
    locale = format_locale(language)
    return get_datetime_format("medium", locale=locale).format(
        format_time(moment, "short", locale=locale), format_date(moment, "medium", locale=locale)
    )


@_local
def month(moment: date, language: str = SOURCE_LANGUAGE) -> str:
    """A month standing alone: March, März, mars."""
    return format_date(moment, "LLLL", locale=format_locale(language))


@_local
def month_year(moment: date, language: str = SOURCE_LANGUAGE) -> str:
    """March 2026, März 2026."""
    return format_date(moment, "LLLL y", locale=format_locale(language))


@_local
def number(value: float, language: str = SOURCE_LANGUAGE) -> str:
    return format_decimal(value, locale=format_locale(language))


@_local
def percent(value: float, language: str = SOURCE_LANGUAGE) -> str:
    """`value` percent (87, not 0.87): 87%, 87 %."""
    return format_percent(value / 100, locale=format_locale(language))
