"""Quality floors on our labelled evaluation set (tests/data/eval_queries.jsonl, written independently of the
content phrases). These are what a user notices: the right card, in the right language, danger never missed.
Speed is measured in bench/accuracy.py, not asserted here."""

from __future__ import annotations

import pytest

from bot.core.understanding import Understander
from bot.evaluation import EVAL_SET, FRESH_SET, HOLDOUT_SET, evaluate, format_report, load_queries


@pytest.fixture(scope="module")
def understander(content):
    return Understander(content)


@pytest.fixture(scope="module")
def report(understander):
    return evaluate(understander, load_queries(EVAL_SET))


@pytest.fixture(scope="module", params=[HOLDOUT_SET, FRESH_SET], ids=["holdout", "fresh"])
def holdout(understander, request):
    return evaluate(understander, load_queries(request.param), name=request.param.name)


def test_eval_set_is_big_and_varied():
    queries = load_queries()
    assert len(queries) >= 400
    assert {q["lang"] for q in queries} == {"tg", "ru", "en"}
    assert sum(q["topic"] is None for q in queries) >= 0.1 * len(queries)


def test_topic_accuracy(report):
    assert report.topic.rate >= 0.88, format_report(report)
    for lang, tally in report.by_lang.items():
        assert tally.rate >= 0.83, (lang, format_report(report))


def test_out_of_scope_rejection(report):
    assert report.oos.rate >= 0.85, format_report(report)


def test_reply_language(report):
    assert report.lang.rate >= 0.97, format_report(report)


def test_emergencies(report):
    assert report.emergency_recall.rate >= 0.97, format_report(report)
    assert report.false_alarm.rate <= 0.02, format_report(report)


def test_held_out_set_meets_the_release_bar(holdout):
    """The bar the project is held to on unseen queries: topic >= 0.85 (>= 0.80 per language), out-of-scope
    rejection >= 0.80, reply language >= 0.95, emergency recall >= 0.95 with false alarms <= 3%."""
    text = format_report(holdout)
    assert holdout.topic.rate >= 0.85, text
    assert all(t.rate >= 0.80 for t in holdout.by_lang.values()), text
    assert holdout.oos.rate >= 0.80, text
    assert holdout.lang.rate >= 0.95, text
    assert holdout.emergency_recall.rate >= 0.95, text
    assert holdout.false_alarm.rate <= 0.03, text
