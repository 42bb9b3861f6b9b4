"""The quiz editor's services: every question kind, the importer's rules by field, conflicts."""

from __future__ import annotations

import pytest

from lms.authoring import questions
from lms.authoring.errors import EditConflict, Gone, Invalid
from lms.authoring.tokens import question_token
from lms.courses.packs import ChoiceSource
from lms.courses.services import version_as_pack
from tests.authoring.conftest import SLUG, single

TRUE, FALSE = ChoiceSource("True", True), ChoiceSource("False")


@pytest.mark.parametrize(
    "question",
    [
        single("pick-many", kind="multiple", choices=(TRUE, FALSE, ChoiceSource("x", True))),
        single(
            "yes-or-no",
            kind="true_false",
            choices=(ChoiceSource(" True "), ChoiceSource("False", True)),
        ),
        single(
            "a-scenario", kind="scenario", prompt="", post="A draft\r\npost", post_kind="comment"
        ),
        single("practice", lesson="second", knowledge_check=True),
    ],
    ids=lambda q: q.key,
)
def test_every_kind_of_question_is_saved_as_the_importer_would_read_it(db, draft_course, question):
    saved = questions.add_question(db, SLUG, question)
    pack_question = version_as_pack(draft_course).questions[-1]
    assert pack_question.key == saved.key == question.key
    if question.kind == "scenario":
        assert (saved.prompt, saved.post) == ("What should you do?", "A draft\npost")
    if question.kind == "true_false":
        assert [c.text for c in saved.choices] == ["True", "False"]
    assert draft_course.fingerprint == version_as_pack(draft_course).fingerprint


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"key": "q-two"}, "key", "already"),
        ({"key": "Q 1"}, "key", "must be lower-case letters, digits and hyphens"),
        ({"kind": "essay"}, "kind", "Choose one of: single, multiple, true_false, scenario."),
        ({"lesson": "nope"}, "lesson", "Choose one of this course's lessons."),
        ({"lesson": None, "knowledge_check": True}, "knowledge_check", "needs the lesson"),
        ({"prompt": " "}, "prompt", "This needs some text."),
        ({"explanation": ""}, "explanation", "Explain the right answer"),
        ({"choices": (ChoiceSource("Only", True),)}, "choices", "at least two choices"),
        (
            {"choices": (ChoiceSource("A", True), ChoiceSource("B", True))},
            "choices",
            "A single question needs exactly one correct choice, and this one has 2.",
        ),
        (
            {"kind": "multiple", "choices": (ChoiceSource("A"), ChoiceSource("B"))},
            "choices",
            "at least one correct choice",
        ),
        (
            {"kind": "true_false", "choices": (ChoiceSource("Yes", True), ChoiceSource("No"))},
            "choices",
            "exactly two choices: True and False",
        ),
        ({"kind": "scenario", "post_kind": "tweet"}, "post", "needs the draft it is about"),
        ({"kind": "scenario", "post": "x", "post_kind": "tweet"}, "post_kind", "'tweet' must be"),
        ({"post": "A post"}, "post", "Only scenario questions have a post"),
        (
            {"choices": (ChoiceSource("A", True), ChoiceSource("", False, "feedback"))},
            "choices",
            "Every choice needs text",
        ),
    ],
)
def test_a_question_breaking_a_pack_rule_is_refused_by_field(
    db, draft_course, change, field, message
):
    question = draft_course.questions[0]
    token, before = question_token(question), draft_course.fingerprint
    with pytest.raises(Invalid) as refused:
        questions.update_question(
            db, SLUG, "q-one", single(**{"key": "q-one", "lesson": "first", **change}), token=token
        )
    assert message in " ".join(map(str, refused.value.problems[field]))
    assert (draft_course.fingerprint, question_token(question)) == (before, token)


def test_questions_are_edited_moved_and_deleted(db, draft_course):
    first = draft_course.questions[0]
    edited = single("q-one", choices=(ChoiceSource("A"), ChoiceSource("B", True, "Right.")))
    questions.update_question(db, SLUG, "q-one", edited, token=question_token(first))
    assert [(c.text, c.is_correct, c.feedback) for c in first.choices] == [
        ("A", False, None),
        ("B", True, "Right."),
    ]
    questions.move_question(db, SLUG, "q-one", +1)
    assert [q.key for q in draft_course.questions] == ["q-two", "q-one", "q-three"]
    questions.delete_question(db, SLUG, "q-two", token=question_token(draft_course.questions[0]))
    assert [(q.key, q.position) for q in draft_course.questions] == [("q-one", 1), ("q-three", 2)]
    assert draft_course.fingerprint == version_as_pack(draft_course).fingerprint
    db.commit()


def test_a_question_changed_or_deleted_meanwhile_is_not_overwritten(db, draft_course):
    loaded = question_token(draft_course.questions[0])
    questions.update_question(db, SLUG, "q-one", single("q-one", prompt="Theirs?"), token=loaded)
    with pytest.raises(EditConflict) as conflict:
        questions.update_question(db, SLUG, "q-one", single("q-one", prompt="Mine?"), token=loaded)
    assert conflict.value.current.prompt == "Theirs?"
    questions.delete_question(db, SLUG, "q-one", token=question_token(draft_course.questions[0]))
    with pytest.raises(Gone):
        questions.update_question(db, SLUG, "q-one", single("q-one"), token=loaded)
