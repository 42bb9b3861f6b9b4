"""The labelled corpus passes exactly: every draft gets exactly the rules it should.

Precision and recall per rule: `.venv/bin/python -m tests.precheck.corpus`.
"""

from __future__ import annotations

import pytest

from tests.precheck.corpus import found, load_corpus, score

CORPUS = load_corpus()


def test_the_corpus_is_big_and_varied_enough():
    assert len(CORPUS) >= 80
    assert len({draft.id for draft in CORPUS}) == len(CORPUS)  # ids are unique
    assert sum(1 for draft in CORPUS if not draft.expected) >= 30  # many clean drafts
    assert len({rule for draft in CORPUS for rule in draft.expected}) == 20  # every rule


@pytest.mark.parametrize("draft", CORPUS, ids=[draft.id for draft in CORPUS])
def test_each_draft_gets_exactly_its_rules(draft):
    assert found(draft) == draft.expected


def test_precision_and_recall_are_perfect_on_the_corpus():
    result = score(CORPUS)
    assert result.wrong == [], result.table()
