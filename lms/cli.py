"""The `lms` command: Flask's own commands (run, routes, shell) plus Postwise's."""

from __future__ import annotations

from flask.cli import FlaskGroup

from lms import create_app

cli = FlaskGroup(create_app=create_app, help="Postwise: run and look after the app.")
