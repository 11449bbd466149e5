"""Replies as the user sees them: cards with sources, buttons that work, and friendly answers to nonsense."""

from __future__ import annotations

import pytest

from bot import LANGUAGES
from bot.core.reply import Reply
from bot.rules import RULE_TOPICS


def actions(reply: Reply) -> list[str]:
    return [b.action for b in reply.all_buttons()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_topic_card_fits_a_phone_and_cites_sources(dialogue, lang):
    for topic_id, topic in dialogue.content.topics.items():
        reply = dialogue.topic(topic_id, lang)
        assert topic.title[lang] in reply.text
        # A card that shows rules (at most MAX_ON_CARD) is longer; the emergency card also lists every number.
        limit = 2600 if topic_id == "emergency" else 2200 if topic_id in RULE_TOPICS else 1400
        assert len(reply.text) < limit, (topic_id, lang, len(reply.text))
        assert "menu" in actions(reply) and "h" in actions(reply)
        if topic.details:
            assert f"m:{topic_id}" in actions(reply)
        for related in topic.related:
            if related != "hotlines":
                assert f"t:{related}" in actions(reply)
    card = dialogue.topic("passport_taken", lang)
    assert "Human Rights Centre" in card.text or "IOM" in card.text or "State Dept" in card.text


def test_card_text_is_in_the_asked_language(dialogue):
    assert "паспорт" in dialogue.topic("passport_taken", "ru").text.lower()
    assert any(ch in dialogue.topic("passport_taken", "tg").text for ch in "ғӣқӯҳҷ")
    assert "passport" in dialogue.topic("passport_taken", "en").text.lower()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emergency_shows_numbers_first(dialogue, lang):
    reply = dialogue.respond({"tg": "маро мезананд ёрӣ диҳед", "ru": "помогите меня бьют",
                              "en": "help they are beating me"}[lang], lang)
    assert reply.kind == "emergency" and reply.lang == lang
    head = reply.text.split("\n\n")[1]
    assert "112" in head and "999" in head


def test_hotline_numbers_show_source_read_date_and_test_call(dialogue):
    for lang in LANGUAGES:
        for country in dialogue.content.countries:
            reply = dialogue.act(f"h:{country.id}", lang)
            blocks = reply.text.split("\n\n")
            for line in country.lines:
                [block] = [b for b in blocks if b.startswith(f"☎️ {line.number} ")]
                assert line.read.isoformat() in block and line.source_date in block
                if line.note:
                    assert line.note[lang] in block
                if line.last_call:
                    assert line.last_call.date.isoformat() in block and line.last_call.by in block
            assert "h" in actions(reply)
    english = dialogue.act("h:ru", "en").text
    assert "Test call 2024-11-21 (Asia-Plus): no answer." in english
    assert "Test call 2024-11-21 (Asia-Plus): answered." in english
    assert "Never test-called." in english


def test_unsure_offers_two_or_three_topics(dialogue):
    reply = dialogue.unsure("en", ("passport_taken", "consulate", "legal_stay"))
    assert reply.kind == "unsure"
    assert [a for a in actions(reply) if a.startswith("t:")] == ["t:passport_taken", "t:consulate", "t:legal_stay"]


@pytest.mark.parametrize("action", ["", "t:nope", "t:passport_taken; DROP TABLE", "x" * 70, "h:zz", "s:nothing",
                                    "l:fr", "menu:extra", "m:", "💥", None])
def test_forged_or_stale_buttons_are_explained(dialogue, action):
    reply = dialogue.act(action, "tg")
    assert reply.kind == "stale" and "menu" not in reply.text.lower() or reply.buttons


def test_every_button_leads_somewhere(dialogue):
    """Walk every screen reachable from the menu in every language: no button is dead."""
    for lang in LANGUAGES:
        seen: set[str] = set()
        todo = actions(dialogue.menu(lang))
        while todo:
            action = todo.pop()
            if action in seen or action == "check" or action.startswith("c:"):
                continue
            seen.add(action)
            reply = dialogue.act(action, lang)
            assert reply.kind != "stale", (lang, action)
            assert len(action.encode()) <= 64
            todo.extend(actions(reply))
        assert {f"t:{t}" for t in dialogue.content.topics if t != "hotlines"} <= seen


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_button_switches_language(dialogue, lang):
    reply = dialogue.act(f"l:{lang}", "tg")
    assert reply.lang == lang and reply.kind == "language_set"


def test_out_of_scope_is_polite_and_offers_the_menu(dialogue):
    reply = dialogue.respond("какая погода завтра в москве", "ru")
    assert reply.kind == "out_of_scope" and reply.lang == "ru"
    assert any(a.startswith("s:") for a in actions(reply))


def test_welcome_suggests_the_users_language_first(dialogue):
    assert actions(dialogue.welcome("ru"))[0] == "l:ru"
    assert actions(dialogue.welcome("en"))[0] == "l:en"


def test_about_names_sources_and_privacy(dialogue):
    text = dialogue.about("en").text
    assert "Human Rights Centre" in text and "does not keep your messages" in text and "until it is answered" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_summary_is_the_topics_own_whole_phrase(dialogue, lang):
    """Inline results and the kit index describe a card by its summary, never by its first point cut mid-word."""
    for topic_id, topic in dialogue.content.topics.items():
        summary = dialogue.summary(topic_id, lang)
        assert summary == topic.summary[lang]
        assert len(summary) <= 100 and summary[-1] in ".!?"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_slow_down_note_is_short_polite_and_keeps_the_emergency_button_first(dialogue, lang):
    reply = dialogue.slow_down(lang)
    assert reply.kind == "slow_down" and reply.lang == lang
    assert len(reply.text) < 300
    assert actions(reply) == ["t:emergency", "menu"]
    assert reply.text != dialogue.slow_down("en").text or lang == "en", "translated"
    for action in actions(reply):
        assert dialogue.act(action, lang).kind != "stale"
