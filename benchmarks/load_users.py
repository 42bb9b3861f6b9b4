"""The simulated people of load_speed.py, as a locustfile: employees, and a health check.

load_speed.py runs it as `locust -f benchmarks/load_users.py --headless ... Employee` (then
`HealthCheck`), with the accounts it created named in the environment. An Employee behaves
as a browser does: it signs in with the form's CSRF token and keeps its session cookie, then
reads the course's lessons in order, answers each lesson's knowledge check, marks the lesson
done, and now and then takes the final quiz (start an attempt, answer the questions drawn
for it, read the result) until its attempts run out. The first "Mark as done" and the first
quiz submission of each employee are double clicks: two identical POSTs at once, as an
impatient person sends them.

Every answer is checked: its status (redirects are not followed, so each counts on its own)
and a text the page must show. Anything else is a failure with the reason, so a sign-in page
served in place of a lesson cannot pass for a fast lesson.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import gevent
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser, ResponseContextManager
from locust.exception import StopUser
from reports_speed import BenchmarkError, csrf_token

# Set by load_speed.py: the accounts ("{n}" is 1, 2, ...), their password, the course, its
# lesson slugs in order, and the think time between two steps (min,max seconds).
EMAIL = os.environ.get("LOAD_EMAIL", "load{n}@bench.example.com")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
COURSE = os.environ.get("LOAD_COURSE", "social-media-essentials")
LESSONS = os.environ.get("LOAD_LESSONS", "").split(",")
THINK = tuple(float(s) for s in os.environ.get("LOAD_THINK", "0.1,0.5").split(","))

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# A question's inputs on the lesson and attempt pages: radio (one answer) or checkbox (several).
ANSWER_INPUT = re.compile(
    r'<input type="(radio|checkbox)" id="[kc]\d+" name="(q\d+)" value="(\d+)"'
)
ATTEMPT_PATH = re.compile(rf"^/courses/{re.escape(COURSE)}/quiz/attempts/\d+$")
AFTER_DONE = ("/courses/", "/guideline")  # the next lesson, the course, the quiz, the guideline

_numbers = itertools.count(1)


def random_answers(page: str) -> list[tuple[str, str]]:
    """One choice per radio question, a non-empty random subset per checkbox question."""
    questions: dict[str, tuple[str, list[str]]] = {}
    for kind, name, value in ANSWER_INPUT.findall(page):
        questions.setdefault(name, (kind, []))[1].append(value)
    answers = []
    for name, (kind, values) in questions.items():
        count = 1 if kind == "radio" else random.randint(1, len(values))  # noqa: S311 - not secret
        answers += [(name, value) for value in random.sample(values, count)]
    return answers


def form_token(response: ResponseContextManager) -> str | None:
    """The page's CSRF token, or None with the request marked failed."""
    try:
        return csrf_token(response.text)
    except BenchmarkError:
        response.failure("the page has no csrf_token input")
        return None


class CheckedUser(FastHttpUser):
    """A user whose every request must get an expected answer, or counts as failed."""

    abstract = True
    wait_time = between(*THINK)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Never follow a redirect, so each request is counted and checked on its own. Set on
        # the client once: `allow_redirects=False` per request swaps this same setting for the
        # request's duration, so one of two requests at once (a double click) would follow.
        self.client.client.redirect_response_codes = frozenset()

    @contextlib.contextmanager
    def expect(
        self, method: str, path: str, name: str, status: int, text: str = "", body: str = ""
    ) -> Iterator[ResponseContextManager | None]:
        """A request whose answer must have `status` and show `text` (a|b: either of them).

        Yields the response, or None when it failed; the `with` block may still fail it.
        """
        with self.client.request(method, path, name=name, data=body or None,
                                 headers=FORM if body else None,
                                 catch_response=True) as response:  # fmt: skip
            problem = _problem(response, status, text)
            if problem:
                response.failure(problem)
            yield None if problem else response

    def fetch(self, method: str, path: str, name: str, status: int, text: str = "",
              body: str = "") -> bool:  # fmt: skip
        """`expect` for a request whose answer is not read further; True if it passed."""
        with self.expect(method, path, name, status, text, body) as response:
            return response is not None


def _problem(response: ResponseContextManager, status: int, text: str) -> str:
    """What is wrong with an answer ("" if nothing)."""
    if response.status_code == 0:
        return f"no answer: {response.error!r}"
    if response.status_code != status:
        where = response.headers.get("Location")
        detail = f" (to {where})" if where else f": {_gist(response.text or '')}"
        return f"answered {response.status_code}, expected {status}{detail}"
    if text and not any(part in response.text for part in text.split("|")):
        return f"the page does not show {text!r}"
    return ""


def _gist(page: str) -> str:
    """An error page's title (the app's pages all have one), else the start of the answer."""
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    return repr(title.group(1).strip() if title else page[:200])


class Employee(CheckedUser):
    """One signed-in employee working through the flagship course."""

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.lesson = self.number % len(LESSONS)  # people start at different lessons
        self.quiz_over = False
        self.first_done = self.first_submit = True  # the double clicks still to make
        with self.expect("GET", "/sign-in", "sign-in page", 200, "csrf_token") as page:
            token = form_token(page) if page else None
        if token is None:
            raise StopUser
        form = {"email": EMAIL.format(n=self.number), "password": PASSWORD, "csrf_token": token}
        with self.expect("POST", "/sign-in", "sign in", 302, body=urlencode(form)) as answer:
            if answer and answer.headers.get("Location") != "/":
                answer.failure(f"signed in, but sent to {answer.headers.get('Location')!r}")
                answer = None
        if answer is None:
            raise StopUser

    @task(3)
    def read_lesson(self) -> None:
        """A lesson page, its knowledge check answered, then marked done (once per lesson)."""
        slug = LESSONS[self.lesson]
        self.lesson = (self.lesson + 1) % len(LESSONS)
        path = f"/courses/{COURSE}/lessons/{slug}"
        with self.expect("GET", path, "lesson page", 200, '<h1 id="lesson-title">') as page:
            if page is None:
                return
            has_check = f'action="{path}/check"' in page.text
            not_done = f'action="{path}/done"' in page.text
            answers, token = random_answers(page.text), form_token(page)
        if token is None:
            return
        if has_check:
            self.wait()
            body = urlencode([("csrf_token", token), *answers])
            self.fetch("POST", f"{path}/check", "knowledge check", 200, "Not quite|Correct", body)
        if not_done:
            self.wait()
            click = self.double_click if self.first_done else self.click
            self.first_done = False
            click(f"{path}/done", "mark lesson done", urlencode({"csrf_token": token}), AFTER_DONE)

    @task(1)
    def take_quiz(self) -> None:
        """The quiz page; while attempts are left, one attempt started, answered and read."""
        overview = f"/courses/{COURSE}/quiz/"
        with self.expect("GET", overview, "quiz page", 200, "<h1>Final quiz</h1>") as page:
            if page is None:
                return
            can_start = f'action="/courses/{COURSE}/quiz/attempts"' in page.text
            token = form_token(page) if can_start else None
        self.quiz_over = self.quiz_over or not can_start
        if token is None:
            return
        self.wait()
        body = urlencode({"csrf_token": token})
        with self.expect("POST", overview + "attempts", "start attempt", 302, body=body) as started:
            attempt = started.headers.get("Location", "") if started else ""
            if started and not ATTEMPT_PATH.match(attempt):
                started.failure(f"started an attempt, but sent to {attempt!r}")
                attempt = ""
        if not attempt:
            return
        with self.expect("GET", attempt, "attempt page", 200, "Submit answers") as questions:
            if questions is None:
                return
            answers, token = random_answers(questions.text), form_token(questions)
        if token is None:
            return
        self.wait()
        click = self.double_click if self.first_submit else self.click
        self.first_submit = False
        click(attempt, "submit answers", urlencode([("csrf_token", token), *answers]), (attempt,))
        self.fetch("GET", attempt, "attempt result", 200, "You scored")

    def click(self, path: str, name: str, body: str, goes_to: tuple[str, ...]) -> None:
        """POST a form once; it must redirect to a path that starts with one of `goes_to`."""
        with self.expect("POST", path, name, 302, body=body) as answer:
            where = answer.headers.get("Location", "") if answer else ""
            if answer and not where.startswith(goes_to):
                answer.failure(f"redirected to {where!r}, expected one of {goes_to}")

    def double_click(self, path: str, name: str, body: str, goes_to: tuple[str, ...]) -> None:
        """The same POST twice at once: both must be answered as if it had been sent once."""
        clicks = [gevent.spawn(self.click, path, f"{name}, clicked twice", body, goes_to)
                  for _ in range(2)]  # fmt: skip
        gevent.joinall(clicks, raise_error=True)


class HealthCheck(CheckedUser):
    """The baseline: the same number of users and think time, each asking only /healthz."""

    @task
    def health(self) -> None:
        self.fetch("GET", "/healthz", "/healthz", 200, '"status":"ok"')
