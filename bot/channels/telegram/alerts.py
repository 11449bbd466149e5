"""Opt-in alerts, on Telegram: subscribing, an admin's ``/broadcast``, and delivery that survives a crash.

- ``/alerts``: subscribe (first button: all alerts in the person's language), narrow to one country, unsubscribe.
  Every alert carries an unsubscribe button.
- ``/broadcast`` (ADMIN_IDS only): the admin's next message, text or media, is the alert. The bot shows it as
  subscribers will see it, who it is for (language and country, detected and changeable), how many it reaches, and
  a first button that sends it. ``/cancel`` drops it.
- Delivery: pressing send writes one delivery row per subscriber in the same transaction as the alert's state, and
  each row is deleted (and counted) as soon as its message is sent. After a crash the rest is sent on restart; only
  the messages in flight at the moment of the crash can arrive twice, and at most one in a hundred subscribers'
  messages is ever in flight (at least one), so duplicates stay within 1%. Sending keeps BROADCAST_RATE (25 a second
  by default) on top of the bot's overall and per-chat limits (:mod:`.ratelimit`), leaving room for replies. A
  subscriber who blocked the bot (403) is unsubscribed. The admin sees the progress and a final report.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import handlers, render
from bot.channels.telegram.groups import text_for_bot
from bot.channels.telegram.ratelimit import Pacer
from bot.core import alerts as words
from bot.core.alerts import Alerts, parse_admin, parse_country, unsubscribe_button
from bot.core.dialogue import Dialogue
from bot.core.reply import Reply
from bot.settings import Settings
from bot.storage import Broadcast, Store

log = logging.getLogger(__name__)

GROUP = -3            # handler group: an admin's alert draft comes before everything else
MAX_IN_FLIGHT = 8     # sends at once, at most; fewer for small audiences (1 per 100 subscribers, at least 1)
PROGRESS_EVERY = 2.0  # seconds between progress edits
MAX_TRIES = 5         # attempts at one subscriber when Telegram cannot be reached


def unsubscribe_keyboard(lang: str) -> InlineKeyboardMarkup:
    button = unsubscribe_button(lang)
    return InlineKeyboardMarkup([[InlineKeyboardButton(button.label, callback_data=button.action)]])


def in_flight(total: int) -> int:
    """How many messages may be on their way at once: a crash can duplicate only these, so at most 1% of
    ``total`` (and at least one, or nothing would move)."""
    return max(1, min(MAX_IN_FLIGHT, total // 100))


class Broadcaster:
    """Sends the alerts that are being sent, one at a time, from the delivery rows in the store."""

    def __init__(self, store: Store, alerts: Alerts, rate: float):
        self.store = store
        self.alerts = alerts
        self.pacer = Pacer(rate, burst=1)
        self.wake = asyncio.Event()

    async def run(self, application: Application) -> None:
        """Forever: deliver every alert in the 'sending' state (those a crash interrupted first), then wait."""
        while True:
            for broadcast in self.store.broadcasts_sending():
                try:
                    await self.deliver(application.bot, broadcast)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - e.g. the disk is full: try again shortly
                    log.error("Alert %d: delivery interrupted (%s); trying again", broadcast.id, type(exc).__name__)
                    await asyncio.sleep(5)
                    self.wake.set()
            await self.wake.wait()
            self.wake.clear()

    async def deliver(self, bot: Bot, broadcast: Broadcast) -> None:
        left = self.store.deliveries_left(broadcast.id)
        total = broadcast.sent + broadcast.failed + broadcast.unsubscribed + left
        if left:
            log.info("Alert %d: %d of %d subscriber(s) left to reach", broadcast.id, left, total)
        started = time.monotonic()
        queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        last = None
        progress = asyncio.create_task(self._progress(bot, broadcast, total))
        try:
            while True:
                batch = self.store.deliveries_next(broadcast.id, 500, last)
                if not batch:
                    break
                last = batch[-1][0]
                for row in batch:
                    queue.put_nowait(row)
                workers = [asyncio.create_task(self._worker(bot, broadcast, queue))
                           for _ in range(in_flight(total))]
                await asyncio.gather(*workers)
        finally:
            progress.cancel()
        done = self.store.broadcast_finish(broadcast.id)
        if done is None:
            return
        seconds = time.monotonic() - started
        log.info("Alert %d finished: %d sent, %d failed, %d unsubscribed (%.1f s)", done.id, done.sent, done.failed,
                 done.unsubscribed, seconds)
        lang = self._admin_lang(done)
        await self._edit_status(bot, done, self.alerts.progress(lang, done.id, total, done.sent, done.failed,
                                                                done.unsubscribed))
        try:
            await bot.send_message(done.admin_chat, self.alerts.report(lang, done.id, done.sent, done.failed,
                                                                       done.unsubscribed))
        except TelegramError as exc:
            log.warning("Alert %d: could not send the report (%s)", done.id, type(exc).__name__)

    async def _worker(self, bot: Bot, broadcast: Broadcast, queue: asyncio.Queue[tuple[int, str]]) -> None:
        while not queue.empty():
            chat_id, lang = queue.get_nowait()
            outcome = await self._send_one(bot, broadcast, chat_id, lang)
            self.store.delivery_done(broadcast.id, chat_id, outcome)

    async def _send_one(self, bot: Bot, broadcast: Broadcast, chat_id: int, lang: str) -> str:
        for attempt in range(1, MAX_TRIES + 1):
            await self.pacer.wait("broadcast")
            try:
                await bot.copy_message(chat_id, broadcast.admin_chat, broadcast.message_id,
                                       reply_markup=unsubscribe_keyboard(lang))
                return "sent"
            except Forbidden:
                return "unsubscribed"  # blocked the bot, or deleted their account
            except BadRequest as exc:
                log.info("Alert %d: a message was refused (%s)", broadcast.id, exc.message[:80])
                return "failed"
            except RetryAfter as exc:  # still 429 after the rate limiter's own retries
                wait = exc.retry_after
                await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait))
            except NetworkError as exc:
                log.info("Alert %d: Telegram not reachable (%s), attempt %d", broadcast.id, type(exc).__name__,
                         attempt)
                await asyncio.sleep(min(2.0 ** attempt, 30.0))
        return "failed"

    async def _progress(self, bot: Bot, broadcast: Broadcast, total: int) -> None:
        lang = self._admin_lang(broadcast)
        shown = None
        while True:
            await asyncio.sleep(PROGRESS_EVERY)
            now = self.store.broadcast_get(broadcast.id)
            if now is None:
                return
            text = self.alerts.progress(lang, now.id, total, now.sent, now.failed, now.unsubscribed)
            if text != shown:
                await self._edit_status(bot, now, text)
                shown = text

    async def _edit_status(self, bot: Bot, broadcast: Broadcast, text: str) -> None:
        if broadcast.status_message is None:
            return
        try:
            await bot.edit_message_text(text, broadcast.admin_chat, broadcast.status_message)
        except TelegramError as exc:
            log.debug("Alert %d: progress not shown (%s)", broadcast.id, type(exc).__name__)

    def _admin_lang(self, broadcast: Broadcast) -> str:
        return self.store.get_lang(broadcast.admin_chat) or "en"


class AlertsBot:
    def __init__(self, settings: Settings, dialogue: Dialogue, store: Store):
        self.admins = settings.admin_ids
        self.dialogue = dialogue
        self.store = store
        self.alerts = Alerts(dialogue.content)
        self.broadcaster = Broadcaster(store, self.alerts, settings.broadcast_rate)

    # -- the person's side --------------------------------------------------------------------------------------

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        lang = handlers.user_lang(update, context)
        await handlers.send(update, self.alerts.screen(lang, self.store.subscription(update.effective_user.id)))
        raise ApplicationHandlerStop

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        data = query.data or ""
        user = query.from_user
        lang = handlers.user_lang(update, context)
        message = query.message
        if message is None or message.chat.type != ChatType.PRIVATE:
            await handlers.show(update, context, self.dialogue.stale(lang))
            raise ApplicationHandlerStop
        if data == words.OFF:
            await self._unsubscribe(update, context, lang)
            raise ApplicationHandlerStop
        reply: Reply
        if data == words.SCREEN:
            reply = self.alerts.screen(lang, self.store.subscription(user.id))
        elif data == words.ON:
            self.store.subscribe(user.id, message.chat.id, lang)
            reply = self.alerts.screen(lang, self.store.subscription(user.id), done=True)
        elif data == words.PICK:
            reply = self.alerts.pick_country(lang)
        elif (country := parse_country(data, self.dialogue.content)) is not None:
            self.store.subscribe(user.id, message.chat.id, lang, None if country == words.ALL else country)
            reply = self.alerts.screen(lang, self.store.subscription(user.id), done=True)
        else:
            reply = self.dialogue.stale(lang)
        await handlers.show(update, context, reply)
        raise ApplicationHandlerStop

    async def _unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
        """From the /alerts screen or from under an alert (a copy, perhaps a photo: its text is left alone, only
        its button goes); the answer comes as a new message."""
        query = update.callback_query
        was = self.store.unsubscribe(query.from_user.id)
        try:
            await query.answer()
            await query.edit_message_reply_markup(None)
        except TelegramError as exc:
            log.debug("Unsubscribe: the old button stays (%s)", type(exc).__name__)
        reply = self.alerts.unsubscribed(lang, was)
        await context.bot.send_message(query.message.chat.id, render.text(reply), reply_markup=render.keyboard(reply))

    # -- the admin's side ---------------------------------------------------------------------------------------

    def _is_admin(self, update: Update) -> bool:
        user, chat = update.effective_user, update.effective_chat
        return user is not None and user.id in self.admins and chat is not None and chat.type == ChatType.PRIVATE

    async def broadcast(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Admins only; to anyone else it looks like any unknown command (the general handler answers)."""
        if not self._is_admin(update):
            return
        self.store.broadcast_begin(update.effective_chat.id)
        await update.effective_message.reply_text(self.alerts.ask(handlers.user_lang(update, context)),
                                                  do_quote=False)
        raise ApplicationHandlerStop

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._is_admin(update):
            return
        pending = self.store.broadcast_awaiting(update.effective_chat.id)
        if pending is None:
            return
        self.store.broadcast_cancel(pending)
        await update.effective_message.reply_text(self.alerts.cancelled(handlers.user_lang(update, context)),
                                                  do_quote=False)
        raise ApplicationHandlerStop

    async def draft(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The admin's message after /broadcast is the alert: show it as subscribers will see it, and the choice."""
        if not self._is_admin(update):
            return
        chat_id = update.effective_chat.id
        broadcast_id = self.store.broadcast_awaiting(chat_id)
        if broadcast_id is None:
            return
        message = update.effective_message
        text = text_for_bot(message)
        target = self.dialogue.respond(text, None).lang if text.strip() else None
        self.store.broadcast_draft(broadcast_id, message.message_id, target)
        lang = handlers.user_lang(update, context)
        await context.bot.copy_message(chat_id, chat_id, message.message_id,
                                       reply_markup=unsubscribe_keyboard(target or lang))
        reply = self.alerts.preview(lang, broadcast_id, target, None, self.store.audience(target, None))
        sent = await context.bot.send_message(chat_id, render.text(reply), reply_markup=render.keyboard(reply))
        self.store.broadcast_status_message(broadcast_id, sent.message_id)
        log.info("Alert %d drafted", broadcast_id)
        raise ApplicationHandlerStop

    async def admin_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        lang = handlers.user_lang(update, context)
        action = parse_admin(query.data or "")
        broadcast = self.store.broadcast_get(action.broadcast_id) if action else None
        if not self._is_admin(update) or broadcast is None or broadcast.admin_chat != update.effective_chat.id:
            await handlers.show(update, context, self.dialogue.stale(lang))
            raise ApplicationHandlerStop
        if broadcast.state != "draft":
            await query.answer(self.alerts.not_a_draft(lang))
            raise ApplicationHandlerStop
        if action.verb == "x":
            self.store.broadcast_cancel(broadcast.id)
            await handlers.show(update, context, Reply(self.alerts.cancelled(lang), lang, "broadcast_cancelled"))
        elif action.verb == "go":
            count = self.store.broadcast_start(broadcast.id)
            if count is None:
                await query.answer(self.alerts.not_a_draft(lang))
                raise ApplicationHandlerStop
            log.info("Alert %d: sending to %d subscriber(s)", broadcast.id, count)
            await handlers.show(update, context, Reply(self.alerts.progress(lang, broadcast.id, count, 0, 0, 0),
                                                       lang, "broadcast_progress"))
            self.broadcaster.wake.set()
        else:
            target_lang, country = broadcast.lang, broadcast.country
            value = None if action.value == words.ALL else action.value
            if action.verb == "l" and (value is None or value in ("tg", "ru", "en")):
                target_lang = value
            elif action.verb == "c" and (value is None or self.dialogue.content.country(value)):
                country = value
            self.store.broadcast_target(broadcast.id, target_lang, country)
            await handlers.show(update, context, self.alerts.preview(
                lang, broadcast.id, target_lang, country, self.store.audience(target_lang, country)))
        raise ApplicationHandlerStop


def register(application: Application, settings: Settings, dialogue: Dialogue, store: Store) -> None:
    bot = AlertsBot(settings, dialogue, store)
    private = filters.ChatType.PRIVATE
    for handler in (
        CommandHandler("alerts", bot.command, filters=private),
        CommandHandler("broadcast", bot.broadcast, filters=private),
        CommandHandler("cancel", bot.cancel, filters=private),
        CallbackQueryHandler(bot.button, pattern=r"^al(:|$)"),
        CallbackQueryHandler(bot.admin_button, pattern=r"^bc:"),
        MessageHandler(filters.UpdateType.MESSAGE & private & ~filters.COMMAND & filters.User(settings.admin_ids),
                       bot.draft),
    ):
        application.add_handler(handler, group=GROUP)
    application.bot_data.setdefault("background", []).append(bot.broadcaster.run)
