"""What makes a quiz question well formed, shared by the pack importer and the HR editor. Pure."""

from __future__ import annotations

QUESTION_KINDS = ("single", "multiple", "true_false", "scenario")
POST_KINDS = ("post", "comment", "message")
SHOW_ANSWERS = ("after_each_attempt", "after_passing", "never")
ONE_CORRECT = {"single", "true_false", "scenario"}
SCENARIO_PROMPT = "What should you do?"


def answers_revealed(policy: str, *, passed: bool) -> bool:
    """Whether a submitted final-quiz attempt may show, question by question, what was right.

    That covers the Correct / Not correct marks, which choice was picked, the picked choice's
    feedback, the right answers and the explanation: on a true/false question any one of them
    gives the answer away. "after_each_attempt" shows them on every result; "after_passing"
    only once the learner has passed (running out of attempts is not enough: a recertification
    or a new enrolment asks the same pool again); "never" never does. A hidden result keeps
    the score, passed or not, and the lessons to revisit.

    Knowledge checks are not governed by this: they are practice questions kept out of the
    final quiz's pool (CourseVersion.quiz_questions), so their feedback gives nothing away.
    """
    if policy == "after_each_attempt":
        return True
    if policy == "after_passing":
        return passed
    return False  # "never", and anything unknown stays hidden


def default_prompt_for(kind: object) -> str | None:
    """The prompt a question gets when its author gives none (only scenarios have one)."""
    return SCENARIO_PROMPT if kind == "scenario" else None


def knowledge_check_problem(knowledge_check: bool, lesson: str | None) -> str | None:
    """A knowledge check is asked at the end of a lesson, so it must name one."""
    if knowledge_check and not lesson:
        return "a knowledge check needs the lesson it belongs to"
    return None


def question_problems(
    kind: object, post: str | None, post_kind: object, choices: list[tuple[str, bool]]
) -> list[str]:
    """Why a question of this kind could not be asked as written (empty if it can)."""
    return [message for _, message in question_field_problems(kind, post, post_kind, choices)]


def question_field_problems(
    kind: object, post: str | None, post_kind: object, choices: list[tuple[str, bool]]
) -> list[tuple[str, str]]:
    """The same, each with the part it is about: "choices", "post" or "post_kind"."""
    problems = []
    correct = sum(1 for _, is_correct in choices if is_correct)
    if len(choices) < 2:
        problems.append(("choices", "a question needs at least two choices"))
    if kind in ONE_CORRECT and correct != 1:
        problems.append(
            (
                "choices",
                f"a {kind} question needs exactly one correct choice, and this one has {correct}",
            )
        )
    if kind == "multiple" and correct == 0:
        problems.append(
            ("choices", "a multiple question needs at least one correct choice, and has none")
        )
    if kind == "true_false" and sorted(text for text, _ in choices) != ["False", "True"]:
        problems.append(
            ("choices", "a true_false question has exactly two choices: True and False")
        )
    if kind == "scenario":
        if not post:
            problems.append(("post", "a scenario question needs the draft it is about, as post"))
        if post_kind not in POST_KINDS:
            problems.append(
                ("post_kind", f"post_kind {post_kind!r} must be one of {', '.join(POST_KINDS)}")
            )
    elif post is not None or post_kind is not None:
        problems.append(("post", "only scenario questions have a post and a post_kind"))
    return problems
