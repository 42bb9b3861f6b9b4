"""Learning: enrollments, lesson progress, guideline acknowledgements, completion."""
