"""Assignment rules, and the sync that turns them into enrollments."""
