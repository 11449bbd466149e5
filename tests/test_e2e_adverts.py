"""End to end: a user forwards a job advert to the real bot process (``python -m bot run``) on the Bot API
stand-in and reads the warning signs quoted back. Also: photo captions, the menu entry, /stats counting only the
level, and nothing of the advert in the database."""

from __future__ import annotations

import sqlite3

import pytest

from bot.channels.telegram import render
from tests.botapi.emulator import BotApiEmulator
from tests.e2e_helpers import BOT_USERNAME, TOKEN, BotProcess, Harness, actions, buttons, files_once_scrubbed

ADMIN = 7_000_000_077
ADVERT = ("🔥🔥 РАБОТА В ДУБАЕ 🇦🇪🔥🔥\nТребуются девушки 18-25 лет, хостес в ночной клуб.\n"
          "💰 Зарплата 5000$ в месяц, опыт не нужен!\n📝 Виза и билет — 900$, оплата заранее на карту.\n"
          "Паспорт по прилёту сдаёте менеджеру.\nОсталось 3 места!!! WhatsApp +971 50 000 77 88")
QUOTED = ("18-25", "900$", "Паспорт по прилёту сдаёте менеджеру", "Осталось 3 места")


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    data = tmp_path_factory.mktemp("e2e-adverts-data")
    logs = tmp_path_factory.mktemp("e2e-adverts-logs")
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        process = BotProcess(api, data, logs / "bot.log", env={"ADMIN_IDS": str(ADMIN)})
        with process:
            yield Harness(api, process, base_user=7_400_000_000)
        assert process.returncode == 0, process.failure(f"the bot did not stop cleanly ({process.returncode})")


def forward(bot: Harness, user: int, text: str | None = None, **kw) -> dict:
    bot.check_alive()
    if text:
        bot.texts.append(text)
    bot.api.push_forward(user, text, **kw)
    return bot.bot.wait_reply(user)


def test_a_forwarded_advert_gets_its_warning_signs_quoted_back(bot, dialogue):
    user = bot.new_user()
    bot.command(user, "/start ru", lang="ru")
    reply = forward(bot, user, ADVERT)
    text = reply["text"]
    assert text.startswith("📰 Проверка объявления: ⛔ Высокий риск")
    for flag in ("upfront_fee", "unrealistic_pay", "targets_young_women", "urgency", "passport_handover"):
        assert dialogue.content.adverts.flags[flag].title["ru"] in text, flag
    for words in QUOTED:
        assert words in text, words
    assert "«" in text and "Подробнее:" in text
    assert actions(reply)[0] == "check" and "t:sexual_exploitation" in actions(reply)
    # exactly what the core says, rendered by the adapter
    expected = dialogue.respond(ADVERT, "ru", forwarded=True)
    assert text == render.text(expected).strip()
    assert buttons(reply) == [[(b.label, b.action) for b in row] for row in expected.buttons]

    # the offered check starts from the scan's button
    check, answered = bot.press(user, reply, "check")
    assert answered.ok and "1" in check["text"]


def test_a_forward_from_a_hidden_user_is_scanned_in_the_users_telegram_language(bot):
    user = bot.new_user()
    reply = forward(bot, user, ADVERT, origin="hidden_user", origin_name="Фарход", language_code="en")
    assert reply["text"].startswith("📰 Job advert scan: ⛔ High risk")
    assert "Money before the job" in reply["text"] and "“Осталось 3 места”" in reply["text"]


def test_an_advert_in_a_photo_caption_is_scanned(bot):
    user = bot.new_user()
    bot.command(user, "/start tg", lang="ru")
    caption = ("Ба Маскав коргарон лозим, маош 90 000 рубл. Билетро мо мехарем, баъд аз маош мебурем. "
               "Тел +7 926 000 11 22")
    bot.texts.append(caption)
    bot.api.push_photo(user, language_code="ru", caption=caption)
    reply = bot.bot.wait_reply(user)
    assert reply["text"].startswith("📰 Санҷиши эълони кор")
    assert "баъд аз маош мебурем" in reply["text"]
    # a forwarded photo with its caption, too
    reply = forward(bot, user, caption=caption, origin="chat", origin_name="Кор дар Русия")
    assert "Қарзе, ки бояд кор карда диҳед" in reply["text"]


def test_a_forwarded_news_item_is_not_scanned(bot, dialogue):
    user = bot.new_user()
    news = ("В Душанбе задержан мужчина, который обещал работу в Польше и брал по 1000 долларов за визу. "
            "По данным МВД, возбуждено уголовное дело.")
    reply = forward(bot, user, news)
    assert not reply["text"].startswith("📰")
    assert reply["text"] == render.text(dialogue.respond(news, "ru")).strip()


def test_the_menu_entry_asks_for_an_advert(bot):
    user = bot.new_user()
    welcome = bot.command(user, "/start", lang="ru")
    menu, _ = bot.press(user, welcome, "l:ru")
    assert "ad" in actions(menu)
    prompt, answered = bot.press(user, menu, "ad")
    assert answered.ok and "Перешлите мне объявление" in prompt["text"]


def test_stats_count_only_the_level_and_the_database_keeps_no_advert(bot):
    before = bot.command(ADMIN, "/stats", lang="en")["text"]
    user = bot.new_user()
    forward(bot, user, ADVERT.replace("Осталось 3 места", "Звоните"))
    after = bot.command(ADMIN, "/stats", lang="en")["text"]
    week = after.split("\n\n")[0]
    assert "scan high_risk" in week
    count = int(week.split("scan high_risk: ")[1].split()[0])
    was = int(before.split("scan high_risk: ")[1].split()[0]) if "scan high_risk" in before.split("\n\n")[0] else 0
    assert count == was + 1

    data_dir = bot.bot.data_dir
    with sqlite3.connect(f"file:{data_dir / 'saferoad.sqlite3'}?mode=ro", uri=True) as db:
        labels = {(event, label) for event, label in db.execute("SELECT event, label FROM counters")}
    assert {label for event, label in labels if event == "scan"} <= {"high_risk", "careful", "no_flags_found"}
    # An update is held in the inbox until answered, then deleted and scrubbed from the files within moments.
    raw = files_once_scrubbed(data_dir, [t[:40] for t in bot.texts] + ["+971 50 000 77 88", "Фарход"])
    for text in bot.texts:
        for words in (text[:40], "+971 50 000 77 88", "Фарход"):
            assert words.encode() not in raw, f"{words!r} is in the database file"
    log = bot.bot.log()
    assert "900$" not in log and "+971" not in log
