"""The languages Postwise speaks, each named in itself (as a chooser lists them)."""

from __future__ import annotations

import re

LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
SOURCE_LANGUAGE = "en"  # what the code, templates and course packs are written in

# A language tag as BCP 47 writes one (de, de-CH, zh-Hant-TW), or with "_" as POSIX locales do.
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


class NotALanguageTag(ValueError):
    """The text is not a language tag at all (not "de", "de-CH", "fr_FR" or the like)."""


def spoken_language(tag: str) -> str | None:
    """The language Postwise speaks that a tag names ("de-CH" → "de", "FR" → "fr"), or None
    for a tag of a language it does not speak. NotALanguageTag for text that is no tag."""
    match = _TAG.fullmatch(tag.strip())
    if match is None:
        raise NotALanguageTag(tag)
    language = match.group(1).lower()
    return language if language in LANGUAGES else None


# One entry of an Accept-Language value (RFC 9110 §12.5.4): a tag or "*", maybe with a weight.
_RANGE = re.compile(
    r"\s*(\*|[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*)\s*"
    r"(?:;\s*[qQ]\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?\s*"
)


def best_spoken(preferences: str) -> str | None:
    """The language Postwise speaks that an Accept-Language-style list prefers most
    ("fr-CA, de;q=0.8" → "fr", "ja, de;q=0.5" → "de"), or None when it names none of them.
    NotALanguageTag for text that is no such list."""
    weighted = []
    for position, entry in enumerate(preferences.split(",")):
        match = _RANGE.fullmatch(entry)
        if match is None:
            raise NotALanguageTag(preferences)
        tag, weight = match.group(1), float(match.group(2) or 1)
        if tag != "*" and weight > 0:
            weighted.append((-weight, position, tag))
    for _, _, tag in sorted(weighted):
        if len(tag.split("-")[0].split("_")[0]) > 1 and (language := spoken_language(tag)):
            return language  # (a one-letter prefix, x- or i-, is private or grandfathered)
    return None
