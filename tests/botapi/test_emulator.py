"""Tests of the Bot API emulator, driven by a real python-telegram-bot ``telegram.Bot``."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.botapi.emulator import BotApiEmulator, Call

TOKEN = "123456:TEST-token"
USER = 4242


@pytest.fixture
def api():
    with BotApiEmulator(token=TOKEN, bot_username="SafeRoadTestBot") as emulator:
        yield emulator


def run(api: BotApiEmulator, scenario, token: str = TOKEN):
    """Run ``await scenario(bot)`` with an initialised PTB Bot pointed at the emulator."""

    async def main():
        async with telegram.Bot(token, base_url=api.base_url) as bot:
            return await scenario(bot)

    return asyncio.run(main())


def http(
    api: BotApiEmulator,
    method: str,
    *,
    data: bytes | None = None,
    content_type: str | None = None,
    query: str = "",
    token: str = TOKEN,
) -> tuple[int, dict]:
    req = urllib.request.Request(f"{api.base_url}{token}/{method}{'?' + query if query else ''}", data=data)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


# ----------------------------------------------------------------------------- basics


# python-telegram-bot strips "Bad Request: " from descriptions and str.capitalize()s the rest
# ("BUTTON_DATA_INVALID" -> "Button_data_invalid"), hence the (?i) in the matches below.


def test_get_me(api):
    me = run(api, lambda bot: bot.get_me())
    assert me.is_bot and me.username == "SafeRoadTestBot" and me.id == 123456
    assert me.can_join_groups and me.supports_inline_queries
    assert [c.method for c in api.calls] == ["getMe", "getMe"]  # initialize() + get_me()
    assert all(c.status == 200 for c in api.calls)
    assert api.base_url.startswith("http://127.0.0.1:") and api.base_url.endswith("/bot")


def test_send_message_inline_keyboard_round_trip(api):
    api.push_message(USER, "hi")  # the user wrote first: message_id 1 in this chat
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Да", callback_data="yes"), InlineKeyboardButton("Нет", callback_data="no")],
            [InlineKeyboardButton("Site", url="https://example.org")],
        ]
    )

    async def scenario(bot):
        first = await bot.send_message(USER, "Вопрос?", reply_markup=markup)
        second = await bot.send_message(USER, "123")
        return first, second

    msg, second = run(api, scenario)
    assert isinstance(msg, telegram.Message)
    assert msg.text == "Вопрос?" and msg.chat.id == USER and msg.chat.type == "private"
    assert msg.from_user.is_bot and msg.from_user.username == "SafeRoadTestBot"
    assert msg.reply_markup == markup
    assert (msg.message_id, second.message_id) == (2, 3)
    assert second.text == "123"

    call = api.wait_for("sendMessage", since=0)
    assert call.params["chat_id"] == USER and call.params["text"] == "Вопрос?"
    assert call.params["reply_markup"] == markup.to_dict()  # decoded back to a dict
    assert api.calls[-1].params["text"] == "123"  # strings are not JSON-decoded
    assert [m["text"] for m in api.sent] == ["Вопрос?", "123"]
    assert api.sent[0]["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "no"

    update = api.push_callback(USER, api.sent[0], "yes")
    assert update["callback_query"]["message"]["message_id"] == 2

    async def answer(bot):
        updates = await bot.get_updates(timeout=1)
        cq = updates[-1].callback_query
        ok = await bot.answer_callback_query(cq.id, text="Принято")
        with pytest.raises(BadRequest, match="(?i)query ID is invalid"):
            await bot.answer_callback_query(cq.id)  # only once
        return updates, cq, ok

    updates, cq, ok = run(api, answer)
    assert [u.effective_message.text for u in updates[:1]] == ["hi"]
    assert cq.data == "yes" and cq.from_user.id == USER and cq.message.text == "Вопрос?" and ok is True
    with pytest.raises(ValueError):
        api.push_callback(USER, api.sent[0], "maybe")


def test_push_helpers_parse_in_ptb(api):
    api.push_command(USER, "/start passport_taken-tg", language_code="tg")
    api.push_sticker(USER)
    api.push_photo(USER, caption="look")
    api.push_location(USER)
    api.push_voice(USER)
    api.push_document(USER)
    api.push_inline_query(USER, "пешеход")
    api.push_message(-1001234, "/help@SafeRoadTestBot", chat_id=-1001234)
    api.push_update(
        {
            "my_chat_member": {
                "chat": {"id": USER, "type": "private", "first_name": "User"},
                "from": {"id": USER, "is_bot": False, "first_name": "User"},
                "date": int(time.time()),
                "old_chat_member": {"status": "member", "user": api.bot_user},
                "new_chat_member": {"status": "kicked", "user": api.bot_user, "until_date": 0},
            }
        }
    )

    updates = run(api, lambda bot: bot.get_updates())
    assert len(updates) == 9
    start = updates[0].message
    assert start.text == "/start passport_taken-tg" and start.from_user.language_code == "tg"
    assert start.entities[0].type == "bot_command" and start.entities[0].length == len("/start")
    assert updates[1].message.sticker.width == 512
    assert updates[2].message.photo[-1].width == 1280 and updates[2].message.caption == "look"
    assert updates[3].message.location.latitude == pytest.approx(38.5598)
    assert updates[4].message.voice.mime_type == "audio/ogg"
    assert updates[5].message.document.file_name == "document.pdf"
    assert updates[6].inline_query.query == "пешеход" and updates[6].inline_query.from_user.language_code == "en"
    assert updates[7].message.chat.type == "supergroup"
    assert updates[8].my_chat_member.new_chat_member.status == "kicked"
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 9
    assert [u.message.message_id for u in updates[:6]] == [1, 2, 3, 4, 5, 6]


def test_forwarded_messages_parse_in_ptb(api):
    api.push_forward(USER, "Требуются рабочие, звоните +7 900 000 00 00")
    api.push_forward(USER, caption="Работа в Дубае @dubai_job", origin="hidden_user", origin_name="Фарход")
    api.push_forward(USER, "hello", origin="user", origin_name="Ali")
    api.push_forward(USER, "hi", origin="chat", origin_name="Вакансии Москва")

    updates = run(api, lambda bot: bot.get_updates())
    channel, hidden, user, chat = (u.message for u in updates)
    assert channel.forward_origin.type == "channel" and channel.forward_origin.chat.title == "Работа за рубежом"
    assert channel.forward_origin.message_id == 4321 and channel.forward_origin.date < channel.date
    assert channel.text.startswith("Требуются") and channel.photo == ()
    assert hidden.forward_origin.sender_user_name == "Фарход" and hidden.caption.startswith("Работа")
    assert hidden.photo[-1].width == 1280 and hidden.text is None
    assert any(e.type == "mention" for e in hidden.caption_entities)
    assert user.forward_origin.sender_user.first_name == "Ali"
    assert chat.forward_origin.sender_chat.title == "Вакансии Москва"
    with pytest.raises(ValueError):
        api.push_forward(USER, "x", origin="pigeon")


# ----------------------------------------------------------------------------- getUpdates


def test_long_polling_returns_promptly_and_offsets_confirm(api):
    async def scenario(bot):
        asyncio.get_running_loop().call_later(0.3, api.push_message, USER, "late")
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        elapsed = time.monotonic() - started
        again = await bot.get_updates(timeout=0)  # no offset: not confirmed, returned again
        confirmed = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        return updates, elapsed, again, confirmed

    updates, elapsed, again, confirmed = run(api, scenario)
    assert [u.message.text for u in updates] == ["late"]
    assert 0.2 < elapsed < 2
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert confirmed == () and api.pending_updates() == 0
    poll = [c for c in api.calls if c.method == "getUpdates"][0]
    assert poll.params == {"timeout": 5}


def test_get_updates_limit_offset_and_allowed_updates(api):
    for i in range(5):
        api.push_message(USER, f"m{i}")

    async def scenario(bot):
        first = await bot.get_updates(limit=2)
        rest = await bot.get_updates(offset=first[-1].update_id + 1, allowed_updates=["message"])
        last = await bot.get_updates(offset=-1)  # keep only the newest one
        return first, rest, last

    first, rest, last = run(api, scenario)
    assert [u.message.text for u in first] == ["m0", "m1"]
    assert [u.message.text for u in rest] == ["m2", "m3", "m4"]
    assert [u.message.text for u in last] == ["m4"] and api.pending_updates() == 1
    api.push_inline_query(USER, "x")  # not allowed any more: dropped like Telegram does
    assert api.pending_updates() == 1 and api.dropped_updates[0]["inline_query"]["query"] == "x"
    assert api.calls[-2].params["allowed_updates"] == ["message"]


def test_get_updates_timeout_expires_and_webhook_conflicts(api):
    async def scenario(bot):
        started = time.monotonic()
        empty = await bot.get_updates(timeout=1)
        waited = time.monotonic() - started
        assert await bot.set_webhook("https://example.org/hook", certificate=b"-----CERT-----", secret_token="s3cr3t")
        info = await bot.get_webhook_info()
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        assert await bot.delete_webhook(drop_pending_updates=True)
        return empty, waited, info

    empty, waited, info = run(api, scenario)
    assert empty == () and 0.9 < waited < 3
    assert info.url == "https://example.org/hook" and info.has_custom_certificate
    set_call = api.wait_for("setWebhook", since=0)
    assert set_call.params["certificate"].data == b"-----CERT-----"  # arrived as multipart
    assert set_call.params["secret_token"] == "s3cr3t"
    assert api.webhook_info()["url"] == ""


def test_second_long_poll_terminates_the_first(api):
    # PTB gives getUpdates its own connection pool of size 1, so the competing poll needs a second Bot.
    async def scenario(bot):
        async with telegram.Bot(TOKEN, base_url=api.base_url) as other:
            first = asyncio.create_task(other.get_updates(timeout=5))
            await asyncio.sleep(0.3)
            second = await bot.get_updates(timeout=0)
            with pytest.raises(Conflict, match="terminated by other getUpdates"):
                await first
            # A poll the client abandoned (as PTB does on shutdown) is not a conflict.
            abandoned = asyncio.create_task(other.get_updates(timeout=5))
            await asyncio.sleep(0.3)
            abandoned.cancel()
            await asyncio.sleep(0.1)
            third = await bot.get_updates(timeout=0)
            return second + third

    assert run(api, scenario) == ()
    assert [c.status for c in api.calls if c.method == "getUpdates"] == [409, 200, 499, 200]


# ----------------------------------------------------------------------------- errors


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")  # PTB 22 timedelta notice
def test_retry_after_and_server_errors(api):
    api.fail_next("sendMessage", status=429, retry_after=3)
    api.fail_next("sendMessage", status=500)
    api.fail_next("sendMessage", status=502)

    async def scenario(bot):
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(USER, "a")
        with pytest.raises(NetworkError) as server_error:
            await bot.send_message(USER, "b")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "c")
        sent = await bot.send_message(USER, "d")
        return retry.value, server_error.value, sent

    retry, server_error, sent = run(api, scenario)
    assert "Retry in 3" in str(retry)
    assert type(server_error) is NetworkError and "Internal Server Error" in str(server_error)
    assert sent.text == "d" and sent.message_id == 1  # failed calls created no messages
    statuses = [(c.method, c.status) for c in api.calls if c.method == "sendMessage"]
    assert statuses == [("sendMessage", 429), ("sendMessage", 500), ("sendMessage", 502), ("sendMessage", 200)]
    status, body = http(api, "sendMessage", data=b"chat_id=1&text=x", content_type="application/x-www-form-urlencoded")
    assert status == 200  # fail_next was used up


def test_unknown_token_and_unknown_method(api):
    with pytest.raises(InvalidToken):
        run(api, lambda bot: bot.get_me(), token="654321:WRONG")
    assert api.rejected == [("654321:WRONG", "getMe")] and api.calls == []

    with pytest.raises(EndPointNotFound):
        run(api, lambda bot: bot.do_api_request("fooBar"))
    assert api.calls[-1].method == "fooBar" and api.calls[-1].status == 404

    assert http(api, "getMe", token="654321:WRONG") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert http(api, "fooBar")[0] == 404
    status, body = http(api, "sendSticker", data=b"chat_id=1&sticker=abc",
                        content_type="application/x-www-form-urlencoded")
    assert status == 400 and "not implemented" in body["description"]


def test_send_message_validation(api):
    async def scenario(bot):
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(USER, "")
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(USER, "  \n ")
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(USER, "я" * 4097)
        assert (await bot.send_message(USER, "я" * 4096)).text == "я" * 4096
        with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(
                USER,
                "x",
                reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("long", callback_data="ж" * 33)),
            )  # 66 bytes
        with pytest.raises(BadRequest, match="(?i)can't parse entities: Character '.' is reserved"):
            await bot.send_message(USER, "Hi.", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match='(?i)Unsupported start tag "br"'):
            await bot.send_message(USER, "a<br>b", parse_mode="HTML")
        html = await bot.send_message(USER, "<b>Внимание</b>, see https://example.org &amp; /help", parse_mode="HTML")
        md = await bot.send_message(USER, r"*Шаг 1\.* _осторожно_", parse_mode="MarkdownV2")
        keyboard = await bot.send_message(USER, "choose", reply_markup=ReplyKeyboardMarkup([["Ru", "Tg"]]))
        return html, md, keyboard

    html, md, keyboard = run(api, scenario)
    form = "application/x-www-form-urlencoded"
    assert http(api, "sendMessage", data=b"text=x", content_type=form) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"},
    )
    assert (
        http(api, "sendMessage", data=b"chat_id=1", content_type=form)[1]["description"]
        == "Bad Request: message text is empty"
    )
    assert html.text == "Внимание, see https://example.org & /help"
    assert [(e.type, e.offset, e.length) for e in html.entities] == [
        ("bold", 0, 8),
        ("url", 14, 19),
        ("bot_command", 36, 5),
    ]
    assert md.text == "Шаг 1. осторожно" and [e.type for e in md.entities] == ["bold", "italic"]
    assert keyboard.reply_markup is None  # Telegram only echoes inline keyboards ...
    assert api.keyboard(USER)["keyboard"] == [[{"text": "Ru"}, {"text": "Tg"}]]  # ... the client shows this one


def test_blocked_user_is_forbidden(api):
    api.block(USER)
    with pytest.raises(Forbidden, match="blocked by the user"):
        run(api, lambda bot: bot.send_message(USER, "hi"))


# ----------------------------------------------------------------------------- editing


def test_edit_message_text(api):
    async def scenario(bot):
        msg = await bot.send_message(
            USER,
            "Step 1",
            reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("Next", callback_data="next")),
        )
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("Step 1", USER, msg.message_id, reply_markup=msg.reply_markup)
        edited = await bot.edit_message_text("Step 2", USER, msg.message_id)  # no markup: keyboard removed
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("Step 2", USER, msg.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", USER, 999)
        with_markup = await bot.edit_message_reply_markup(
            USER,
            msg.message_id,
            reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("Back", callback_data="back")),
        )
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", inline_message_id="nope")
        assert await bot.delete_message(USER, msg.message_id) is True
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(USER, msg.message_id)
        return msg, edited, with_markup

    msg, edited, with_markup = run(api, scenario)
    assert edited.text == "Step 2" and edited.message_id == msg.message_id
    assert edited.edit_date is not None and edited.reply_markup is None
    assert with_markup.reply_markup.inline_keyboard[0][0].callback_data == "back"
    assert api.message(USER, msg.message_id) is None
    assert api.sent[0]["text"] == "Step 1"  # api.sent keeps what was sent


# ----------------------------------------------------------------------------- inline, commands, misc


def test_answer_inline_query(api):
    query = api.push_inline_query(USER, "светофор")["inline_query"]

    def article(i: int) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(str(i), f"Card {i}", InputTextMessageContent(f"text {i}"))

    async def scenario(bot):
        (update,) = await bot.get_updates()
        assert update.inline_query.query == "светофор"
        with pytest.raises(BadRequest, match="(?i)RESULTS_TOO_MUCH"):
            await bot.answer_inline_query(update.inline_query.id, [article(i) for i in range(51)])
        assert await bot.answer_inline_query(update.inline_query.id, [article(1), article(2)], cache_time=0)
        with pytest.raises(BadRequest, match="(?i)query ID is invalid"):
            await bot.answer_inline_query("123", [article(1)])

    run(api, scenario)
    call = api.wait_for(lambda c: c.method == "answerInlineQuery" and c.ok, since=0)
    assert call.params["inline_query_id"] == query["id"]
    assert [r["title"] for r in call.params["results"]] == ["Card 1", "Card 2"]
    assert call.params["results"][0]["input_message_content"] == {"message_text": "text 1"}
    assert call.params["cache_time"] == 0


def test_my_commands_per_scope_and_language(api):
    async def scenario(bot):
        await bot.set_my_commands([BotCommand("start", "Начать"), BotCommand("help", "Помощь")])
        await bot.set_my_commands([BotCommand("start", "Оғоз")], language_code="tg")
        await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(USER))
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])
        default = await bot.get_my_commands()
        tajik = await bot.get_my_commands(language_code="tg")
        english = await bot.get_my_commands(language_code="en")
        chat = await bot.get_my_commands(scope=BotCommandScopeChat(USER))
        await bot.delete_my_commands(language_code="tg")
        after = await bot.get_my_commands(language_code="tg")
        await bot.set_my_description("Помогает пешеходам", language_code="ru")
        await bot.set_my_short_description("Safe Road")
        description = await bot.get_my_description(language_code="ru")
        return default, tajik, english, chat, after, description

    default, tajik, english, chat, after, description = run(api, scenario)
    assert [c.command for c in default] == ["start", "help"]
    assert [(c.command, c.description) for c in tajik] == [("start", "Оғоз")]
    assert english == () and after == ()
    assert [c.command for c in chat] == ["admin"]
    assert api.commands({"type": "chat", "chat_id": USER}) == [{"command": "admin", "description": "Admin"}]
    assert description.description == "Помогает пешеходам"
    assert api.description("ru") == "Помогает пешеходам"
    assert api.description(kind="short_description") == "Safe Road"
    set_call = api.wait_for(lambda c: c.method == "setMyCommands" and c.params.get("language_code") == "tg", since=0)
    assert set_call.params["commands"] == [{"command": "start", "description": "Оғоз"}]


def test_chat_action_close_and_logout(api):
    async def scenario(bot):
        assert await bot.send_chat_action(USER, "typing")
        assert await bot.close()
        assert await bot.log_out()

    run(api, scenario)
    status, body = http(
        api,
        "sendChatAction",
        data=f"chat_id={USER}&action=dancing".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert (status, body["description"]) == (400, "Bad Request: wrong parameter action in request")
    assert [c.method for c in api.calls][-4:] == ["sendChatAction", "close", "logOut", "sendChatAction"]


def test_wait_for_reply_and_timeouts(api):
    def fake_bot():
        async def reply(bot):
            (update,) = await bot.get_updates(timeout=5)
            chat = update.message.chat_id
            await bot.send_message(chat, "first")
            await bot.send_message(
                chat,
                "second",
                reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("ok", callback_data="ok")),
            )
            await bot.edit_message_text("second (edited)", chat, 2)

        run(api, reply)

    worker = threading.Thread(target=fake_bot)
    worker.start()
    try:
        api.wait_for("getUpdates", timeout=5)
        api.push_message(USER, "hello")
        assert api.wait_for_reply(USER, timeout=5)["text"] == "first"
        second = api.wait_for_reply(USER, timeout=5)
        assert second["text"] == "second" and second["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok"
        assert api.wait_for_reply(USER, timeout=5)["text"] == "second (edited)"
    finally:
        worker.join(10)
    with pytest.raises(TimeoutError, match=r"no reply to chat 4242.*"):
        api.wait_for_reply(USER, timeout=0.2)
    with pytest.raises(TimeoutError, match="calls since index 0"):
        api.wait_for("answerCallbackQuery", timeout=0.2, since=0)
    assert isinstance(api.calls[0], Call) and api.mark() == len(api.calls)


def test_raw_http_json_get_and_form_bodies(api):
    status, body = http(
        api,
        "sendMessage",
        data=json.dumps(
            {
                "chat_id": str(USER),
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
            }
        ).encode(),
        content_type="application/json",
    )
    assert status == 200 and body["ok"] and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    assert api.calls[-1].params["chat_id"] == USER
    status, body = http(api, "sendmessage", query=f"chat_id={USER}&text=true")  # GET; names are case-insensitive
    assert status == 200 and body["result"]["text"] == "true" and api.calls[-1].method == "sendMessage"
    status, body = http(
        api, "sendMessage", data=b"chat_id=1&text=" + b"x" * 10, content_type="application/x-www-form-urlencoded"
    )
    assert body["result"]["chat"] == {"id": 1, "type": "private", "first_name": "User"}
    status, body = http(api, "sendMessage", data=b'{"chat_id": 1', content_type="application/json")
    assert status == 400 and body["description"].startswith("Bad Request: ")


def test_close_stops_server_and_wakes_long_poll():
    api = BotApiEmulator(token=TOKEN).start()
    port = api.port
    result = {}

    def poll():
        result["status"] = http(api, "getUpdates", query="timeout=30")[0]

    poller = threading.Thread(target=poll)
    poller.start()
    api.wait_for("getUpdates", timeout=5)
    started = time.monotonic()
    api.close()
    poller.join(5)
    assert not poller.is_alive() and time.monotonic() - started < 3
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    api.close()  # idempotent


def test_fail_every_fails_every_nth_call_of_a_method(api):
    api.fail_every("getMe", 3, status=500)
    api.fail_every("getMe", 4, status=429, retry_after=2)
    statuses = [http(api, "getMe")[0] for _ in range(12)]
    assert statuses == [200, 200, 500, 429, 200, 500, 200, 429, 500, 200, 200, 500]
    api.fail_every("getMe", 0, status=500)
    api.fail_every("getMe", 0, status=429)
    assert {http(api, "getMe")[0] for _ in range(5)} == {200}
