"""End-to-end tests: the real bot process (``python -m bot run``) against the Bot API stand-in.

What is checked is what a user would see: the texts and buttons that reach the chat, in the right language, and
that nothing is lost or sent twice when Telegram has a bad moment. Most tests share one bot process (module scope,
LOG_LEVEL=DEBUG so that the token check at the end covers every log line); each uses its own user ids. Restart,
webhook and start-up failures get their own processes.

Expected texts come from the same dialogue core the bot runs (``dialogue`` fixture) rendered as the adapter renders
them, so a mismatch means the Telegram side changed what the core said; independent anchors (the letters of each
language, "112", "Прочитан в источнике", the t.me link) check the core's answers themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import random
import re
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.channels.telegram import render
from bot.core.reply import Reply
from tests.botapi.emulator import ApiError, BotApiEmulator
from tests.e2e_helpers import (
    BOT_USERNAME,
    TOKEN,
    BotProcess,
    Harness,
    actions,
    buttons,
    files_once_scrubbed,
    free_port,
    run_bot_once,
    script_language,
)

ADMIN = 7_000_000_042
LANGUAGE_ROW = {"l:tg", "l:ru", "l:en"}
DATE = r"\d{4}-\d{2}-\d{2}"


@pytest.fixture(scope="module")
def e2e(tmp_path_factory):
    """One emulator and one bot process for the module; the bot is stopped (and must stop cleanly) at the end."""
    data = tmp_path_factory.mktemp("e2e-data")
    logs = tmp_path_factory.mktemp("e2e-logs")
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        bot = BotProcess(api, data, logs / "bot.log", env={"ADMIN_IDS": str(ADMIN), "LOG_LEVEL": "DEBUG"})
        with bot:
            yield Harness(api, bot)
        assert bot.returncode == 0, bot.failure(f"the bot did not stop cleanly (exit code {bot.returncode})")


def same(message: dict, reply: Reply) -> None:
    """The chat message is exactly the core's reply as the Telegram adapter renders it: text and buttons."""
    assert message["text"] == render.text(reply).strip()
    assert buttons(message) == [[(b.label, b.action) for b in row] for row in reply.buttons]


def title(content, topic: str, lang: str) -> str:
    return content.topics[topic].title[lang]


# ---------------------------------------------------------------------------------------------------------------
# /start and the language choice
# ---------------------------------------------------------------------------------------------------------------

def test_start_greets_in_three_languages_with_the_telegram_language_first(e2e, dialogue):
    user = e2e.new_user()
    reply = e2e.command(user, "/start", lang="ru")
    same(reply, dialogue.welcome("ru"))
    assert buttons(reply) == [[("Русский", "l:ru"), ("Тоҷикӣ", "l:tg"), ("English", "l:en")]]
    assert "Здравствуйте" in reply["text"] and "Hello" in reply["text"] and "Салом" in reply["text"]

    for code, first in (("en", "l:en"), ("de", "l:tg"), (None, "l:tg")):
        reply = e2e.command(e2e.new_user(), "/start", lang=code)
        assert actions(reply)[0] == first, (code, actions(reply))
        assert set(actions(reply)) == LANGUAGE_ROW


def test_choosing_tajik_edits_the_welcome_into_the_tajik_menu_and_is_remembered(e2e, dialogue, content):
    user = e2e.new_user()
    welcome = e2e.command(user, "/start", lang="ru")
    menu, answered = e2e.press(user, welcome, "l:tg")
    assert answered.ok
    assert menu["message_id"] == welcome["message_id"] and "edit_date" in menu, "the welcome is edited, not repeated"
    same(menu, dialogue.menu("tg", kind="language_set"))
    assert script_language(menu["text"]) == "tg"
    assert {"t:emergency", "h", "s:before", "s:problems", "s:help", "lang"} <= set(actions(menu))

    # "паспорт" is the same word in Russian and Tajik: the remembered choice decides, not the Telegram language.
    card = e2e.send(user, "паспорт", lang="ru")
    assert card["text"].startswith(title(content, "passport_taken", "tg"))
    same(card, dialogue.topic("passport_taken", "tg"))
    # ...while someone with Russian Telegram who chose nothing gets Russian.
    card = e2e.send(e2e.new_user(), "паспорт", lang="ru")
    assert card["text"].startswith(title(content, "passport_taken", "ru"))


def test_language_choice_survives_a_restart_and_the_info_log_has_no_user_text(tmp_path, dialogue, content):
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        bot = BotProcess(api, tmp_path / "data", tmp_path / "bot.log")  # LOG_LEVEL=INFO, as in production
        h = Harness(api, bot)
        user = h.new_user()
        private = "корфармо шиносномаамро гирифт"
        with bot:
            welcome = h.command(user, "/start", lang="ru")
            h.press(user, welcome, "l:tg")
            h.send(user, private, lang="ru")
        assert bot.returncode == 0, bot.failure("SIGTERM should stop the bot cleanly")

        with bot:  # a new process on the same DATA_DIR
            card = h.send(user, "паспорт", lang="ru")
            assert card["text"].startswith(title(content, "passport_taken", "tg")), card["text"][:80]
            welcome = h.command(user, "/start", lang="ru")
            assert actions(welcome)[0] == "l:tg", "the remembered language is offered first"
        log = bot.log()
    assert log.count("Starting with long polling") == 2
    assert private not in log and "паспорт" not in log, "message texts must not be logged at INFO"
    assert TOKEN not in log


# ---------------------------------------------------------------------------------------------------------------
# Deep links
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["/start passport_taken-tg", f"/start@{BOT_USERNAME} passport_taken-tg"],
                         ids=["start", "start@bot"])
def test_deep_link_with_topic_and_language_opens_that_card(e2e, dialogue, content, command):
    user = e2e.new_user()
    card = e2e.command(user, command, lang="ru")
    same(card, dialogue.topic("passport_taken", "tg"))
    assert card["text"].startswith(title(content, "passport_taken", "tg"))
    assert script_language(card["text"]) == "tg"
    assert "m:passport_taken" in actions(card)


def test_deep_link_with_topic_only_uses_the_users_language(e2e, dialogue):
    card = e2e.command(e2e.new_user(), "/start passport_taken", lang="en")
    same(card, dialogue.topic("passport_taken", "en"))

    # a chosen language beats the Telegram one
    user = e2e.new_user()
    welcome = e2e.command(user, "/start", lang="en")
    e2e.press(user, welcome, "l:ru", lang="en")
    card = e2e.command(user, "/start passport_taken", lang="en")
    same(card, dialogue.topic("passport_taken", "ru"))


def test_deep_link_with_language_only_opens_that_menu_and_remembers_it(e2e, dialogue, content):
    user = e2e.new_user()
    menu = e2e.command(user, "/start en", lang="ru")
    same(menu, dialogue.menu("en"))
    # One Latin-letter word could be any of the three languages: the chosen English is kept. (A Cyrillic word
    # cannot be English, so that one is answered in Russian or Tajik: see the regression test below.)
    card = e2e.send(user, "pasport", lang="ru")
    assert card["text"].startswith(title(content, "passport_taken", "en"))


@pytest.mark.parametrize("payload", ["nonsense!!", "unknown_topic-xx", "passport_taken-xx", "../../etc/passwd",
                                     "a" * 65], ids=["nonsense", "unknown-topic", "unknown-lang", "path", "too-long"])
def test_unknown_or_malformed_deep_links_open_the_normal_welcome(e2e, dialogue, payload):
    reply = e2e.command(e2e.new_user(), f"/start {payload}", lang="ru")
    same(reply, dialogue.welcome("ru"))


# ---------------------------------------------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "telegram_lang", "topic", "lang"), [
    pytest.param("работодатель забрал мой паспорт", "ru", "passport_taken", "ru", id="russian"),
    pytest.param("zabrali pasport na rabote", "en", "passport_taken", "ru", id="russian-in-latin"),
    pytest.param("корфармо маошамро намедиҳад", "en", "unpaid_wages", "tg", id="tajik"),
    pytest.param("музди маро намедиханд", "ru", "unpaid_wages", "tg", id="tajik-without-tajik-letters"),
    pytest.param("muzdi maro namedihand", "en", "unpaid_wages", "tg", id="tajik-in-latin"),
    pytest.param("my employer took my passport", "ru", "passport_taken", "en", id="english"),
])
def test_free_text_gets_the_matching_card_in_the_language_it_was_written_in(e2e, dialogue, content, text,
                                                                              telegram_lang, topic, lang):
    card = e2e.send(e2e.new_user(), text, lang=telegram_lang)
    assert card["text"].startswith(title(content, topic, lang)), card["text"][:100]
    same(card, dialogue.topic(topic, lang))


@pytest.mark.parametrize(("text", "telegram_lang", "lang"), [
    pytest.param("помогите меня бьют и не выпускают", "en", "ru", id="russian"),
    pytest.param("help me I am locked in and beaten", "ru", "en", id="english"),
    pytest.param("maro mezanand yori dihed", "ru", "tg", id="tajik-in-latin"),
])
def test_an_emergency_is_answered_first_with_the_numbers_to_call(e2e, dialogue, content, text, telegram_lang, lang):
    reply = e2e.send(e2e.new_user(), text, lang=telegram_lang)
    assert reply["text"].startswith(title(content, "emergency", lang)), reply["text"][:100]
    assert "112" in reply["text"]
    same(reply, dialogue.emergency(lang))


@pytest.mark.parametrize(("text", "lang"), [pytest.param("какая погода в Москве", "ru", id="russian"),
                                           pytest.param("I want to learn to play guitar", "en", id="english")])
def test_an_out_of_scope_question_gets_a_polite_note_and_the_menu(e2e, dialogue, text, lang):
    reply = e2e.send(e2e.new_user(), text, lang=lang)
    same(reply, dialogue.out_of_scope(lang))
    assert {"t:emergency", "h", "s:before", "s:problems", "s:help", "lang"} <= set(actions(reply))


@pytest.mark.parametrize(("command", "screen"), [("/help", "help"), ("/about", "about"), ("/hotlines", "hotlines"),
                                                 ("/language", "language_choice")])
def test_commands_answer_in_the_chosen_language(e2e, dialogue, command, screen):
    user = e2e.new_user()
    e2e.command(user, "/start tg", lang="en")
    reply = e2e.command(user, command, lang="en")
    same(reply, getattr(dialogue, screen)("tg"))


# ---------------------------------------------------------------------------------------------------------------
# Buttons
# ---------------------------------------------------------------------------------------------------------------

def test_buttons_lead_through_a_section_a_card_more_hotlines_and_back(e2e, dialogue):
    user = e2e.new_user()
    menu = e2e.command(user, "/start ru", lang="ru")
    steps = [("s:problems", dialogue.section("problems", "ru")),
             ("t:passport_taken", dialogue.topic("passport_taken", "ru")),
             ("m:passport_taken", dialogue.topic("passport_taken", "ru", more=True)),
             ("h", dialogue.hotlines("ru")),
             ("h:ru", dialogue.hotlines("ru", "ru")),
             ("menu", dialogue.menu("ru")),
             ("lang", dialogue.language_choice("ru"))]
    message = menu
    for data, expected in steps:
        message, answered = e2e.press(user, message, data)
        assert answered.ok, data
        assert message["message_id"] == menu["message_id"], f"{data}: the message is edited in place"
        same(message, expected)
        if data == "h:ru":
            numbers = message["text"]
            assert "112" in numbers
            assert re.findall(rf"Прочитан в источнике: {DATE}", numbers), numbers
            assert numbers.count("Прочитан в источнике:") == numbers.count("☎️"), "every number shows its read date"
            assert "Проверочный звонок 2024-11-21 (Asia-Plus): не ответили." in numbers
    assert len(e2e.replies(user, 0)) == 1, "one message, edited; nothing new sent"


def test_hotline_numbers_in_english_show_their_read_and_call_dates(e2e, dialogue):
    user = e2e.new_user()
    menu = e2e.command(user, "/start en", lang="ru")
    before, _ = e2e.press(user, menu, "s:before")
    same(before, dialogue.section("before", "en"))
    back, _ = e2e.press(user, before, "menu")
    countries, _ = e2e.press(user, back, "h")
    numbers, answered = e2e.press(user, countries, "h:tj")
    assert answered.ok
    same(numbers, dialogue.hotlines("en", "tj"))
    assert re.findall(rf"Read in the source: {DATE}", numbers["text"])
    assert numbers["text"].count("Read in the source:") == numbers["text"].count("☎️")
    assert numbers["text"].count("Never test-called.") == numbers["text"].count("☎️"), "none was called"


def test_a_double_tap_is_answered_once_and_sends_nothing_more(e2e, dialogue):
    user = e2e.new_user()
    welcome = e2e.command(user, "/start", lang="ru")
    menu, _ = e2e.press(user, welcome, "l:ru")
    since = e2e.api.mark()
    update = e2e.api.push_callback(user, menu, "l:ru", check=False)  # the second tap, on the old keyboard
    query_id = update["callback_query"]["id"]
    answered = e2e.bot.wait_call(lambda c: c.method == "answerCallbackQuery"
                                 and str(c.params["callback_query_id"]) == query_id, since=since)
    assert answered.ok
    time.sleep(0.3)
    assert e2e.replies(user, since, methods=("sendMessage", "editMessageText")) == []
    same(e2e.api.message(user, menu["message_id"]), dialogue.menu("ru", kind="language_set"))


@contextlib.contextmanager
def refusing(api, method: str, description: str):
    """While inside, every call of ``method`` gets a 400 with Telegram's ``description``."""
    def refuse(params):
        raise ApiError(400, description)

    api.stub(method, refuse)
    try:
        yield
    finally:
        api.stub(method, None)


def test_a_button_pressed_too_long_ago_still_gets_its_answer(e2e, dialogue):
    user = e2e.new_user()
    menu = e2e.command(user, "/start en", lang="en")
    with refusing(e2e.api, "answerCallbackQuery",
                  "Bad Request: query is too old and response timeout expired or query ID is invalid"):
        e2e.api.push_callback(user, menu, "h", language_code="en")
        reply = e2e.bot.wait_reply(user)
    same(reply, dialogue.hotlines("en"))


FORGED = [
    pytest.param("t:../../etc", id="path"),
    pytest.param(random.Random(64).randbytes(64).decode("latin-1"), id="64-random-bytes"),
    pytest.param("t:" + "a" * 62, id="long-topic"),
    pytest.param("l:xx", id="unknown-language"),
    pytest.param("h:zz", id="unknown-country"),
    pytest.param("s:before'; DROP TABLE users; --", id="sql"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("data", FORGED)
def test_a_forged_callback_gets_the_out_of_date_note_and_is_answered(e2e, dialogue, data):
    user = e2e.new_user()
    menu = e2e.command(user, "/start en", lang="en")
    reply, answered = e2e.press(user, menu, data, lang="en", check=False)
    assert answered.ok, "the button's spinner must stop"
    same(reply, dialogue.stale("en"))
    assert "out of date" in reply["text"]
    # and the bot goes on as before
    card = e2e.send(user, "my employer took my passport", lang="en")
    same(card, dialogue.topic("passport_taken", "en"))


def test_a_stale_button_gets_the_out_of_date_note_in_the_users_language(e2e, dialogue):
    user = e2e.new_user()
    old = e2e.command(user, "/start ru", lang="ru")
    e2e.send(user, "паспорт", lang="ru")  # newer messages; the old menu stays in the chat
    for data in ("t:visa_2019", "s:old_section"):  # well-formed actions from a version of the bot that is gone
        reply, answered = e2e.press(user, old, data, check=False)
        assert answered.ok
        same(reply, dialogue.stale("ru"))
        old, _ = e2e.press(user, reply, "h")  # move on, so the next stale note is a visible change


def test_a_button_on_a_message_too_old_to_edit_answers_with_a_new_message(e2e, dialogue):
    user = e2e.new_user()
    menu = e2e.command(user, "/start en", lang="en")

    since = e2e.api.mark()
    with refusing(e2e.api, "editMessageText", "Bad Request: message can't be edited"):
        reply, answered = e2e.press(user, menu, "h", lang="en")
    assert answered.ok
    assert reply["message_id"] != menu["message_id"]
    same(reply, dialogue.hotlines("en"))
    assert len(e2e.replies(user, since)) == 1


# ---------------------------------------------------------------------------------------------------------------
# Messages that are not text
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "document"])
def test_a_non_text_message_gets_a_friendly_pointer_to_the_menu_in_the_users_language(e2e, dialogue, kind):
    push = {"sticker": e2e.api.push_sticker, "photo": e2e.api.push_photo, "voice": e2e.api.push_voice,
            "location": e2e.api.push_location, "document": e2e.api.push_document}[kind]

    english = e2e.new_user()  # Telegram in English, never chose
    push(english, language_code="en")
    reply = e2e.bot.wait_reply(english)
    same(reply, dialogue.non_text("en"))
    assert "s:before" in actions(reply)

    tajik = e2e.new_user()  # chose Tajik with a deep link, Telegram in Russian
    e2e.command(tajik, "/start tg", lang="ru")
    push(tajik, language_code="ru")
    reply = e2e.bot.wait_reply(tajik)
    same(reply, dialogue.non_text("tg"))
    assert script_language(reply["text"]) == "tg"


@pytest.mark.parametrize("kind", ["photo", "document"])
def test_a_photo_or_file_with_a_caption_is_read_as_the_caption(e2e, dialogue, kind):
    push = {"photo": e2e.api.push_photo, "document": e2e.api.push_document}[kind]
    user = e2e.new_user()
    e2e.texts.append("my passport was taken")
    push(user, language_code="en", caption="my passport was taken")
    same(e2e.bot.wait_reply(user), dialogue.topic("passport_taken", "en"))
    push(user, language_code="en")  # no caption: still the friendly pointer
    same(e2e.bot.wait_reply(user), dialogue.non_text("en"))


# ---------------------------------------------------------------------------------------------------------------
# Groups: only what is addressed to the bot
# ---------------------------------------------------------------------------------------------------------------

def test_in_a_group_the_bot_answers_commands_mentions_and_replies_to_it_and_nothing_else(e2e, dialogue):
    group, since = -100_000_000_4242, e2e.api.mark()
    alice, bob = e2e.new_user(), e2e.new_user()
    chatter = ["hi all", "my employer took my passport", "@SomeoneElse do you know?", "паспорт"]
    for user, text in zip([alice, bob, alice, bob], chatter):
        e2e.texts.append(text)
        e2e.api.push_message(user, text, language_code="en", chat_id=group)
    e2e.api.push_command(bob, "/help@OtherBot", language_code="en", chat_id=group)
    e2e.api.push_photo(alice, language_code="en", caption="look at this", chat_id=group)
    e2e.api.push_sticker(bob, language_code="en", chat_id=group)

    # Answered: a command, a mention (the @name is not part of the question), a reply to the bot's message.
    e2e.api.push_command(alice, "/help", language_code="en", chat_id=group)
    help_reply = e2e.bot.wait_reply(group)
    same(help_reply, dialogue.help("en"))
    e2e.texts.append("they did not pay my salary")
    e2e.api.push_message(bob, f"@{BOT_USERNAME} they did not pay my salary", language_code="en", chat_id=group)
    same(e2e.bot.wait_reply(group), dialogue.topic("unpaid_wages", "en"))
    e2e.api.push_message(alice, "my employer took my passport", language_code="en", chat_id=group,
                         reply_to=help_reply)
    same(e2e.bot.wait_reply(group), dialogue.topic("passport_taken", "en"))
    time.sleep(0.5)
    assert len(e2e.replies(group, since)) == 3, "the chatter got no answer"


def test_inline_mode_keeps_working_for_someone_in_a_group(e2e):
    call = inline(e2e, e2e.new_user(), "passport", "en")
    assert call.ok and call.params["results"][0]["id"] == "passport_taken-en"


# ---------------------------------------------------------------------------------------------------------------
# Inline mode
# ---------------------------------------------------------------------------------------------------------------

def inline(e2e, user: int, query: str, lang: str | None):
    since = e2e.api.mark()
    update = e2e.api.push_inline_query(user, query, language_code=lang)
    query_id = update["inline_query"]["id"]
    return e2e.bot.wait_call(
        lambda c: c.method == "answerInlineQuery" and str(c.params["inline_query_id"]) == query_id, since=since)


@pytest.mark.parametrize(("query", "telegram_lang", "lang"), [("passport", "en", "en"), ("паспорт", "ru", "ru")],
                         ids=["passport", "паспорт"])
def test_inline_query_offers_topic_cards_with_a_link_that_opens_the_bot(e2e, dialogue, content, query,
                                                                         telegram_lang, lang):
    call = inline(e2e, e2e.new_user(), query, telegram_lang)
    assert call.ok, call
    results = call.params["results"]
    assert results and results[0]["id"] == f"passport_taken-{lang}"
    for result in results:
        topic, result_lang = result["id"].rsplit("-", 1)
        assert result["type"] == "article" and result_lang == lang
        assert result["title"] == title(content, topic, lang)
        # the description is the topic's summary, whole: never the first point cut off mid-word
        assert result["description"] == content.topics[topic].summary[lang]
        assert result["input_message_content"]["message_text"] == dialogue.share_text(topic, lang)
        [[button]] = result["reply_markup"]["inline_keyboard"]
        assert button["url"] == f"https://t.me/{BOT_USERNAME}?start={topic}-{lang}"

    # the card dropped into a group is the card the link opens in the bot
    card = e2e.command(e2e.new_user(), f"/start passport_taken-{lang}", lang=telegram_lang)
    assert card["text"] == results[0]["input_message_content"]["message_text"].strip()
    assert results[0]["title"] in card["text"]


def test_an_empty_inline_query_offers_the_most_needed_cards(e2e, dialogue):
    call = inline(e2e, e2e.new_user(), "", "ru")
    assert call.ok
    ids = [r["id"] for r in call.params["results"]]
    assert ids == [f"{t}-ru" for t in dialogue.suggest("", "ru")]
    assert ids[0] == "emergency-ru"


def test_inline_results_that_depend_on_the_users_language_are_personal(e2e):
    english = inline(e2e, e2e.new_user(), "passport", "en")
    russian = inline(e2e, e2e.new_user(), "passport", "ru")
    assert english.params["results"][0]["id"] != russian.params["results"][0]["id"]  # the premise: they differ
    assert english.params.get("is_personal") is True and russian.params.get("is_personal") is True


# ---------------------------------------------------------------------------------------------------------------
# Privacy: /forget and what the database holds
# ---------------------------------------------------------------------------------------------------------------

def user_row(data_dir: Path, user: int):
    key = hmac.new((data_dir / "salt.key").read_bytes(), str(user).encode(), hashlib.sha256).hexdigest()
    with sqlite3.connect(f"file:{data_dir / 'saferoad.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute("SELECT lang FROM users WHERE user_key = ?", (key,)).fetchone()


def test_forget_erases_the_language_choice(e2e, dialogue):
    user = e2e.new_user()
    welcome = e2e.command(user, "/start", lang="ru")
    e2e.press(user, welcome, "l:en")
    assert user_row(e2e.bot.data_dir, user) == ("en",)

    reply = e2e.command(user, "/forget", lang="ru")
    same(reply, dialogue.forgotten("en", True))
    assert user_row(e2e.bot.data_dir, user) is None

    again = e2e.command(user, "/forget", lang="ru")  # nothing left: says so, in the Telegram language now
    same(again, dialogue.forgotten("ru", False))
    welcome = e2e.command(user, "/start", lang="ru")
    assert buttons(welcome)[0][0] == ("Русский", "l:ru"), "the Telegram language is suggested again"


def stored_destination(data_dir: Path, user: int):
    key = hmac.new((data_dir / "salt.key").read_bytes(), str(user).encode(), hashlib.sha256).hexdigest()
    with sqlite3.connect(f"file:{data_dir / 'saferoad.sqlite3'}?mode=ro", uri=True) as db:
        row = db.execute("SELECT destination FROM users WHERE user_key = ?", (key,)).fetchone()
    return row[0] if row else None


def test_choosing_a_destination_with_one_tap_is_remembered_used_and_forgotten(e2e, dialogue):
    user = e2e.new_user()
    e2e.command(user, "/start en", lang="en")
    card = e2e.send(user, "registration", lang="en")
    same(card, dialogue.respond("registration", "en"))
    assert "🇷🇺 Russia: rules as of" in card["text"] and "d:kz:legal_stay" in actions(card)

    chosen, answered = e2e.press(user, card, "d:kz:legal_stay", lang="en")
    assert answered.ok and chosen["message_id"] == card["message_id"], "the same card now shows Kazakhstan"
    same(chosen, dialogue.act("d:kz:legal_stay", "en"))
    assert "🇰🇿 Kazakhstan: rules as of" in chosen["text"]
    assert stored_destination(e2e.bot.data_dir, user) == "kz"

    again = e2e.send(user, "registration", lang="en")  # remembered: no need to tap again
    same(again, dialogue.respond("registration", "en", destination="kz"))
    assert "🇰🇿 Kazakhstan" in again["text"] and "🇷🇺 Russia: rules" not in again["text"]

    forged, answered = e2e.press(user, again, "d:zz:legal_stay", lang="en", check=False)
    assert answered.ok
    same(forged, dialogue.stale("en"))
    assert stored_destination(e2e.bot.data_dir, user) == "kz"

    e2e.command(user, "/forget", lang="en")
    assert stored_destination(e2e.bot.data_dir, user) is None
    after = e2e.send(user, "registration", lang="en")
    assert "🇷🇺 Russia: rules as of" in after["text"]


def test_the_database_holds_no_user_ids_and_no_message_texts(e2e):
    own = {"tg": ["корфармо маошамро намедиҳад", "маро мезананд ва берун намебароранд ёрӣ диҳед"],
           "ru": ["хозяин держит мой паспорт в сейфе", "какая погода в Москве завтра"],
           "en": ["my boss keeps my passport in his safe", "I was deported last year"]}
    for lang, texts in own.items():
        user = e2e.new_user()
        welcome = e2e.command(user, "/start", lang="ru")
        e2e.press(user, welcome, f"l:{lang}")
        for text in texts:
            e2e.send(user, text, lang="ru")
    users = e2e.used_users()
    data_dir = e2e.bot.data_dir

    with sqlite3.connect(f"file:{data_dir / 'saferoad.sqlite3'}?mode=ro", uri=True) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(users)")]
        rows = db.execute("SELECT * FROM users").fetchall()
        labels = {r[0] for r in db.execute("SELECT label FROM counters")}
    assert columns == ["user_key", "lang", "updated", "destination"]
    assert len(rows) >= 3
    for row in rows:
        assert re.fullmatch(r"[0-9a-f]{64}", row[0]), row
        for user in users:
            assert all(str(user) not in str(value) and value != user for value in row), (user, row)

    # Updates are held in the inbox until answered, then deleted and scrubbed from the files within moments.
    texts = [t for t in e2e.texts if not any(t in label for label in labels)]  # "deportation" is a topic id
    assert len(texts) >= 6
    raw = files_once_scrubbed(data_dir, [str(u) for u in users] + texts)
    for user in users:
        assert str(user).encode() not in raw, f"user id {user} is in the database file"
    for text in texts:
        assert text.encode() not in raw, f"message text {text!r} is in the database file"


# ---------------------------------------------------------------------------------------------------------------
# /stats and the command lists
# ---------------------------------------------------------------------------------------------------------------

def test_stats_answers_a_non_admin_like_any_unknown_command(e2e, dialogue):
    user = e2e.new_user()
    stats = e2e.command(user, "/stats", lang="ru")
    unknown = e2e.command(user, "/nosuchcommand", lang="ru")
    assert (stats["text"], buttons(stats)) == (unknown["text"], buttons(unknown))
    same(stats, dialogue.unknown_command("ru"))
    assert "deportation" not in stats["text"] and "Last 7 days" not in stats["text"]


def deportation_count(stats_text: str) -> int:
    week = stats_text.split("\n\n")[0]
    m = re.search(r"^\s*deportation: (\d+) \(", week, re.M)
    return int(m.group(1)) if m else 0


def test_stats_for_an_admin_counts_the_topics_asked(e2e, content):
    before = e2e.command(ADMIN, "/stats", lang="en")
    assert before["text"].startswith("Last 7 days")
    card = e2e.send(e2e.new_user(), "меня депортируют", lang="ru")
    assert card["text"].startswith(title(content, "deportation", "ru"))
    after = e2e.command(ADMIN, "/stats", lang="en")
    assert deportation_count(after["text"]) == deportation_count(before["text"]) + 1, after["text"]
    assert re.search(r"deportation: \d+ \(.*\bru \d+", after["text"])
    assert "Last 30 days" in after["text"]


def test_command_lists_are_set_for_tajik_russian_english_and_the_default(e2e):
    lists = {lang: e2e.api.commands(language_code=lang) for lang in ("tg", "ru", "en")}
    default = e2e.api.commands()
    for lang, commands in lists.items():
        names = [c["command"] for c in commands]
        assert {"start", "language", "hotlines", "help", "about", "forget"} <= set(names), (lang, names)
        assert "stats" not in names, "the admin command is not advertised"
        assert [c["command"] for c in default] == names
    assert default == lists["tg"], "clients in other languages get the Tajik list"
    assert script_language(" ".join(c["description"] for c in lists["ru"])) == "ru"
    assert script_language(" ".join(c["description"] for c in lists["tg"])) == "tg"
    assert lists["en"][0]["description"] == "Menu and language"


# ---------------------------------------------------------------------------------------------------------------
# When Telegram has a bad moment
# ---------------------------------------------------------------------------------------------------------------

def failures(e2e, since: int, method: str) -> list[int]:
    return [c.status for c in e2e.api.calls[since:] if c.method == method and c.status and c.status != 200]


def test_a_429_delays_the_reply_but_does_not_lose_it(e2e, dialogue):
    user = e2e.new_user()
    since = e2e.api.mark()
    e2e.api.fail_next("sendMessage", status=429, retry_after=1)
    started = time.monotonic()
    reply = e2e.send(user, "my employer took my passport", lang="en", timeout=20)
    elapsed = time.monotonic() - started
    same(reply, dialogue.topic("passport_taken", "en"))
    assert failures(e2e, since, "sendMessage") == [429]
    assert elapsed >= 0.9, f"the bot must wait retry_after (1 s) before retrying, waited {elapsed:.2f}s"
    time.sleep(0.3)
    assert len(e2e.replies(user, since)) == 1


def test_two_500s_in_a_row_do_not_lose_the_reply(e2e, dialogue):
    user = e2e.new_user()
    since = e2e.api.mark()
    e2e.api.fail_next("sendMessage", status=500, count=2)
    reply = e2e.send(user, "they did not pay my salary", lang="en", timeout=20)
    same(reply, dialogue.topic("unpaid_wages", "en"))
    assert failures(e2e, since, "sendMessage") == [500, 500]
    time.sleep(0.3)
    assert len(e2e.replies(user, since)) == 1


def test_the_bot_keeps_polling_after_getupdates_fails(e2e, dialogue):
    user = e2e.new_user()
    since = e2e.api.mark()
    e2e.api.fail_next("getUpdates", status=502, count=2)
    first = e2e.send(user, "my employer took my passport", lang="en")  # fetched by the poll already waiting
    # the poll after the two failures (a long poll matches as soon as it arrives)
    e2e.bot.wait_call(lambda c: c.method == "getUpdates" and c.status in (None, 200), since=since, timeout=15)
    assert failures(e2e, since, "getUpdates") == [502, 502]
    second = e2e.send(user, "they did not pay my salary", lang="en", timeout=15)
    same(first, dialogue.topic("passport_taken", "en"))
    same(second, dialogue.topic("unpaid_wages", "en"))
    time.sleep(0.3)
    assert len(e2e.replies(user, since)) == 2, "nothing answered twice after the failed polls"


BURST = {  # per user: (Telegram language, messages), each answered with a different card
    "ru": ["работодатель забрал мой паспорт", "работодатель не платит зарплату", "как проверить агентство",
           "меня депортируют"],
    "tg": ["музди маро намедиханд", "шартнома чист", "пеш аз сафар чи кор кунам", "kuja shikoyat kunam"],
    "en": ["how to check a recruitment agency", "what should I do before I leave", "I was deported",
           "they say I owe them money and must work"],
}


def test_a_burst_with_429s_and_500s_gets_exactly_one_reply_per_message(e2e, dialogue):
    plan = {}
    for i, lang in enumerate(["ru", "tg", "en", "ru", "en"]):
        texts = BURST[lang][i % 2:] + BURST[lang][:i % 2]
        plan[e2e.new_user()] = (lang, texts)
    expected = {user: sorted(render.text(dialogue.respond(t, lang)).strip() for t in texts)
                for user, (lang, texts) in plan.items()}
    for replies in expected.values():
        assert len(set(replies)) == len(replies), "test data: each message of a user gets a different card"

    since = e2e.api.mark()
    e2e.api.fail_next("sendMessage", status=429, retry_after=1)
    e2e.api.fail_next("sendMessage", status=500, count=2)
    e2e.api.fail_next("sendMessage", status=429, retry_after=1)
    e2e.api.fail_next("sendMessage", status=503)
    for round_ in range(4):
        for user, (lang, texts) in plan.items():
            e2e.texts.append(texts[round_])
            e2e.api.push_message(user, texts[round_], language_code=lang)

    deadline = time.monotonic() + 30
    while sum(len(e2e.replies(u, since)) for u in plan) < 20:
        if time.monotonic() > deadline:
            raise e2e.bot.failure(f"only {sum(len(e2e.replies(u, since)) for u in plan)} of 20 replies arrived")
        time.sleep(0.05)
    time.sleep(1.0)  # time for any duplicate to show up
    assert sorted(failures(e2e, since, "sendMessage")) == [429, 429, 500, 500, 503]
    for user, want in expected.items():
        got = sorted(m["text"] for m in e2e.replies(user, since))
        assert got == want, f"user {user}: replies differ from one card per message"


def test_when_a_reply_is_refused_the_user_gets_an_apology_and_the_bot_carries_on(e2e, dialogue):
    user = e2e.new_user()
    since = e2e.api.mark()
    e2e.api.fail_next("sendMessage", status=400, description="Bad Request: something the bot did not expect")
    apology = e2e.send(user, "they did not pay my salary", lang="en")
    same(apology, dialogue.error("en"))
    assert "emergency" in apology["text"]
    assert failures(e2e, since, "sendMessage") == [400]
    card = e2e.send(user, "they did not pay my salary", lang="en")
    same(card, dialogue.topic("unpaid_wages", "en"))


def test_a_user_who_blocked_the_bot_does_not_stop_it(e2e, dialogue):
    blocked = e2e.new_user()
    since = e2e.api.mark()
    e2e.api.block(blocked)
    try:
        e2e.texts.append("my employer took my passport")
        e2e.api.push_message(blocked, "my employer took my passport", language_code="en")
        e2e.bot.wait_call(lambda c: c.method == "sendMessage" and c.params["chat_id"] == blocked and c.status == 403,
                          since=since)
    finally:
        e2e.api.block(blocked, False)
    reply = e2e.send(e2e.new_user(), "they did not pay my salary", lang="en")
    same(reply, dialogue.topic("unpaid_wages", "en"))


# ---------------------------------------------------------------------------------------------------------------
# Regressions: bugs these tests found, now fixed
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["👍", "?"], ids=["emoji", "question-mark"])
def test_a_message_without_words_is_answered_in_the_users_language(e2e, text):
    reply = e2e.send(e2e.new_user(), text, lang="ru")
    assert script_language(reply["text"]) == "ru", reply["text"]


@pytest.mark.parametrize("telegram_lang", ["en", None])
def test_a_cyrillic_word_is_never_answered_in_english(e2e, telegram_lang):
    reply = e2e.send(e2e.new_user(), "паспорт", lang=telegram_lang)
    assert script_language(reply["text"]) in ("ru", "tg"), reply["text"][:80]


# ---------------------------------------------------------------------------------------------------------------
# Secrets: the token and the webhook secret
# ---------------------------------------------------------------------------------------------------------------

def test_the_token_never_appears_in_the_debug_log(e2e):
    """Runs after the tests above, so the log covers updates, edits, inline queries, 429s, 5xx and a 403."""
    log = e2e.bot.log()
    assert " DEBUG " in log and "getUpdates" in log, "the module bot runs with LOG_LEVEL=DEBUG"
    secret = TOKEN.split(":", 1)[1]
    assert TOKEN not in log and secret not in log


def test_the_debug_log_names_no_one_and_quotes_nothing_users_wrote(e2e):
    """Also after the tests above: every text users sent, their ids, and a name and username, at DEBUG."""
    user = e2e.new_user()
    e2e.api.push_message(user, "Zarina-private-words: my employer took my passport", language_code="en",
                         first_name="Zarinabonu", username="zarina_private_42")
    e2e.bot.wait_reply(user)
    time.sleep(0.3)
    log = e2e.bot.log()
    assert "Update " in log and " handled in " in log, "updates are logged, as summaries"
    for needle in ("Zarina-private-words", "Zarinabonu", "zarina_private_42"):
        assert needle not in log, needle
    for user_id in e2e.used_users():
        assert str(user_id) not in log, f"user id {user_id} is in the log"
    texts = [t for t in e2e.texts if len(t) >= 6 and not t.isascii() or len(t.split()) >= 2]
    assert len(texts) >= 20
    for text in texts:
        assert text not in log, f"{text!r} is in the log"


def test_the_data_directory_and_files_are_private(e2e):
    data = e2e.bot.data_dir
    assert data.stat().st_mode & 0o777 == 0o700
    files = {p.name: p.stat().st_mode & 0o777 for p in data.iterdir()}
    assert {"saferoad.sqlite3", "salt.key"} <= set(files)
    assert set(files.values()) == {0o600}, files


@pytest.mark.parametrize("token", [
    pytest.param(None, id="unset"),
    pytest.param("   ", id="blank"),
    pytest.param("not-a-token", id="no-colon"),
    pytest.param("123456789:AAHshort", id="short-key"),
    pytest.param(f'"{TOKEN}"', id="quoted"),
    pytest.param("123456789:AAHtest TOKENvalueXXXXXXXXXXXXXXXXXX", id="space"),
])
def test_a_missing_or_malformed_token_exits_2_with_a_clear_message(tmp_path, token):
    env = {"DATA_DIR": str(tmp_path / "data"), "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
    if token is not None:
        env["BOT_TOKEN"] = token
    result = run_bot_once(env)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "BOT_TOKEN" in output and "Traceback" not in output, output
    if token and token.strip():
        assert token.strip() not in output and token.split(":")[-1].strip('"') not in output


def test_a_token_telegram_rejects_is_not_printed(tmp_path):
    revoked = "987654321:AAHrevokedTOKENvalueYYYYYYYYYYYYYYYYY"
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        result = run_bot_once({"BOT_TOKEN": revoked, "TELEGRAM_BASE_URL": api.base_url,
                               "DATA_DIR": str(tmp_path / "data"), "LOG_LEVEL": "DEBUG"})
        assert api.rejected, "the emulator refused the token"
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert revoked.split(":", 1)[1] not in output, "the rejected token is printed"


def post_update(port: int, path: str, update: dict, secret: str | None) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/{path}", data=json.dumps(update).encode(),
                                     headers={"Content-Type": "application/json"})
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_listening(bot: BotProcess, port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if not bot.alive or time.monotonic() > deadline:
                raise bot.failure(f"the webhook server never listened on port {port}") from None
            time.sleep(0.05)


def test_webhook_refuses_a_wrong_secret_and_answers_with_the_right_one(tmp_path, dialogue):
    port, secret, url = free_port(), "e2e_Secret-42", "https://bot.example.org/tg-hook-e2e"
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        bot = BotProcess(api, tmp_path / "data", tmp_path / "bot.log",
                         env={"WEBHOOK_URL": url, "WEBHOOK_SECRET": secret, "PORT": str(port), "LISTEN": "127.0.0.1"})
        h = Harness(api, bot)
        try:
            bot.start(ready="setWebhook")
            set_webhook = api.wait_for("setWebhook", since=0)
            assert set_webhook.ok
            assert set_webhook.params["url"] == url and set_webhook.params["secret_token"] == secret
            wait_listening(bot, port)

            user = h.new_user()
            since = api.mark()
            update = api.push_message(user, "my employer took my passport", language_code="en")  # builds the update
            assert post_update(port, "tg-hook-e2e", update, "wrong-secret") == 403
            assert post_update(port, "tg-hook-e2e", update, None) == 403
            assert post_update(port, "tg-hook-e2e", update, secret.upper()) == 403
            time.sleep(0.5)
            assert h.replies(user, since) == [], "a refused update must not be processed"

            assert post_update(port, "tg-hook-e2e", update, secret) == 200
            reply = bot.wait_reply(user)
            same(reply, dialogue.topic("passport_taken", "en"))
            time.sleep(0.3)
            assert len(h.replies(user, since)) == 1
            assert not any(c.method == "getUpdates" for c in api.calls), "no polling in webhook mode"
        finally:
            bot.stop()
        assert secret not in bot.log() and TOKEN not in bot.log()
