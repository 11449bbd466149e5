"""The kit's own words in Tajik, Russian and English.

Strings the bot already has (``Sources: {sources}``, ``draft translation``, ...) come from the gettext catalogues so
the cards say exactly what the chat says; the rest is printed-only wording that lives here, beside the templates that
use it. The Tajik and Russian here are drafts for a native speaker to review, like the rest of the content.
"""

from __future__ import annotations

from bot import LANGUAGES
from bot.i18n import gettext_for

LABELS: dict[str, dict[str, str]] = {
    "tagline": {
        "tg": "Кори бехатар дар хориҷа",
        "ru": "Безопасная работа за рубежом",
        "en": "Safe work abroad",
    },
    "scan": {
        "tg": "Камераи телефонро ба код равона кунед: бот дар Telegram дар ҳамин мавзӯъ кушода мешавад.",
        "ru": "Наведите камеру телефона на код: бот откроется в Telegram на этой теме.",
        "en": "Point your phone camera at the code: the bot opens in Telegram on this topic.",
    },
    "no_camera": {
        "tg": "Камера кор намекунад? Пайвандро кушоед ё ботро дар Telegram ёбед:",
        "ru": "Камера не сканирует? Откройте ссылку или найдите бота в Telegram:",
        "en": "Cannot scan? Open the link or find the bot in Telegram:",
    },
    "free": {
        "tg": "Ройгон. Бот ном ва рақами телефони шуморо намепурсад.",
        "ru": "Бесплатно. Бот не спрашивает ваше имя и номер телефона.",
        "en": "Free. The bot does not ask for your name or phone number.",
    },
    "in_danger": {
        "tg": "Дар хатар ба рақами фаврӣ занг занед",
        "ru": "Если вы в опасности, звоните по экстренному номеру",
        "en": "In danger, call the emergency number",
    },
    "hotlines": {
        "tg": "Рақамҳои ёрӣ",
        "ru": "Телефоны помощи",
        "en": "Hotlines",
    },
    "checked": {
        "tg": "Рақамҳо санҷида шуданд: {date}.",
        "ru": "Номера проверены: {date}.",
        "en": "Numbers checked: {date}.",
    },
    "checked_range": {
        "tg": "Рақамҳо аз {first} то {last} санҷида шуданд.",
        "ru": "Номера проверены с {first} по {last}.",
        "en": "Numbers checked between {first} and {last}.",
    },
    "more_numbers": {
        "tg": "Рақамҳои дигар ва манбаъҳояшон дар бот.",
        "ru": "Другие номера и их источники есть в боте.",
        "en": "More numbers, with their sources, in the bot.",
    },
    "made": {
        "tg": "Нашри {date}",
        "ru": "Выпуск от {date}",
        "en": "Edition of {date}",
    },
    "kit_title": {
        "tg": "Маводи иттилоотӣ",
        "ru": "Материалы для раздачи",
        "en": "Outreach kit",
    },
    "kit_intro": {
        "tg": "Барои ҳар мавзӯъ: варақаи A6, чор варақа дар як саҳифаи A4, плакати A4 ва QR-код. QR-код ботро "
              "дар ҳамин мавзӯъ ва ҳамин забон мекушояд.",
        "ru": "Для каждой темы: карточка A6, четыре карточки на листе A4, плакат A4 и QR-код. QR-код открывает "
              "бота на этой теме и на этом языке.",
        "en": "For every topic: an A6 card, four cards on an A4 sheet, an A4 poster and a QR code. The QR code "
              "opens the bot on that topic, in that language.",
    },
    "print_help": {
        "tg": "Дар андозаи аслӣ (100 %) чоп кунед, бе «ба саҳифа мувофиқ кардан». Аз рӯи хатҳои нуқтагӣ буред.",
        "ru": "Печатайте в натуральную величину (100 %), без «подогнать по размеру страницы». Режьте по "
              "пунктирным линиям.",
        "en": "Print at actual size (100 %), without \u201cfit to page\u201d. Cut along the dashed lines.",
    },
    "all_cards": {
        "tg": "Ҳамаи варақаҳо, чортоӣ дар як саҳифаи A4",
        "ru": "Все карточки, по четыре на листе A4",
        "en": "All cards, four to an A4 page",
    },
    "pdf": {
        "tg": "PDF барои чоп",
        "ru": "PDF для печати",
        "en": "PDF to print",
    },
    "no_pdf": {
        "tg": "Дар ин маҷмӯа PDF нест (бе Chromium ё бо --no-pdf сохта шуд). Саҳифаро дар браузер кушода, "
              "чоп кунед.",
        "ru": "В этом наборе нет PDF (он собран без Chromium или с --no-pdf). Откройте страницу в браузере и "
              "распечатайте её.",
        "en": "This kit has no PDF (it was built without Chromium or with --no-pdf). Open the page in a browser "
              "and print it.",
    },
    "topic": {"tg": "Мавзӯъ", "ru": "Тема", "en": "Topic"},
    "card": {"tg": "Варақа A6", "ru": "Карточка A6", "en": "Card A6"},
    "sheet": {"tg": "4 дар A4", "ru": "4 на A4", "en": "4 on A4"},
    "poster": {"tg": "Плакат A4", "ru": "Плакат A4", "en": "Poster A4"},
    "qr": {"tg": "QR-код", "ru": "QR-код", "en": "QR code"},
    "link": {"tg": "Пайванд", "ru": "Ссылка", "en": "Link"},
    "qr_note": {
        "tg": "QR-код: дар варақа {card_mm} мм, дар плакат {poster_mm} мм (модул на камтар аз {module_mm} мм), "
              "ислоҳи хато {error}. PNG барои фиристодан дар мессенҷерҳо.",
        "ru": "QR-код: {card_mm} мм на карточке, {poster_mm} мм на плакате (модуль не меньше {module_mm} мм), "
              "коррекция ошибок {error}. PNG для отправки в мессенджерах.",
        "en": "QR codes: {card_mm} mm on cards, {poster_mm} mm on posters (modules at least {module_mm} mm), "
              "error correction {error}. The PNG files are for sending in messengers.",
    },
}


def label(key: str, lang: str) -> str:
    """A kit string in ``lang`` (English when a language is missing, never an exception on a printed page)."""
    texts = LABELS[key]
    return texts.get(lang) or texts["en"]


def bot_text(msgid: str, lang: str) -> str:
    """A string the chat also uses, from the gettext catalogues, so the card and the bot say the same thing."""
    return gettext_for(lang if lang in LANGUAGES else "en")(msgid)
