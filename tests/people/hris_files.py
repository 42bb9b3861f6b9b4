"""Building HRIS CSV files for tests, one well-formed row at a time."""

from __future__ import annotations

MAX_BYTES = 20 * 1_048_576
HEADER = (
    "employee_id,email,first_name,last_name,department,title,location,manager_id,hire_date,status"
)
# Column letters under HEADER: A employee_id, B email, C first_name, D last_name,
# E department, F title, G location, H manager_id, I hire_date, J status.


def person_row(
    employee_id: str,
    email: str = "",
    first_name: str = "Ann",
    last_name: str = "Lee",
    *,
    department: str = "",
    title: str = "",
    location: str = "",
    manager: str = "",
    hire_date: str = "",
    status: str = "",
) -> str:
    """One well-formed data row under HEADER."""
    email = email or f"{employee_id.lower()}@example.com"
    values = [employee_id, email, first_name, last_name, department, title, location]
    return ",".join([*values, manager, hire_date, status])


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    """A whole file: the header, the rows, a final newline."""
    return "\n".join([header, *rows, ""]).encode()
