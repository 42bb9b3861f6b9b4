"""Ids posted by a browser are read as plain ASCII digits of bounded length, nothing else."""

from __future__ import annotations

import pytest

from lms.ids import MAX_ID_DIGITS, InvalidId, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", 1), ("0", 0), ("42", 42), ("9" * MAX_ID_DIGITS, int("9" * 18))]
)
def test_ids_as_a_page_writes_them(raw: str, expected: int) -> None:
    assert parse_id(raw, field="q1", what="choice") == expected


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("²", "has '²'"),  # isdigit() says yes, int() raises
        ("١٢", "has '١٢'"),  # int() would read it as 12
        ("-1", "has '-1'"),
        ("", "is empty"),
        (" 1", "has ' 1'"),
        ("1\n", "has '1\\n'"),
        ("007", "has '007'"),  # so "q7" and "q007" cannot both name question 7
        ("1 OR 1=1", "has '1 OR 1=1'"),
        (str(2**64), "has '18446744073709551616'"),  # past 64 bits
        ("9" * 5000, "(5000 characters)"),  # int() refuses past 4,300 digits
    ],
)
def test_anything_else_is_refused_naming_the_field(raw: str, shown: str) -> None:
    with pytest.raises(InvalidId) as refused:
        parse_id(raw, field="q12", what="choice")
    message = str(refused.value)
    assert message.startswith("The field 'q12' ")
    assert shown in message
    assert "which is not a choice id" in message
    assert len(message) < 250  # a 5,000-digit value is not repeated whole


def test_a_long_field_name_is_shortened_too() -> None:
    with pytest.raises(InvalidId, match=r"The field 'q9{19}… \(5001 characters\)'"):
        parse_id("9" * 5000, field="q" + "9" * 5000, what="question")
