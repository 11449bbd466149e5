"""A local stand-in for the Telegram Bot API server, for end-to-end tests of the bot.

Written to the Bot API specification (https://core.telegram.org/bots/api) with the standard
library only.  It listens on 127.0.0.1 (a free port by default) and answers the way Telegram does:
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": "..."}``
(plus ``"parameters": {"retry_after": N}`` for 429).

Typical use::

    with BotApiEmulator(token="123456:TEST-token", bot_username="SafeRoadTestBot") as api:
        start_bot(env={"TELEGRAM_BASE_URL": api.base_url, ...})   # a separate process
        api.push_command(42, "/start", language_code="ru")
        reply = api.wait_for_reply(42)
        assert "..." in reply["text"]
        api.push_callback(42, reply, reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        api.wait_for("answerCallbackQuery")

How requests arrive (what python-telegram-bot's HTTPXRequest does): ``POST {base_url}{token}/{method}``
with the parameters form-encoded (``application/x-www-form-urlencoded``), or ``multipart/form-data``
when a file is uploaded.  String parameters are sent as they are; every other value (numbers,
booleans, lists, objects such as ``reply_markup``) is JSON-encoded, so ``chat_id=42``,
``disable_notification=true``, ``reply_markup={"inline_keyboard": ...}``.  The emulator also accepts
JSON bodies and GET query strings, like Telegram, and decodes everything back to Python values
(``Call.params``) knowing which parameters are strings, so a ``text`` of ``"123"`` stays a string.

Behaviour copied from Telegram that tests may trip over:

* ``parse_mode`` (HTML, MarkdownV2, Markdown) is applied: the stored/returned message has the plain
  text plus entities, and bad markup is a 400 "Bad Request: can't parse entities: ...".
* Leading/trailing whitespace of message text is trimmed; urls, @mentions, #hashtags, /commands and
  e-mails in text get entities automatically (``detect_entities=False`` turns this off).
* Only inline keyboards are echoed in ``Message.reply_markup``; a reply keyboard is visible through
  ``Call.params`` and :meth:`BotApiEmulator.keyboard`.
* ``allowed_updates`` persists between getUpdates calls; updates of types that are not allowed at
  the time they are pushed are dropped (see ``api.dropped_updates``).  By default (never set, or
  ``[]``) chat_member, message_reaction and message_reaction_count are not delivered.
* A new getUpdates while another one is still waiting ends the older one with 409 Conflict
  ("terminated by other getUpdates request") -- unless its client already hung up (PTB cancels its
  long poll on shutdown and sends a final getUpdates to confirm the offset): that one is recorded
  with status 499 and not answered.
* A callback or inline query can be answered once; answering an unknown/answered one is a 400.
"""

from __future__ import annotations

import copy
import email.parser
import email.policy
import json
import logging
import re
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["ApiError", "BotApiEmulator", "Call", "UploadedFile"]

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the bot made to the emulator.

    ``params`` are decoded (JSON-encoded values parsed back).  ``status`` is the HTTP status of the
    answer (``None`` while the request is still being answered, e.g. a waiting getUpdates; 499 when
    the client hung up first, e.g. a long poll PTB cancelled on shutdown),
    ``result`` the ``result`` of a successful answer and ``error`` the description of a failed one.
    """

    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __repr__(self) -> str:
        state = "pending" if self.status is None else str(self.status)
        extra = f" error={self.error!r}" if self.error else ""
        return f"Call({self.method} {_short(self.params)} -> {state}{extra})"


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (as found in ``Call.params``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


class ApiError(Exception):
    """An error answer: raised inside method implementations (and by stubs) to answer with it."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class _ClientGone(Exception):
    """The client closed the connection while its request was waiting (an abandoned long poll)."""


def _peer_closed(sock: socket.socket | None) -> bool:
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# Constants from the Bot API specification
# --------------------------------------------------------------------------------------------

# Every method of the Bot API (as of 9.x); the emulator implements a subset, the rest answer with a
# clear 400 unless stubbed with BotApiEmulator.stub().  Telegram method names are case-insensitive.
_API_METHODS = """
addStickerToSet answerCallbackQuery answerGuestQuery answerInlineQuery answerPreCheckoutQuery
answerShippingQuery answerWebAppQuery approveChatJoinRequest approveSuggestedPost banChatMember
banChatSenderChat close closeForumTopic closeGeneralForumTopic convertGiftToStars copyMessage
copyMessages createChatInviteLink createChatSubscriptionInviteLink createForumTopic
createInvoiceLink createNewStickerSet declineChatJoinRequest declineSuggestedPost
deleteAllMessageReactions deleteBusinessMessages deleteChatPhoto deleteChatStickerSet
deleteForumTopic deleteMessage deleteMessageReaction deleteMessages deleteMyCommands
deleteStickerFromSet deleteStickerSet deleteStory deleteWebhook editChatInviteLink
editChatSubscriptionInviteLink editForumTopic editGeneralForumTopic editMessageCaption
editMessageChecklist editMessageLiveLocation editMessageMedia editMessageReplyMarkup
editMessageText editStory editUserStarSubscription exportChatInviteLink forwardMessage
forwardMessages getAvailableGifts getBusinessAccountGifts getBusinessAccountStarBalance
getBusinessConnection getChat getChatAdministrators getChatGifts getChatMember getChatMemberCount
getChatMenuButton getCustomEmojiStickers getFile getForumTopicIconStickers getGameHighScores
getManagedBotAccessSettings getManagedBotToken getMe getMyCommands
getMyDefaultAdministratorRights getMyDescription getMyName getMyShortDescription
getMyStarBalance getStarTransactions getStickerSet getUpdates getUserChatBoosts getUserGifts
getUserPersonalChatMessages getUserProfileAudios getUserProfilePhotos getWebhookInfo
giftPremiumSubscription hideGeneralForumTopic leaveChat logOut pinChatMessage postStory
promoteChatMember readBusinessMessage refundStarPayment removeBusinessAccountProfilePhoto
removeChatVerification removeMyProfilePhoto removeUserVerification reopenForumTopic
reopenGeneralForumTopic replaceManagedBotToken replaceStickerInSet repostStory
restrictChatMember revokeChatInviteLink savePreparedInlineMessage savePreparedKeyboardButton
sendAnimation sendAudio sendChatAction sendChecklist sendContact sendDice sendDocument sendGame
sendGift sendInvoice sendLivePhoto sendLocation sendMediaGroup sendMessage sendMessageDraft
sendPaidMedia sendPhoto sendPoll sendSticker sendVenue sendVideo sendVideoNote sendVoice
setBusinessAccountBio setBusinessAccountGiftSettings setBusinessAccountName
setBusinessAccountProfilePhoto setBusinessAccountUsername setChatAdministratorCustomTitle
setChatDescription setChatMemberTag setChatMenuButton setChatPermissions setChatPhoto
setChatStickerSet setChatTitle setCustomEmojiStickerSetThumbnail setGameScore
setManagedBotAccessSettings setMessageReaction setMyCommands setMyDefaultAdministratorRights
setMyDescription setMyName setMyProfilePhoto setMyShortDescription setPassportDataErrors
setStickerEmojiList setStickerKeywords setStickerMaskPosition setStickerPositionInSet
setStickerSetThumbnail setStickerSetTitle setUserEmojiStatus setWebhook stopMessageLiveLocation
stopPoll transferBusinessAccountStars transferGift unbanChatMember unbanChatSenderChat
unhideGeneralForumTopic unpinAllChatMessages unpinAllForumTopicMessages
unpinAllGeneralForumTopicMessages unpinChatMessage upgradeGift uploadStickerFile verifyChat
verifyUser
""".split()
_CANONICAL = {name.lower(): name for name in _API_METHODS}

UPDATE_TYPES = (
    "message edited_message channel_post edited_channel_post business_connection business_message "
    "edited_business_message deleted_business_messages message_reaction message_reaction_count "
    "inline_query chosen_inline_result callback_query shipping_query pre_checkout_query "
    "purchased_paid_media poll poll_answer my_chat_member chat_member chat_join_request chat_boost "
    "removed_chat_boost managed_bot guest_message"
).split()
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)

_COMMAND_SCOPES = frozenset(
    "default all_private_chats all_group_chats all_chat_administrators chat chat_administrators chat_member".split()
)

# Parameters whose values are strings: never JSON-decoded (a text of "123" or "true" stays a str).
_STRING_PARAMS = frozenset(
    """text parse_mode caption inline_message_id callback_query_id inline_query_id next_offset
    switch_pm_text switch_pm_parameter url secret_token ip_address language_code description
    short_description name action business_connection_id message_effect_id title address emoji
    question question_parse_mode explanation explanation_parse_mode payload provider_token currency
    start_parameter custom_title invite_link phone_number first_name last_name vcard foursquare_id
    foursquare_type google_place_id google_place_type game_short_name error_message
    sticker_set_name file_id query data result_id photo document audio video voice animation
    video_note sticker thumbnail cover shipping_query_id pre_checkout_query_id web_app_query_id
    custom_emoji_id format""".split()
)
_CHAT_ID_PARAMS = frozenset({"chat_id", "from_chat_id"})

_INLINE_BUTTON_ACTIONS = (
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat copy_text callback_game pay"
).split()

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"

_ERROR_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50


# --------------------------------------------------------------------------------------------
# Text formatting: parse_mode -> (text, entities), as Telegram does it
# --------------------------------------------------------------------------------------------


class _EntityParseError(Exception):
    pass


def _u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of MessageEntity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


class _Out:
    """Accumulates plain text while tracking the UTF-16 offset."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.offset += _u16(s)

    def text(self) -> str:
        return "".join(self.parts)

    def last_char(self) -> str:
        for part in reversed(self.parts):
            if part:
                return part[-1]
        return ""


def _user_stub(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "User"}


def _link_entity(url: str, offset: int, length: int) -> dict[str, Any]:
    m = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if m:
        return {"type": "text_mention", "offset": offset, "length": length, "user": _user_stub(int(m.group(1)))}
    return {"type": "text_link", "offset": offset, "length": length, "url": url}


_HTML_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_HTML_TAGS = set(_HTML_SIMPLE_TAGS) | {"a", "span", "code", "pre", "blockquote", "tg-emoji"}
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#[xX][0-9a-fA-F]+);")
_HTML_ATTR = re.compile(r"""\s*([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _html_unescape(s: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name[0] == "#":
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            try:
                return chr(code)
            except (ValueError, OverflowError):
                return m.group(0)
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name]

    return _HTML_ENTITY.sub(sub, s)


def _parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Out()
    entities: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            m = _HTML_ENTITY.match(src, i)
            if m:
                out.add(_html_unescape(m.group(0)))
                i = m.end()
                continue
            out.add(c)
            i += 1
            continue
        if c != "<":
            j = i
            while j < n and src[j] not in "<&":
                j += 1
            out.add(src[i:j])
            i = j
            continue
        begin = i
        i += 1
        if i < n and src[i] == "/":  # end tag
            close = src.find(">", i)
            if close < 0:
                raise _EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(src, begin)}")
            name = src[i + 1 : close].strip().lower()
            i = close + 1
            if not stack:
                raise _EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(src, begin)}")
            top = stack.pop()
            if name != top["tag"]:
                raise _EntityParseError(
                    f'Unmatched end tag at byte offset {_byte_offset(src, begin)}, expected "</{top["tag"]}>", '
                    f'found "</{name}>"'
                )
            length = out.offset - top["offset"]
            tag, attrs = top["tag"], top["attrs"]
            if tag == "code" and stack and stack[-1]["tag"] == "pre":
                lang = attrs.get("class", "")
                if lang.startswith("language-") and len(lang) > len("language-"):
                    stack[-1]["language"] = lang[len("language-") :]
                continue
            if length == 0:
                continue
            entity: dict[str, Any] = {"offset": top["offset"], "length": length}
            if tag in _HTML_SIMPLE_TAGS or tag == "span":
                entity["type"] = _HTML_SIMPLE_TAGS.get(tag, "spoiler")
            elif tag == "a":
                url = attrs.get("href") or out.text()[-length:]
                entity = _link_entity(url, top["offset"], length)
            elif tag == "code":
                entity["type"] = "code"
            elif tag == "pre":
                entity["type"] = "pre"
                if top.get("language"):
                    entity["language"] = top["language"]
            elif tag == "blockquote":
                entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
            elif tag == "tg-emoji":
                entity["type"] = "custom_emoji"
                entity["custom_emoji_id"] = attrs["emoji-id"]
            entities.append(entity)
            continue
        # start tag
        m = re.compile(r"[^\s>/]*").match(src, i)
        assert m is not None
        name = m.group(0).lower()
        if name not in _HTML_TAGS:
            raise _EntityParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, begin)}')
        i = m.end()
        attrs: dict[str, str] = {}
        while True:
            am = _HTML_ATTR.match(src, i)
            if not am or am.end() == i:
                break
            value = am.group(2) or ""
            if value[:1] in "\"'":
                value = value[1:-1]
            attrs[am.group(1).lower()] = _html_unescape(value)
            i = am.end()
        while i < n and src[i].isspace():
            i += 1
        if i < n and src[i] == "/":
            i += 1
        if i >= n or src[i] != ">":
            raise _EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
        i += 1
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {_byte_offset(src, begin)}'
            )
        stack.append({"tag": name, "attrs": attrs, "offset": out.offset})
    if stack:
        raise _EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    return out.text(), entities


_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Out()
    entities: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    quote: dict[str, Any] | None = None
    i, n = 0, len(src)

    def at(k: int) -> str:
        return src[k] if 0 <= k < n else ""

    def reserved_error(ch: str) -> _EntityParseError:
        return _EntityParseError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")

    def close_quote() -> None:
        nonlocal quote
        if quote is None:
            return
        end = out.offset - (1 if out.last_char() == "\n" else 0)
        if end > quote["offset"]:
            entities.append(
                {
                    "type": "expandable_blockquote" if quote["expandable"] else "blockquote",
                    "offset": quote["offset"],
                    "length": end - quote["offset"],
                }
            )
        quote = None

    while i < n:
        c = src[i]
        in_code = bool(stack) and stack[-1]["type"] in ("code", "pre")
        if not in_code and (i == 0 or src[i - 1] == "\n"):
            if c == ">" or src.startswith("**>", i):
                if quote is None:
                    quote = {"offset": out.offset, "expandable": c == "*"}
                elif c == "*":
                    quote["expandable"] = True
                i += 1 if c == ">" else 3
                continue
            close_quote()
        if c == "\\" and 0 < ord(at(i + 1) or "\0") <= 126:
            out.add(src[i + 1])
            i += 2
            continue
        reserved = frozenset("`") if in_code else _MD2_RESERVED
        if c not in reserved:
            out.add(c)
            i += 1
            continue
        if quote is not None and quote["expandable"] and src.startswith("||", i) and at(i + 2) in ("", "\n"):
            i += 2
            continue
        top = stack[-1]["type"] if stack else None
        is_end = (
            (top == "bold" and c == "*")
            or (top == "italic" and c == "_" and at(i + 1) != "_")
            or (top == "underline" and c == "_" and at(i + 1) == "_")
            or (top == "strikethrough" and c == "~")
            or (top == "spoiler" and c == "|" and at(i + 1) == "|")
            or (top == "code" and c == "`")
            or (top == "pre" and src.startswith("```", i))
            or (top in ("text_link", "custom_emoji") and c == "]")
        )
        if not is_end:
            begin = i
            language = None
            if c == "_" and at(i + 1) == "_":
                kind, i = "underline", i + 2
            elif c == "_":
                kind, i = "italic", i + 1
            elif c == "*":
                kind, i = "bold", i + 1
            elif c == "~":
                kind, i = "strikethrough", i + 1
            elif c == "|" and at(i + 1) == "|":
                kind, i = "spoiler", i + 2
            elif c == "[":
                kind, i = "text_link", i + 1
            elif c == "!" and at(i + 1) == "[":
                kind, i = "custom_emoji", i + 2
            elif src.startswith("```", i):
                kind, i = "pre", i + 3
                j = i
                while j < n and not src[j].isspace() and src[j] != "`":
                    j += 1
                if j != i and j < n and src[j] != "`":
                    language, i = src[i:j], j
                if at(i) in ("\n", "\r"):
                    i += 2 if at(i + 1) in ("\n", "\r") and at(i + 1) != at(i) else 1
            elif c == "`":
                kind, i = "code", i + 1
            else:
                raise reserved_error(c)
            stack.append(
                {"type": kind, "offset": out.offset, "begin": begin, "language": language, "start_len": len(out.parts)}
            )
            continue
        # end of an entity
        ent = stack.pop()
        kind = ent["type"]
        entity: dict[str, Any] | None = {"type": kind, "offset": ent["offset"], "length": out.offset - ent["offset"]}
        if kind in ("underline", "spoiler"):
            i += 2
        elif kind == "pre":
            i += 3
            if ent["language"]:
                entity["language"] = ent["language"]
        elif kind in ("text_link", "custom_emoji"):
            i += 1
            url = None
            if at(i) == "(":
                i += 1
                url_begin = i
                chars: list[str] = []
                while i < n and src[i] != ")":
                    if src[i] == "\\" and 0 < ord(at(i + 1) or "\0") <= 126:
                        chars.append(src[i + 1])
                        i += 2
                        continue
                    chars.append(src[i])
                    i += 1
                if i >= n:
                    raise _EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(src, url_begin)}")
                i += 1
                url = "".join(chars)
            if kind == "custom_emoji":
                m = re.fullmatch(r"tg://emoji\?id=(\d+)", url or "")
                if not m:
                    raise _EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                entity["custom_emoji_id"] = m.group(1)
            else:
                if url is None:
                    url = "".join(out.parts[ent["start_len"] :])
                entity = _link_entity(url, ent["offset"], entity["length"]) if url.strip() else None
        else:
            i += 1
        if entity is not None and entity["length"] > 0:
            entities.append(entity)
    if stack:
        ent = stack[-1]
        raise _EntityParseError(
            f"Can't find end of {_MD2_NAMES[ent['type']]} entity at byte offset {_byte_offset(src, ent['begin'])}"
        )
    close_quote()
    return out.text(), entities


def _parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy ``Markdown`` parse mode."""
    out = _Out()
    entities: list[dict[str, Any]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        i += 1
        is_pre = False
        language = None
        if c == "`" and src.startswith("``", i):
            i += 2
            is_pre = True
            j = i
            while j < n and not src[j].isspace() and src[j] != "`":
                j += 1
            if j != i and j < n and src[j] != "`":
                language, i = src[i:j], j
            if i < n and src[i] == "\n":
                i += 1
        start = out.offset
        while i < n and (src[i] != end_char or (is_pre and not src.startswith("```", i))):
            out.add(src[i])
            i += 1
        if i >= n:
            raise _EntityParseError(f"Can't find end of the entity starting at byte offset {_byte_offset(src, begin)}")
        length = out.offset - start
        entity: dict[str, Any] | None = None
        if c == "[":
            i += 1
            if i < n and src[i] == "(":
                close = src.find(")", i)
                if close >= 0:
                    url = src[i + 1 : close]
                    i = close + 1
                    entity = _link_entity(url, start, length) if url.strip() else None
            else:
                entity = None
        else:
            i += 3 if is_pre else 1
            kind = {"*": "bold", "_": "italic", "`": "pre" if is_pre else "code"}[c]
            entity = {"type": kind, "offset": start, "length": length}
            if language:
                entity["language"] = language
        if entity is not None and length > 0:
            entities.append(entity)
    return out.text(), entities


_AUTO_PATTERNS = [
    ("url", re.compile(r"(?i)\b(?:https?://|www\.|t\.me/)[^\s<>\"]+")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{2,31}\b")),
    ("hashtag", re.compile(r"(?<![\w#])#(?!\d+\b)\w+")),
    ("bot_command", re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?![\w/])")),
]
_NO_AUTO_INSIDE = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji", "url", "email"})


def _detect_entities(text: str, explicit: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities Telegram adds on its own: urls, e-mails, @mentions, #hashtags, /commands."""
    # Work in code point indexes, convert to UTF-16 at the end.
    u16_at = [0]
    for ch in text:
        u16_at.append(u16_at[-1] + (2 if ord(ch) > 0xFFFF else 1))
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _AUTO_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if kind == "url":
                while end > start and text[end - 1] in ".,;:!?)'\"":
                    end -= 1
            if any(not (end <= s or start >= e) for s, e, _ in found):
                continue
            found.append((start, end, kind))
    result = []
    for start, end, kind in sorted(found):
        off, length = u16_at[start], u16_at[end] - u16_at[start]
        clash = False
        for ent in explicit:
            e_start, e_end = ent["offset"], ent["offset"] + ent["length"]
            if off + length <= e_start or off >= e_end:
                continue
            inside = e_start <= off and off + length <= e_end
            if ent["type"] in _NO_AUTO_INSIDE or not inside:
                clash = True
                break
        if not clash:
            result.append({"type": kind, "offset": off, "length": length})
    return result


_TRIM = " \t\r\n\v\f"


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    stripped_left = text.lstrip(_TRIM)
    shift = _u16(text) - _u16(stripped_left)
    new_text = stripped_left.rstrip(_TRIM)
    total = _u16(new_text)
    result = []
    for ent in entities:
        start = max(ent["offset"] - shift, 0)
        end = min(ent["offset"] + ent["length"] - shift, total)
        if end > start:
            result.append({**ent, "offset": start, "length": end - start})
    return new_text, result


def _sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


def _decode_value(name: str, value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return value
    if name in _STRING_PARAMS:
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if name in _CHAT_ID_PARAMS:
        if isinstance(value, str):
            v = value.strip()
            return int(v) if re.fullmatch(r"-?\d+", v) else v
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    header = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    )
    boundary = header.get_param("boundary")
    if not boundary:
        raise _bad("multipart boundary is missing")
    delimiter = b"--" + str(boundary).encode("latin-1")
    fields: dict[str, Any] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, _, data = chunk.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        part = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + b"\r\n\r\n")
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        name = str(name)
        filename = part.get_filename()
        if filename is not None:
            fields[name] = UploadedFile(name, filename, part.get_content_type(), data)
        else:
            fields[name] = data.decode("utf-8", "replace")
    return fields


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------

_PATH = re.compile(r"^/bot([^/]+)/([A-Za-z0-9_]+)/?$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes; avoid 40 ms delayed-ACK stalls
    server_version = "nginx"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:  # noqa: N802
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
            emulator = self.server.emulator
            emulator._tls.connection = self.connection
            try:
                status, payload = emulator._handle_http(self.command, self.path, self.headers, body)
            finally:
                emulator._tls.connection = None
            if payload is None:  # the client went away; nobody to answer
                self.close_connection = True
                return
            data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (ConnectionError, OSError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s - %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], emulator: BotApiEmulator):
        self.emulator = emulator
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), name="botapi-conn", daemon=True
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - a broken client connection must not kill the server
            log.debug("connection from %s failed", client_address, exc_info=True)
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)
            self.shutdown_request(request)

    def close_connections(self, timeout: float = 5.0) -> None:
        with self._connections_lock:
            items = list(self._connections.items())
        for sock, _ in items:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for _, thread in items:
            thread.join(max(0.0, deadline - time.monotonic()))


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------


class BotApiEmulator:
    """A fake Bot API server for one bot token.  Use as a context manager (or start()/close())."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "SafeRoadTestBot",
        *,
        bot_name: str = "Safe Road",
        port: int = 0,
        strict_chats: bool = False,
        detect_entities: bool = True,
    ):
        """``strict_chats``: sending to a chat no update came from is 400 "chat not found" (as on
        Telegram, where a bot cannot start a conversation).  ``detect_entities``: add url, mention,
        hashtag, bot_command and email entities the way Telegram does."""
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.strict_chats = strict_chats
        self.detect_entities = detect_entities
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 1
        self._port = port

        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._rejected: list[tuple[str, str]] = []
        self._sent: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._dropped: list[dict[str, Any]] = []
        self._next_update_id = 100_000_001
        self._next_query_id = 7_000_000_000_000_000_001
        self._next_file = 1
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._webhook: dict[str, Any] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._inline_messages: dict[str, dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._blocked: set[int] = set()
        self._keyboards: dict[int, dict[str, Any] | None] = {}
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._inline_queries: dict[str, dict[str, Any]] = {}  # id -> {"user": id, "answered": bool, "results": [...]}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._failures: dict[str, list[dict[str, Any]]] = {}
        self._every: dict[str, list[dict[str, Any]]] = {}
        self._stubs: dict[str, Any] = {}
        self._reply_cursor: dict[int, int] = {}
        self._closing = False
        self._tls = threading.local()

        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getme": self._m_get_me,
            "getupdates": self._m_get_updates,
            "setwebhook": self._m_set_webhook,
            "deletewebhook": self._m_delete_webhook,
            "getwebhookinfo": self._m_get_webhook_info,
            "setmycommands": self._m_set_my_commands,
            "getmycommands": self._m_get_my_commands,
            "deletemycommands": self._m_delete_my_commands,
            "sendmessage": self._m_send_message,
            "editmessagetext": self._m_edit_message_text,
            "editmessagereplymarkup": self._m_edit_message_reply_markup,
            "deletemessage": self._m_delete_message,
            "answercallbackquery": self._m_answer_callback_query,
            "answerinlinequery": self._m_answer_inline_query,
            "sendchataction": self._m_send_chat_action,
            "setmydescription": lambda p: self._set_description("description", p, 512),
            "getmydescription": lambda p: {"description": self._get_description("description", p)},
            "setmyshortdescription": lambda p: self._set_description("short_description", p, 120),
            "getmyshortdescription": lambda p: {"short_description": self._get_description("short_description", p)},
            "setmyname": lambda p: self._set_description("name", p, 64),
            "getmyname": lambda p: {"name": self._get_description("name", p) or self.bot_name},
            "close": lambda p: True,
            "logout": lambda p: True,
        }
        self._methods.update({
            "copymessage": self._m_copy_message,
            "deletemessages": self._m_delete_messages,
            "sendphoto": self._m_send_photo,
        })

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> BotApiEmulator:
        if self._server is not None:
            return self
        self._closing = False
        self._server = _Server(("127.0.0.1", self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="botapi-emulator", daemon=True
        )
        self._thread.start()
        log.debug("Bot API emulator listening on %s", self.base_url)
        return self

    def close(self) -> None:
        """Stop serving: wakes waiting long polls, closes the socket and every connection, joins threads."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What to give python-telegram-bot as ``base_url`` (it appends the token and ``/method``)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_name, "username": self.bot_username}

    # ------------------------------------------------------------------ test-side inspection

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every request so far (requests with a wrong token are in ``rejected``)."""
        with self._cond:
            return [replace(c) for c in self._calls]

    @property
    def rejected(self) -> list[tuple[str, str]]:
        """(token, method) of requests answered 401 because of a wrong token."""
        with self._cond:
            return list(self._rejected)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Messages sent with sendMessage (as returned at the time), in order."""
        with self._cond:
            return copy.deepcopy(self._sent)

    @property
    def dropped_updates(self) -> list[dict[str, Any]]:
        """Pushed updates that were not queued because allowed_updates excluded their type."""
        with self._cond:
            return copy.deepcopy(self._dropped)

    def mark(self) -> int:
        """An index into ``calls``, for ``since=``."""
        with self._cond:
            return len(self._calls)

    def pending_updates(self) -> int:
        """How many updates have not been confirmed by a getUpdates offset yet."""
        with self._cond:
            return len(self._updates)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (after edits), or None if unknown/deleted."""
        with self._cond:
            msg = self._messages.get((chat_id, message_id))
            return copy.deepcopy(msg)

    def history(self, chat_id: int) -> list[dict[str, Any]]:
        """The current (not deleted) messages of a chat, both directions, oldest first."""
        with self._cond:
            msgs = [m for (c, _), m in self._messages.items() if c == chat_id]
            return copy.deepcopy(sorted(msgs, key=lambda m: m["message_id"]))

    def keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard (ReplyKeyboardMarkup dict) the user currently sees, if any."""
        with self._cond:
            return copy.deepcopy(self._keyboards.get(chat_id))

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for this scope (default: {"type": "default"}) and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get((self._scope_key(scope), language_code), []))

    def description(self, language_code: str = "", kind: str = "description") -> str:
        """Stored setMyDescription text (kind="short_description" or "name" for the others)."""
        with self._cond:
            return self._descriptions.get((kind, language_code), "")

    def webhook_info(self) -> dict[str, Any]:
        with self._cond:
            return self._m_get_webhook_info({})

    # ------------------------------------------------------------------ test-side control

    def fail_next(
        self,
        method: str,
        status: int = 429,
        count: int = 1,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` ("*" = any method) fail with ``status``.

        429 carries ``parameters.retry_after`` (python-telegram-bot raises RetryAfter only if it is
        non-zero); 500 is "Internal Server Error", 502 "Bad Gateway", and so on.
        """
        failure = self._failure(status, retry_after, description)
        with self._cond:
            self._failures.setdefault(method.lower(), []).extend(dict(failure) for _ in range(count))

    @staticmethod
    def _failure(status: int, retry_after: int, description: str | None = None) -> dict[str, Any]:
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                try:
                    description = _ERROR_TEXT.get(status) or HTTPStatus(status).phrase
                except ValueError:
                    description = f"Error {status}"
        failure: dict[str, Any] = {"status": status, "description": description}
        if status == 429:
            failure["parameters"] = {"retry_after": retry_after}
        return failure

    def fail_every(self, method: str, every: int, status: int = 429, retry_after: int = 1) -> None:
        """From now on every ``every``-th call of ``method`` fails with ``status`` (``every=0`` stops it);
        several rules may be active, e.g. every 7th 429 and every 5th 500 (the first match wins)."""
        with self._cond:
            rules = [r for r in self._every.get(method.lower(), []) if r["status"] != status]
            if every > 0:
                rules.append({"every": every, "status": status, "retry_after": retry_after, "count": 0})
            self._every[method.lower()] = rules

    def stub(self, method: str, result: Any) -> None:
        """Answer ``method`` with ``result`` (or ``result(params)`` if callable; it may raise
        ApiError).  Overrides the built-in implementation; ``result=None`` removes the stub."""
        with self._cond:
            if result is None:
                self._stubs.pop(method.lower(), None)
            else:
                self._stubs[method.lower()] = result

    def block(self, user_id: int, blocked: bool = True) -> None:
        """The user blocked the bot: sending to them is 403 "Forbidden: bot was blocked by the user"."""
        with self._cond:
            (self._blocked.add if blocked else self._blocked.discard)(user_id)

    # ------------------------------------------------------------------ waiting

    def wait_for(
        self,
        predicate: Callable[[Call], bool] | str,
        timeout: float = 10,
        since: int | None = None,
    ) -> Call:
        """The first call from index ``since`` (default: now) matching ``predicate``.

        ``predicate`` may be a method name.  A call matches once it has been answered (a getUpdates
        matches as soon as it arrives).  Predicates raising KeyError/TypeError/... count as "no".
        Raises TimeoutError listing the recent calls.
        """
        if isinstance(predicate, str):
            description = f"method {predicate!r}"
            name = predicate.lower()

            def predicate(call: Call, _name: str = name) -> bool:  # noqa: F811
                return call.method.lower() == _name

        else:
            description = getattr(predicate, "__name__", "predicate")
        with self._cond:
            start = len(self._calls) if since is None else since
            deadline = time.monotonic() + timeout
            while True:
                for call in self._calls[start:]:
                    if call.status is None and call.method != "getUpdates":
                        continue
                    try:
                        matched = predicate(call)
                    except (KeyError, IndexError, TypeError, AttributeError, ValueError):
                        matched = False
                    if matched:
                        return replace(call)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no call matching {description} within {timeout}s; {self._recent_calls(start)}")
                self._cond.wait(remaining)

    def wait_for_reply(
        self,
        chat_id: int,
        timeout: float = 10,
        since: int | None = None,
        methods: Iterable[str] = ("sendMessage", "editMessageText"),
    ) -> dict[str, Any]:
        """The next message the bot sent (or edited) in ``chat_id``: the resulting Message dict.

        "Next" means: after the last push_* to that chat or the reply this method returned last
        time for it, whichever is later -- so ``push; wait_for_reply; wait_for_reply`` returns the
        first and the second answer, even if the bot answered before the first call.  ``since``
        (from ``mark()``) overrides the start.  Failed calls (e.g. 400 parse errors) are skipped.
        """
        wanted = {m.lower() for m in methods}
        with self._cond:
            if since is None:
                since = self._reply_cursor.get(chat_id, len(self._calls))
            deadline = time.monotonic() + timeout
            while True:
                for index in range(since, len(self._calls)):
                    call = self._calls[index]
                    if (
                        call.status == 200
                        and call.method.lower() in wanted
                        and call.params.get("chat_id") == chat_id
                        and isinstance(call.result, dict)
                    ):
                        self._reply_cursor[chat_id] = index + 1
                        return copy.deepcopy(call.result)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no reply to chat {chat_id} within {timeout}s; {self._recent_calls(since)}")
                self._cond.wait(remaining)

    def _recent_calls(self, start: int, limit: int = 25) -> str:
        first = max(start, len(self._calls) - limit)
        if first >= len(self._calls):
            return f"no calls since index {start} (total {len(self._calls)})"
        lines = "\n".join(f"  [{i}] {self._calls[i]!r}" for i in range(first, len(self._calls)))
        return f"calls since index {start} (total {len(self._calls)}):\n{lines}"

    # ------------------------------------------------------------------ pushing updates

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``update_id`` assigned if missing).  Returns the update."""
        update = copy.deepcopy(update)
        with self._cond:
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            kind = next((k for k in update if k != "update_id"), None)
            allowed = self._effective_allowed()
            if kind not in allowed:
                log.debug("dropping %s update: not in allowed_updates %s", kind, sorted(allowed))
                self._dropped.append(update)
            else:
                self._updates.append(update)
            self._cond.notify_all()
            return copy.deepcopy(update)

    def push_message(
        self,
        user_id: int,
        text: str,
        language_code: str = "ru",
        chat_id: int | None = None,
        *,
        first_name: str = "User",
        username: str | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A text message from the user (a private chat with the bot unless ``chat_id`` says otherwise)."""
        entities = _sort_entities(_detect_entities(text, [])) if self.detect_entities else []
        extra: dict[str, Any] = {"text": text}
        if entities:
            extra["entities"] = entities
        return self._push_user_message(user_id, language_code, chat_id, extra, first_name, username, reply_to)

    def push_command(
        self, user_id: int, command: str, language_code: str = "ru", chat_id: int | None = None, **kw: Any
    ) -> dict[str, Any]:
        """A /command message (with a bot_command entity), e.g. "/start passport_taken-tg"."""
        if not command.startswith("/"):
            command = "/" + command
        update = self.push_message(user_id, command, language_code, chat_id, **kw)
        message = update["message"]
        if not any(e["type"] == "bot_command" and e["offset"] == 0 for e in message.get("entities", [])):
            raise ValueError(f"{command!r} does not start with a valid bot command")
        return update

    def push_sticker(
        self, user_id: int, language_code: str = "ru", emoji: str = "\U0001f44d", chat_id: int | None = None
    ) -> dict[str, Any]:
        fid, uid = self._file_ids("sticker")
        sticker = {
            "file_id": fid,
            "file_unique_id": uid,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "EmulatorStickers",
            "file_size": 23456,
        }
        return self._push_user_message(user_id, language_code, chat_id, {"sticker": sticker})

    def push_photo(
        self, user_id: int, language_code: str = "ru", caption: str | None = None, chat_id: int | None = None
    ) -> dict[str, Any]:
        sizes = []
        for width, height, size in ((90, 67, 1234), (320, 240, 12345), (1280, 960, 123456)):
            fid, uid = self._file_ids("photo")
            sizes.append({"file_id": fid, "file_unique_id": uid, "width": width, "height": height, "file_size": size})
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return self._push_user_message(user_id, language_code, chat_id, extra)

    def push_forward(
        self,
        user_id: int,
        text: str | None = None,
        *,
        caption: str | None = None,
        origin: str = "channel",
        origin_name: str = "Работа за рубежом",
        origin_id: int = -1001987654321,
        language_code: str = "ru",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A message the user forwarded: ``text``, or a photo with ``caption``. ``forward_origin`` (Bot API 7.0,
        MessageOrigin) says where it came from: ``channel`` (a channel post: chat, message_id), ``chat`` (a group:
        sender_chat), ``user`` (sender_user) or ``hidden_user`` (a person who hides their account:
        sender_user_name). ``forward_date`` is the original message's date, earlier than the forward's."""
        date = int(time.time()) - 3600
        if origin == "channel":
            username = "rabota_abroad"
            chat = {"id": origin_id, "type": "channel", "title": origin_name, "username": username}
            forward = {"type": "channel", "date": date, "chat": chat, "message_id": 4321}
        elif origin == "chat":
            forward = {"type": "chat", "date": date,
                       "sender_chat": {"id": origin_id, "type": "supergroup", "title": origin_name}}
        elif origin == "user":
            forward = {"type": "user", "date": date,
                       "sender_user": {"id": abs(origin_id) % 10**9, "is_bot": False, "first_name": origin_name}}
        elif origin == "hidden_user":
            forward = {"type": "hidden_user", "date": date, "sender_user_name": origin_name}
        else:
            raise ValueError(f"unknown forward origin {origin!r} (channel, chat, user, hidden_user)")
        content: dict[str, Any] = {"forward_origin": forward}
        if text is not None:
            content["text"] = text
            entities = _sort_entities(_detect_entities(text, [])) if self.detect_entities else []
            if entities:
                content["entities"] = entities
        else:
            sizes = []
            for width, height, size in ((90, 67, 1234), (1280, 960, 123456)):
                fid, uid = self._file_ids("photo")
                sizes.append({"file_id": fid, "file_unique_id": uid, "width": width, "height": height,
                              "file_size": size})
            content["photo"] = sizes
            if caption:
                content["caption"] = caption
                entities = _sort_entities(_detect_entities(caption, [])) if self.detect_entities else []
                if entities:
                    content["caption_entities"] = entities
        return self._push_user_message(user_id, language_code, chat_id, content)

    def push_location(
        self,
        user_id: int,
        latitude: float = 38.5598,
        longitude: float = 68.7870,
        language_code: str = "ru",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        return self._push_user_message(
            user_id, language_code, chat_id, {"location": {"latitude": latitude, "longitude": longitude}}
        )

    def push_voice(
        self, user_id: int, duration: int = 3, language_code: str = "ru", chat_id: int | None = None
    ) -> dict[str, Any]:
        fid, uid = self._file_ids("voice")
        voice = {
            "file_id": fid,
            "file_unique_id": uid,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 8000 * duration,
        }
        return self._push_user_message(user_id, language_code, chat_id, {"voice": voice})

    def push_document(
        self,
        user_id: int,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        language_code: str = "ru",
        chat_id: int | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        fid, uid = self._file_ids("document")
        document = {
            "file_id": fid,
            "file_unique_id": uid,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": 54321,
        }
        extra: dict[str, Any] = {"document": document}
        if caption:
            extra["caption"] = caption
        return self._push_user_message(user_id, language_code, chat_id, extra)

    def push_callback(
        self,
        user_id: int,
        message: dict[str, Any] | None,
        data: str,
        language_code: str = "ru",
        *,
        inline_message_id: str | None = None,
        check: bool = True,
        first_name: str = "User",
        username: str | None = None,
    ) -> dict[str, Any]:
        """The user pressed an inline button with ``data`` under ``message`` (a Message dict the bot
        sent, e.g. from ``api.sent`` or ``wait_for_reply``); the update carries the message as it is
        now.  With ``check`` the data must be on a button of the message's current keyboard."""
        with self._cond:
            user = self._user(user_id, language_code, first_name, username)
            query: dict[str, Any] = {"id": self._query_id(), "from": user}
            if inline_message_id is not None:
                stored = self._inline_messages.get(inline_message_id)
                if stored is None:
                    raise ValueError(f"unknown inline message {inline_message_id!r}")
                markup = stored.get("reply_markup")
                query["inline_message_id"] = inline_message_id
                query["chat_instance"] = str(-(10**17) - user_id)
            else:
                if message is None:
                    raise ValueError("push_callback needs a message or an inline_message_id")
                chat_id = message["chat"]["id"]
                current = self._messages.get((chat_id, message["message_id"]))
                if current is None:
                    raise ValueError(f"message {message['message_id']} in chat {chat_id} does not exist (deleted?)")
                markup = current.get("reply_markup")
                query["message"] = copy.deepcopy(current)
                query["chat_instance"] = str(10**17 + abs(chat_id))
                self._reply_cursor[chat_id] = len(self._calls)
            if check:
                available = [b.get("callback_data") for row in (markup or {}).get("inline_keyboard", []) for b in row]
                if data not in available:
                    raise ValueError(f"no button with callback_data {data!r} on that message; buttons: {available}")
            query["data"] = data
            self._callback_queries[query["id"]] = False
            return self.push_update({"callback_query": query})

    def push_inline_query(
        self, user_id: int, query: str, language_code: str = "en", *, offset: str = "", chat_type: str | None = None
    ) -> dict[str, Any]:
        with self._cond:
            inline = {
                "id": self._query_id(),
                "from": self._user(user_id, language_code),
                "query": query,
                "offset": offset,
            }
            if chat_type:
                inline["chat_type"] = chat_type
            self._inline_queries[inline["id"]] = {"user": user_id, "answered": False, "results": []}
            return self.push_update({"inline_query": inline})

    def push_chosen_inline_result(
        self, user_id: int, result_id: str, query: str = "", language_code: str = "en"
    ) -> dict[str, Any]:
        """The user picked result ``result_id`` of the last answered inline query; if the result has
        an inline keyboard, an inline message is created and its ``inline_message_id`` included."""
        with self._cond:
            result = None
            for info in reversed(list(self._inline_queries.values())):
                if info["user"] == user_id:
                    result = next((r for r in info["results"] if r.get("id") == result_id), None)
                    if result is not None:
                        break
            chosen: dict[str, Any] = {
                "result_id": result_id,
                "from": self._user(user_id, language_code),
                "query": query,
            }
            if result is not None and result.get("reply_markup"):
                imid = f"AAAAA{self._query_id()}"
                content = result.get("input_message_content") or {}
                self._inline_messages[imid] = {
                    "text": content.get("message_text", ""),
                    "entities": content.get("entities", []),
                    "reply_markup": result["reply_markup"],
                }
                chosen["inline_message_id"] = imid
            return self.push_update({"chosen_inline_result": chosen})

    def _push_user_message(
        self,
        user_id: int,
        language_code: str,
        chat_id: int | None,
        content: dict[str, Any],
        first_name: str = "User",
        username: str | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self._cond:
            user = self._user(user_id, language_code, first_name, username)
            chat = self._chat(user_id if chat_id is None else chat_id, user)
            message = {
                "message_id": self._new_message_id(chat["id"]),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                **copy.deepcopy(content),
            }
            if reply_to is not None:
                original = self._messages.get((chat["id"], reply_to["message_id"]))
                if original is not None:
                    message["reply_to_message"] = _without_reply(original)
            self._messages[(chat["id"], message["message_id"])] = message
            self._reply_cursor[chat["id"]] = len(self._calls)
            return self.push_update({"message": copy.deepcopy(message)})

    # ------------------------------------------------------------------ state helpers (lock held)

    def _user(
        self, user_id: int, language_code: str | None, first_name: str = "User", username: str | None = None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return copy.deepcopy(user)

    def _chat(self, chat_id: int, user: dict[str, Any] | None = None) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None or (user is not None and chat["type"] == "private"):
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": (user or {}).get("first_name", "User")}
                if user and user.get("username"):
                    chat["username"] = user["username"]
            elif str(chat_id).startswith("-100"):
                chat = {"id": chat_id, "title": "Test supergroup", "type": "supergroup"}
            else:
                chat = {"id": chat_id, "title": "Test group", "type": "group"}
            self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def _new_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _query_id(self) -> str:
        self._next_query_id += 1
        return str(self._next_query_id)

    def _file_ids(self, kind: str) -> tuple[str, str]:
        with self._cond:
            n = self._next_file
            self._next_file += 1
        return f"EMU{kind.upper()}{n:06d}AAQmZpbGUtaWQ", f"AQAD{kind[:2]}{n:04d}"

    def _effective_allowed(self) -> set[str]:
        if not self._allowed_updates:
            return set(UPDATE_TYPES) - _NOT_BY_DEFAULT
        return set(self._allowed_updates)

    def _scope_key(self, scope: Any) -> str:
        scope = dict(scope or {"type": "default"})
        for key in ("chat_id", "user_id"):
            if isinstance(scope.get(key), str) and re.fullmatch(r"-?\d+", scope[key]):
                scope[key] = int(scope[key])
        return json.dumps(scope, sort_keys=True)

    # ------------------------------------------------------------------ HTTP entry point

    def _handle_http(self, command: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any] | None]:
        url = urlsplit(raw_path)
        m = _PATH.match(url.path)
        if not m:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = unquote(m.group(1)), m.group(2)
        if token != self.token:
            with self._cond:
                self._rejected.append((token, method))
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            raw = self._raw_params(url.query, headers.get("Content-Type", ""), body)
        except ApiError as exc:
            return exc.status, {"ok": False, "error_code": exc.status, "description": exc.description}
        params = {k: _decode_value(k, v) for k, v in raw.items()}
        try:
            return self._dispatch(method, params)
        except Exception as exc:  # noqa: BLE001 - an emulator bug must still produce an answer
            log.exception("Bot API emulator failed on %s", method)
            return 500, {"ok": False, "error_code": 500, "description": f"Internal Server Error: emulator bug: {exc!r}"}

    @staticmethod
    def _raw_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
        raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        ctype = content_type.split(";")[0].strip().lower()
        if not body:
            return raw
        if ctype == "multipart/form-data":
            raw.update(_parse_multipart(body, content_type))
        elif ctype == "application/json" or (
            ctype != "application/x-www-form-urlencoded" and body.lstrip()[:1] == b"{"
        ):
            try:
                data = json.loads(body.decode("utf-8"))
            except ValueError as exc:
                raise _bad(f"can't parse JSON object: {exc}") from None
            if not isinstance(data, dict):
                raise _bad("JSON object expected")
            raw.update(data)
        else:
            raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return raw

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        key = method.lower()
        name = _CANONICAL.get(key, method)
        call = Call(name, params, time.time())
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            failures = self._failures.get(key) or self._failures.get("*")
            failure = failures.pop(0) if failures else None
            for rule in self._every.get(key, []):
                rule["count"] += 1
                if failure is None and rule["count"] % rule["every"] == 0:
                    failure = self._failure(rule["status"], rule["retry_after"])
            stub = self._stubs.get(key)
        log.debug("-> %s %s", name, _short(params))
        description: str | None = None
        try:
            if failure is not None:
                raise ApiError(failure["status"], failure["description"], failure.get("parameters"))
            if stub is not None:
                result = stub(copy.deepcopy(params)) if callable(stub) else copy.deepcopy(stub)
            elif key in self._methods:
                with self._cond:
                    result = self._methods[key](params)
                    if isinstance(result, tuple):  # (result, description)
                        result, description = result
            elif key in _CANONICAL:
                raise _bad(f"method {name} is not implemented by the Bot API emulator (use api.stub({name!r}, ...))")
            else:
                raise ApiError(404, "Not Found")
        except _ClientGone:
            payload = None
            status, call_result, error = 499, None, "client closed the connection before the answer"
        except ApiError as exc:
            payload = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                payload["parameters"] = exc.parameters
            status, call_result, error = exc.status, None, exc.description
        else:
            payload = {"ok": True, "result": result}
            if description:
                payload["description"] = description
            status, call_result, error = 200, result, None
        with self._cond:
            call.status, call.result, call.error = status, copy.deepcopy(call_result), error
            self._cond.notify_all()
        log.debug("<- %s %s %s", name, status, error or _short(call_result))
        return status, payload

    # ------------------------------------------------------------------ validation helpers

    @staticmethod
    def _require(params: dict[str, Any], name: str, description: str | None = None) -> Any:
        value = params.get(name)
        if value is None or value == "":
            raise _bad(description or f'parameter "{name}" is required')
        return value

    def _target_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, str):
            username = chat_id[1:] if chat_id.startswith("@") else None
            for chat in self._chats.values():
                if username and chat.get("username", "").lower() == username.lower():
                    return copy.deepcopy(chat)
            raise _bad("chat not found")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self._chats and self.strict_chats:
            if chat_id > 0:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad("chat not found")
        return self._chat(chat_id)

    def _formatted_text(
        self, params: dict[str, Any], text_key: str = "text", entities_key: str = "entities"
    ) -> tuple[str, list[dict[str, Any]]]:
        text = params.get(text_key)
        if text is None or text == "":
            raise _bad("message text is empty")
        if not isinstance(text, str):
            text = str(text)
        entities = params.get(entities_key)
        parse_mode = (params.get("parse_mode") or "").strip()
        if entities is not None:
            if not isinstance(entities, list) or not all(
                isinstance(e, dict)
                and isinstance(e.get("type"), str)
                and isinstance(e.get("offset"), int)
                and isinstance(e.get("length"), int)
                for e in entities
            ):
                raise _bad("can't parse entities JSON object")
            entities = [dict(e) for e in entities if e["length"] > 0]
        elif parse_mode:
            parser = {"html": _parse_html, "markdownv2": _parse_markdown_v2, "markdown": _parse_markdown}.get(
                parse_mode.lower()
            )
            if parser is None:
                raise _bad("unsupported parse_mode")
            try:
                text, entities = parser(text)
            except _EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        else:
            entities = []
        text, entities = _trim(text, entities)
        if not text:
            raise _bad("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        if self.detect_entities:
            entities = entities + _detect_entities(text, entities)
        return text, _sort_entities(entities)

    @staticmethod
    def _check_inline_keyboard(markup: Any) -> dict[str, Any]:
        if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
            raise _bad("can't parse inline keyboard markup JSON object")
        rows = markup["inline_keyboard"]
        for row in rows:
            if not isinstance(row, list):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad("can't parse inline keyboard button: Can't find field \"text\"")
                actions = [a for a in _INLINE_BUTTON_ACTIONS if a in button]
                if not actions:
                    raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).strip():
                    raise _bad("BUTTON_URL_INVALID")
        return copy.deepcopy(markup)

    def _check_reply_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return self._check_inline_keyboard(markup)
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for button in row:
                    if isinstance(button, str):
                        continue
                    if not isinstance(button, dict) or not button.get("text"):
                        raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
            return copy.deepcopy(markup)
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return copy.deepcopy(markup)
        raise _bad("can't parse reply keyboard markup JSON object")

    def _message_ref(self, params: dict[str, Any]) -> tuple[str, Any]:
        """("inline", id) or ("chat", (chat_id, message_id)) for edit methods."""
        inline_id = params.get("inline_message_id")
        if inline_id:
            return "inline", str(inline_id)
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad("message identifier is not specified")
        return "chat", (chat["id"], message_id)

    # ------------------------------------------------------------------ methods (lock held)

    def _m_get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        allowed = params.get("allowed_updates")
        for name, value in (("offset", offset), ("limit", limit), ("timeout", timeout)):
            if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)):
                raise _bad(f'parameter "{name}" must be a Number')
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise _bad("can't parse allowed updates")
            self._allowed_updates = [a for a in allowed if a in UPDATE_TYPES]
        if offset:
            offset = int(offset)
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            else:
                self._updates = self._updates[offset:]
        limit = min(max(int(limit or 100), 1), 100)
        timeout = max(float(timeout or 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + timeout
        connection = getattr(self._tls, "connection", None)
        while True:
            if self._poll_generation != generation:
                if _peer_closed(connection):  # abandoned (e.g. PTB cancelled it on shutdown): no conflict
                    raise _ClientGone
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            if self._updates or self._closing:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._cond.wait(min(remaining, 0.25))
            if _peer_closed(connection):
                raise _ClientGone

    def _m_set_webhook(self, params: dict[str, Any]) -> tuple[bool, str]:
        url = params.get("url")
        if url is None:
            raise _bad('parameter "url" is required')
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if not url:
            was_set = bool(self._webhook.get("url"))
            self._webhook = {}
            return True, "Webhook was deleted" if was_set else "Webhook is already deleted"
        if not str(url).lower().startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [a for a in allowed if a in UPDATE_TYPES]
        self._webhook = {
            "url": url,
            "has_custom_certificate": isinstance(params.get("certificate"), UploadedFile),
            "max_connections": params.get("max_connections", 40),
        }
        if params.get("ip_address"):
            self._webhook["ip_address"] = params["ip_address"]
        if params.get("secret_token"):
            self._webhook["secret_token"] = params["secret_token"]
        self._cond.notify_all()
        return True, "Webhook was set"

    def _m_delete_webhook(self, params: dict[str, Any]) -> tuple[bool, str]:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        was_set = bool(self._webhook.get("url"))
        self._webhook = {}
        return True, "Webhook was deleted" if was_set else "Webhook is already deleted"

    def _m_get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": self._webhook.get("has_custom_certificate", False),
            "pending_update_count": len(self._updates),
        }
        if self._webhook.get("url"):
            info["max_connections"] = self._webhook["max_connections"]
            if "ip_address" in self._webhook:
                info["ip_address"] = self._webhook["ip_address"]
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None:
            if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
                raise _bad("can't parse BotCommandScope JSON object")
            if scope["type"].startswith("chat") and "chat_id" not in scope:
                raise _bad("chat_id is empty")
            if scope["type"] == "chat_member" and "user_id" not in scope:
                raise _bad("user_id is empty")
        language_code = params.get("language_code") or ""
        if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
            raise _bad("invalid language_code specified")
        return self._scope_key(scope), language_code

    def _m_set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if commands is None:
            raise _bad('parameter "commands" is required')
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        stored = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise _bad("can't parse BotCommand JSON object")
            name = str(cmd.get("command", "")).lstrip("/")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(cmd.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise _bad("command description must be non-empty")
            stored.append({"command": name, "description": description})
        self._commands[self._commands_key(params)] = stored
        return True

    def _m_get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _m_delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _set_description(self, kind: str, params: dict[str, Any], limit: int) -> bool:
        value = params.get(kind) or ""
        if len(str(value)) > limit:
            raise _bad(f"{kind.replace('_', ' ')} is too long")
        language_code = params.get("language_code") or ""
        if value:
            self._descriptions[(kind, language_code)] = str(value)
        else:
            self._descriptions.pop((kind, language_code), None)
        return True

    def _get_description(self, kind: str, params: dict[str, Any]) -> str:
        return self._descriptions.get((kind, params.get("language_code") or ""), "")

    def _m_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        text, entities = self._formatted_text(params)
        markup = self._check_reply_markup(params.get("reply_markup"))
        message: dict[str, Any] = {
            "message_id": 0,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        reply_to = self._reply_target(params, chat["id"])
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message["text"] = text
        if entities:
            message["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict) and params["link_preview_options"]:
            message["link_preview_options"] = copy.deepcopy(params["link_preview_options"])
        if markup is not None:
            if "inline_keyboard" in markup:
                message["reply_markup"] = markup
            elif "keyboard" in markup:
                self._keyboards[chat["id"]] = markup
            elif markup.get("remove_keyboard"):
                self._keyboards[chat["id"]] = None
        message["message_id"] = self._new_message_id(chat["id"])
        self._messages[(chat["id"], message["message_id"])] = message
        self._sent.append(copy.deepcopy(message))
        return copy.deepcopy(message)

    def _reply_target(self, params: dict[str, Any], chat_id: int) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        message_id = params.get("reply_to_message_id")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat_id):
                return None
        if message_id is None:
            return None
        original = self._messages.get((chat_id, message_id))
        if original is None:
            if allow_missing:
                return None
            raise _bad("message to be replied not found")
        return _without_reply(original)

    def _m_edit_message_text(self, params: dict[str, Any]) -> Any:
        kind, ref = self._message_ref(params)
        text, entities = self._formatted_text(params)
        markup = params.get("reply_markup")
        markup = self._check_inline_keyboard(markup) if markup is not None else None
        return self._apply_edit(kind, ref, {"text": text, "entities": entities, "reply_markup": markup})

    def _m_edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        kind, ref = self._message_ref(params)
        markup = params.get("reply_markup")
        markup = self._check_inline_keyboard(markup) if markup is not None else None
        if markup is not None and not markup["inline_keyboard"]:
            markup = None
        return self._apply_edit(kind, ref, {"reply_markup": markup})

    def _apply_edit(self, kind: str, ref: Any, changes: dict[str, Any]) -> Any:
        if kind == "inline":
            stored = self._inline_messages.get(ref)
            if stored is None:
                raise _bad("message to edit not found")
        else:
            stored = self._messages.get(ref)
            if stored is None:
                raise _bad("message to edit not found")
            if stored.get("from", {}).get("id") != self.bot_id:
                raise _bad("message can't be edited")
            if "text" in changes and "text" not in stored:
                raise _bad("there is no text in the message to edit")
        current = {
            "text": stored.get("text"),
            "entities": stored.get("entities", []),
            "reply_markup": stored.get("reply_markup"),
        }
        new = {**current, **changes}
        if new == current:
            raise _bad(_NOT_MODIFIED)
        for key, value in new.items():
            if value in (None, []):
                stored.pop(key, None)
            else:
                stored[key] = copy.deepcopy(value)
        if kind == "inline":
            return True
        stored["edit_date"] = int(time.time())
        return copy.deepcopy(stored)

    def _m_delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if (chat["id"], message_id) not in self._messages:
            raise _bad("message to delete not found")
        del self._messages[(chat["id"], message_id)]
        return True

    def _m_answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(self._require(params, "callback_query_id", _QUERY_INVALID))
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        if self._callback_queries.get(query_id, True):
            raise _bad(_QUERY_INVALID)
        self._callback_queries[query_id] = True
        return True

    def _m_answer_inline_query(self, params: dict[str, Any]) -> bool:
        query_id = str(self._require(params, "inline_query_id", _QUERY_INVALID))
        results = params.get("results")
        if results is None:
            raise _bad('parameter "results" is required')
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not isinstance(result.get("type"), str):
                raise _bad("can't parse InlineQueryResult JSON object")
            result_id = result.get("id")
            if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise _bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            if result["type"] == "article" and (
                not result.get("title") or not isinstance(result.get("input_message_content"), dict)
            ):
                raise _bad("RESULT_TYPE_INVALID" if not result.get("title") else "can't parse input message content")
            if result.get("reply_markup") is not None:
                self._check_inline_keyboard(result["reply_markup"])
        info = self._inline_queries.get(query_id)
        if info is None or info["answered"]:
            raise _bad(_QUERY_INVALID)
        info["answered"] = True
        info["results"] = copy.deepcopy(results)
        return True

    def _m_send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        action = params.get("action")
        if not action:
            raise _bad('parameter "action" is required')
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True


    # Copies, deletions in bulk and photos: what a case desk and alerts use.

    def _m_copy_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """A copy of any message (text or media) without a link to the original; ``caption`` replaces the
        caption, ``reply_markup`` the keyboard. The result is only the new MessageId, as on Telegram."""
        chat = self._target_chat(params)
        from_chat, message_id = params.get("from_chat_id"), params.get("message_id")
        original = self._messages.get((from_chat, message_id))
        if original is None:
            raise _bad("message to copy not found")
        skip = {"message_id", "from", "chat", "date", "reply_to_message", "reply_markup", "edit_date",
                "forward_origin", "sender_chat"}
        message: dict[str, Any] = {"message_id": 0, "from": self.bot_user, "chat": chat, "date": int(time.time())}
        message.update({k: copy.deepcopy(v) for k, v in original.items() if k not in skip})
        if params.get("caption") is not None:
            if "text" in message:
                raise _bad("message text can't be replaced")
            text, entities = self._formatted_text(params, "caption", "caption_entities")
            message["caption"] = text
            message.pop("caption_entities", None)
            if entities:
                message["caption_entities"] = entities
        markup = self._check_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        reply_to = self._reply_target(params, chat["id"])
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message["message_id"] = self._new_message_id(chat["id"])
        self._messages[(chat["id"], message["message_id"])] = message
        return {"message_id": message["message_id"]}

    def _m_delete_messages(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a list of 1-100 message identifiers")
        for message_id in ids:  # as on Telegram: messages that cannot be found are skipped
            self._messages.pop((chat["id"], message_id), None)
        return True

    def _m_send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        photo = params.get("photo")
        if isinstance(photo, UploadedFile):
            if not photo.data:
                raise _bad("file must be non-empty")
            size = photo.size
        elif isinstance(photo, str) and photo:
            size = 0
        else:
            raise _bad("there is no photo in the request")
        fid, uid = self._file_ids("photo")
        message: dict[str, Any] = {"message_id": 0, "from": self.bot_user, "chat": chat, "date": int(time.time()),
                                   "photo": [{"file_id": fid, "file_unique_id": uid, "width": 640, "height": 480,
                                              "file_size": size}]}
        if params.get("caption"):
            message["caption"], entities = self._formatted_text(params, "caption", "caption_entities")
            if entities:
                message["caption_entities"] = entities
        message["message_id"] = self._new_message_id(chat["id"])
        self._messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(message)
    result.pop("reply_to_message", None)
    return result
