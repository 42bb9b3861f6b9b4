"""Courses: versions, lessons and quiz definitions, course packs, the Markdown they use."""
