"""The content is complete, sourced and validated, and a broken file is reported by file and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot import LANGUAGES
from bot.content import REQUIRED_TOPICS, ContentError, load_content


def test_all_required_topics_exist_in_every_language(content):
    assert set(REQUIRED_TOPICS) <= set(content.topics)
    for topic in content.topics.values():
        for lang in LANGUAGES:
            assert topic.title[lang] and all(p.text[lang] for p in topic.answer)
            assert len(topic.match[lang]) >= 5, (topic.id, lang)


def test_every_point_cites_a_known_source(content):
    for topic in content.topics.values():
        assert topic.sources, topic.id
        for point in topic.answer + topic.details:
            assert point.sources and set(point.sources) <= set(content.sources), topic.id


def test_related_topics_exist(content):
    for topic in content.topics.values():
        assert 2 <= len(topic.related) <= 4
        assert set(topic.related) <= set(content.topics)


def test_every_phone_number_has_a_source_and_read_date(content):
    ids = {c.id for c in content.countries}
    assert {"tj", "ru", "kz", "ae", "tr", "sa"} <= ids
    for country in content.countries:
        assert country.lines or country.missing, country.id
        for line in country.lines:
            assert line.source and line.source_date
            assert dt.date(2020, 1, 1) <= line.read <= dt.date.today()
            assert all(call.date <= dt.date.today() for call in line.calls)


def test_no_phone_numbers_hidden_in_topic_text(content):
    import re
    for topic in content.topics.values():
        for point in topic.answer + topic.details:
            for lang in LANGUAGES:
                assert not re.search(r"\+?\d[\d \-]{6,}\d", point.text[lang]), (topic.id, point.text[lang])


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_missing_translation_is_named(content_copy):
    _edit(content_copy / "topics" / "contract.yaml", lambda d: d["answer"][0].pop("tg"))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert any(p.file.endswith("topics/contract.yaml") and p.field == "answer[0].tg" for p in err.value.problems)


def test_unknown_source_is_named(content_copy):
    _edit(content_copy / "topics" / "health.yaml", lambda d: d["answer"][1].update(sources=["wikipedia"]))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert "answer[1].sources" in str(err.value) and "wikipedia" in str(err.value)


def test_number_without_read_date_is_refused(content_copy):
    _edit(content_copy / "hotlines.yaml", lambda d: d["countries"][0]["lines"][0].pop("read"))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert "countries[0].lines[0].read" in str(err.value)


def test_broken_yaml_names_the_line(content_copy):
    (content_copy / "topics" / "rights.yaml").write_text("id: rights\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert "topics/rights.yaml" in str(err.value) and "line" in str(err.value)


def test_local_lines_come_first(content_copy):
    (content_copy / "local").mkdir()
    (content_copy / "local" / "hotlines.yaml").write_text(yaml.safe_dump({"countries": [{
        "id": "ru", "name": {"tg": "Русия", "ru": "Россия", "en": "Russia"},
        "lines": [{"name": {"tg": "Хати мо", "ru": "Наша линия", "en": "Our line"}, "number": "+7 900 000 00 00",
                   "kind": "ngo", "source": "Our NGO", "source_date": "2026", "read": dt.date(2026, 1, 5)}],
    }]}, allow_unicode=True), encoding="utf-8")
    loaded = load_content(content_copy)
    assert loaded.country("ru").lines[0].name["en"] == "Our line"


# -- summaries: one complete phrase per topic and language, shown whole in inline results and the kit index ---------

def test_every_topic_has_a_whole_summary_in_every_language(content):
    from bot.content import SUMMARY_MAX
    for topic in content.topics.values():
        for lang in LANGUAGES:
            summary = topic.summary[lang]
            assert 20 <= len(summary) <= SUMMARY_MAX, (topic.id, lang, summary)
            assert summary[-1] in ".!?", (topic.id, lang, summary)
            assert summary != topic.answer[0].text[lang][:len(summary)], (topic.id, lang)  # not a cut of answer[0]


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d.pop("summary"), "summary", "expected a mapping"),
    (lambda d: d["summary"].pop("ru"), "summary.ru", "missing"),
    (lambda d: d["summary"].update(en="Check the agency, its licence and the contract before you pay anything to "
                                      "anyone at all, and keep every receipt."), "summary.en", "too long"),
    (lambda d: d["summary"].update(tg="Агентиро санҷед ва шартномаи хаттӣ гир"), "summary.tg", "complete phrase"),
])
def test_a_missing_long_or_cut_summary_is_named(content_copy, change, field, words):
    _edit(content_copy / "topics" / "check_agency.yaml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert any(p.file.endswith("topics/check_agency.yaml") and p.field == field and words in p.message
               for p in err.value.problems), err.value.problems
