"""The purpose self-assessment: 10 points across five reasons to be on LinkedIn."""
