"""The languages Postwise speaks, each named in itself (as a chooser lists them)."""

from __future__ import annotations

LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
SOURCE_LANGUAGE = "en"  # what the code, templates and course packs are written in
