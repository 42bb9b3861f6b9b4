"""Reading an HRIS export (CSV) into person records, with every problem found at once.

Pure: no Flask, no database. What the file says is checked here; how it fits the people
already in Postwise is checked in import_plan.py.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from email_validator import EmailNotValidError, validate_email

from lms.languages import LANGUAGES, NotALanguageTag, spoken_language
from lms.messages import N_, Message
from lms.progress import NoProgress, Progress
from lms.textcheck import first_unstorable

REQUIRED_COLUMNS = ("employee_id", "email", "first_name", "last_name")
OPTIONAL_COLUMNS = (
    "department",
    "title",
    "location",
    "manager_id",
    "hire_date",
    "status",
    "language",
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a whole address
MAX_LENGTH = {"employee_id": 64, "email": 320}
DEFAULT_MAX_LENGTH = 200
_SHORTEST_LIMIT = min(DEFAULT_MAX_LENGTH, *MAX_LENGTH.values())
STATUSES = {"active": True, "inactive": False}
MAX_PROBLEMS = 500  # past this many, a file is clearly the wrong one; stop listing
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A dot-atom local part of plain ASCII is valid by RFC 5322 whatever the domain.
_SIMPLE_LOCAL_PART = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file, and where: a spreadsheet row (header = 1) and column."""

    message: Message | str  # a Message (lms.messages) for the page to say in its language
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return str(self.words())

    def words(self) -> Message:
        """The problem and where, to translate: "row 3, column K (language): …"."""
        if self.row is not None and self.column is not None:
            return N_(
                "row %(row)d, column %(column)s: %(problem)s",
                row=self.row,
                column=self.column,
                problem=self.message,
            )
        if self.row is not None:
            return N_("row %(row)d: %(problem)s", row=self.row, problem=self.message)
        if self.column is not None:
            return N_("column %(column)s: %(problem)s", column=self.column, problem=self.message)
        return self.message if isinstance(self.message, Message) else Message(self.message)


class HrisFileError(Exception):
    """The file cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What the HRIS says about one person."""

    hris_id: str
    email: str
    first_name: str
    last_name: str
    department: str | None
    title: str | None
    location: str | None
    manager_hris_id: str | None
    hire_date: date | None
    is_active: bool
    row: int = field(compare=False)
    # The interface's language the HRIS names (lms.languages.LANGUAGES), if any.
    language: str | None = None


@dataclass(frozen=True)
class HrisFile:
    """A read file: its well-formed people, the problems in its rows, and its column layout."""

    records: list[PersonRecord]
    columns: dict[str, int]
    problems: list[Problem]
    # Every employee id in the file, also of rows with problems: a report whose manager's
    # row has a bad email does not have an unknown manager.
    hris_ids: set[str]

    def label(self, column: str) -> str:
        """How a column is named in messages: its spreadsheet letter and header name."""
        return column_label(self.columns, column)


def parse_hris_csv(data: bytes, *, max_bytes: int, progress: Progress | None = None) -> HrisFile:
    """Read and check a whole file; raise HrisFileError listing every problem in it."""
    hris_file = read_hris_csv(data, max_bytes=max_bytes, progress=progress)
    if hris_file.problems:
        raise HrisFileError(hris_file.problems)
    return hris_file


def read_hris_csv(data: bytes, *, max_bytes: int, progress: Progress | None = None) -> HrisFile:
    """Read a file, collecting the problems in its rows (import_plan adds its own to them).

    Raises HrisFileError at once only when the file as a whole cannot be read.
    """
    progress = progress or NoProgress()
    text = _decode(data, max_bytes)
    # Decode again as the reader goes: a StringIO of the whole text holds 4 bytes a character.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines, delimiter=_sniff_delimiter(text))
    del text
    try:
        header = next(reader)
    except StopIteration:
        raise HrisFileError([Problem(N_("the file has no header row"))]) from None
    except csv.Error as exc:
        raise HrisFileError(
            [Problem(N_("the CSV cannot be read (%(reason)s)", reason=str(exc)), row=1)]
        ) from None
    columns = _map_header(header)
    progress.stage("Checking rows", data.count(b"\n"))
    # Most files hold no NUL at all: one look at the bytes spares every cell the check.
    checker = _RowChecker(columns, len(header), look_for_nul=b"\x00" in data)
    try:
        for row_number, values in enumerate(reader, start=2):
            checker.check(row_number, values)
            if row_number % 1000 == 0:
                progress.advance(1000)
            if len(checker.problems) >= MAX_PROBLEMS:
                checker.problems.append(Problem(N_("too many problems; stopped checking here")))
                break
    except csv.Error as exc:
        checker.problems.append(
            Problem(N_("the CSV cannot be read (%(reason)s)", reason=str(exc)), row=reader.line_num)
        )
    if not checker.records and not checker.problems:
        raise HrisFileError([Problem(N_("the file has a header but no people"))])
    return HrisFile(checker.records, columns, checker.problems, set(checker.rows_by_id))


def one_person_csv(row: dict[str, str | None]) -> bytes:
    """An HRIS file of one person (a value per column name), for services that add or change
    someone one at a time (SCIM, sign-in) through the import and its rules."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ALL_COLUMNS)
    writer.writerow([row.get(column) or "" for column in ALL_COLUMNS])
    return out.getvalue().encode()


def column_label(columns: dict[str, int], column: str) -> str:
    """Spreadsheet letter plus header name, e.g. "C (email)"."""
    return f"{_column_letter(columns[column])} ({column})" if column in columns else column


def _decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise HrisFileError(
            [
                Problem(
                    N_(
                        "the file is %(size).1f MB; the largest file Postwise imports is "
                        "%(limit).0f MB",
                        size=len(data) / 1_048_576,
                        limit=max_bytes / 1_048_576,
                    )
                )
            ]
        )
    if not data.strip():
        raise HrisFileError([Problem(N_("the file is empty"))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise HrisFileError(
            [
                Problem(
                    N_(
                        "the file is not UTF-8 text (byte 0x%(byte)02X cannot be read); "
                        "save it as 'CSV UTF-8' and import it again",
                        byte=data[exc.start],
                    ),
                    row=row,
                )
            ]
        ) from None


def _sniff_delimiter(text: str) -> str:
    """Comma or semicolon, whichever the header row uses more (Excel in much of Europe: ;).

    Only the delimiter is guessed: quoting follows RFC 4180 ("" inside quotes is one "),
    which csv.Sniffer would get wrong from a header that happens to hold no quotes.
    """
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _map_header(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    positions: dict[str, int] = {}
    problems = [
        Problem(
            N_("the header holds %(character)s; remove it", character=bad.name),
            row=1,
            column=_column_letter(index),
        )
        for index, name in enumerate(names)
        if (bad := first_unstorable(name)) is not None
    ]
    for index, name in enumerate(names):
        if name in positions and name in ALL_COLUMNS:
            problems.append(Problem(N_("the column %(column)s appears twice", column=name), row=1))
        positions.setdefault(name, index)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        problems.append(
            Problem(
                N_(
                    "the header row lacks the column %(missing)s; the first row must name the "
                    "columns (%(columns)s)",
                    missing=", ".join(missing),
                    columns=", ".join(ALL_COLUMNS),
                )
                if len(missing) == 1
                else N_(
                    "the header row lacks the columns %(missing)s; the first row must name the "
                    "columns (%(columns)s)",
                    missing=", ".join(missing),
                    columns=", ".join(ALL_COLUMNS),
                ),
                row=1,
            )
        )
    if problems:
        raise HrisFileError(problems)
    return {name: positions[name] for name in ALL_COLUMNS if name in positions}


class _EmailChecker:
    """email-validator for every address, with a cache for the common simple case.

    Nearly every address in an HRIS file is `plain.ascii@one-of-three-domains`. Once
    email-validator has accepted a domain, another plain dot-atom address on it is valid by
    the same rules, so the full check runs once per domain instead of once per person.
    """

    def __init__(self) -> None:
        self._valid_domains: set[str] = set()

    def check(self, address: str) -> str | None:
        """The reason the address is not valid, or None."""
        local, _, domain = address.rpartition("@")
        domain = domain.lower()
        if (
            domain in self._valid_domains
            and len(address) <= MAX_EMAIL_LENGTH
            and len(local) <= 64
            and _SIMPLE_LOCAL_PART.fullmatch(local)
        ):
            return None
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            return str(exc)
        self._valid_domains.add(domain)
        return None


class _RowChecker:
    def __init__(self, columns: dict[str, int], width: int, *, look_for_nul: bool) -> None:
        self.columns = columns
        self.width = width
        self.look_for_nul = look_for_nul
        self.records: list[PersonRecord] = []
        self.problems: list[Problem] = []
        self.rows_by_id: dict[str, int] = {}
        self.rows_by_email: dict[str, int] = {}
        self.emails = _EmailChecker()
        # Every known column of a row in one call; a column the file lacks reads the blank
        # that check() appends after the row's own values.
        self._pick = itemgetter(*(columns.get(name, width) for name in ALL_COLUMNS))
        self._shared: dict[str, str] = {}  # one copy of each repeated value (name, title, …)
        self._dates: dict[str, date] = {}  # one date object per day, parsed once
        self._languages: dict[str, str | None] = {"": None}  # each spelling read once

    def check(self, row: int, values: list[str]) -> None:
        if not "".join(values).strip():
            return  # a blank line, or one of only delimiters as spreadsheets write them
        if len(values) != self.width:
            self.problems.append(
                Problem(
                    N_(
                        "has %(values)d values but the header names %(columns)d columns "
                        "(a comma or semicolon inside a value needs quotes around the value)",
                        values=len(values),
                        columns=self.width,
                    ),
                    row=row,
                )
            )
            return
        values.append("")  # what a column missing from the file reads (see _pick)
        fields = list(map(str.strip, self._pick(values)))
        before = len(self.problems)
        # Most rows have every required value and nothing near a length limit: one test
        # spares them ten column-by-column checks.
        if self.look_for_nul or not all(fields[:4]) or max(map(len, fields)) > _SHORTEST_LIMIT:
            for name, value in zip(ALL_COLUMNS, fields, strict=True):
                self._check_value(row, name, value)
        hris_id, email, first_name, last_name, department, title, location = fields[:7]
        manager_id, hire_date, status, language = fields[7:]
        email = email.lower()
        if email and (reason := self.emails.check(email)):
            self._problem(
                row,
                "email",
                N_(
                    "%(value)s is not a valid email address: %(reason)s",
                    value=repr(email),
                    reason=reason,
                ),
            )
        self._check_unique(row, "employee_id", hris_id, self.rows_by_id)
        self._check_unique(row, "email", email, self.rows_by_email)
        status = status.lower() or "active"
        if status not in STATUSES:
            self._problem(
                row,
                "status",
                N_("%(value)s is not a status; use active or inactive", value=repr(status)),
            )
        parsed_date = self._date(row, hire_date)
        parsed_language = self._language(row, language)
        if len(self.problems) > before:
            return
        shared = self._shared.setdefault  # one copy of each repeated value keeps memory low
        self.records.append(
            PersonRecord(
                hris_id=hris_id,
                email=email,
                first_name=shared(first_name, first_name),
                last_name=shared(last_name, last_name),
                department=shared(department, department) or None,
                title=shared(title, title) or None,
                location=shared(location, location) or None,
                manager_hris_id=shared(manager_id, manager_id) or None,
                hire_date=parsed_date,
                is_active=STATUSES[status],
                row=row,
                language=parsed_language,
            )
        )

    def _check_value(self, row: int, name: str, value: str) -> None:
        if self.look_for_nul and (bad := first_unstorable(value)) is not None:
            self._problem(
                row,
                name,
                N_("holds %(character)s, which cannot be stored; remove it", character=bad.name),
            )
        elif not value and name in REQUIRED_COLUMNS:
            self._problem(row, name, N_("is empty; every person needs one"))
        elif len(value) > MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH):
            limit = MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH)
            self._problem(
                row,
                name,
                N_(
                    "is %(length)d characters long; the limit is %(limit)d",
                    length=len(value),
                    limit=limit,
                ),
            )

    def _check_unique(self, row: int, column: str, value: str, seen: dict[str, int]) -> None:
        if not value:
            return
        if value in seen:
            self._problem(
                row,
                column,
                N_("%(value)s is already used in row %(row)d", value=repr(value), row=seen[value]),
            )
        else:
            seen[value] = row

    def _date(self, row: int, value: str) -> date | None:
        if not value:
            return None
        if (known := self._dates.get(value)) is not None:
            return known
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            parsed = self._dates[value] = date.fromisoformat(value)
        except ValueError:
            self._problem(
                row,
                "hire_date",
                N_("%(value)s is not a date; write it as YYYY-MM-DD", value=repr(value)),
            )
            return None
        return parsed

    def _language(self, row: int, value: str) -> str | None:
        if value in self._languages:
            return self._languages[value]
        try:
            language = spoken_language(value)
        except NotALanguageTag:
            language = None
        if language is None:
            self._problem(
                row,
                "language",
                N_(
                    "%(value)s is not a language Postwise speaks; use %(languages)s "
                    "(a tag such as de-CH or fr_FR also works), or leave it empty",
                    value=repr(value),
                    languages=", ".join(LANGUAGES),
                ),
            )
            return None
        self._languages[value] = language
        return language

    def _problem(self, row: int, column: str, message: Message | str) -> None:
        self.problems.append(Problem(message, row=row, column=column_label(self.columns, column)))


def _column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
