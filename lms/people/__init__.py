"""People: employees, the org chart, the HRIS import and signing in."""
