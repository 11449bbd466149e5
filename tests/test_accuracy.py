"""Quality floors on our labelled evaluation set (tests/data/eval_queries.jsonl, written independently of the
content phrases). These are what a user notices: the right card, in the right language, danger never missed.
Speed is measured in bench/accuracy.py, not asserted here."""

from __future__ import annotations

import pytest

from bot.core.understanding import Understander
from bot.evaluation import evaluate, format_report, load_queries


@pytest.fixture(scope="module")
def report(content):
    return evaluate(Understander(content), load_queries())


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
