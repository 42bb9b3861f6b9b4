"""Backing up and restoring the database: `lms backup DEST` and `lms restore SRC`."""
