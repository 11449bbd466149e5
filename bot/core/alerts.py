"""Opt-in alerts: the words and buttons of subscribing, and of an admin sending an alert.

A person subscribes with one tap (all alerts in their language) and may narrow them to one destination country;
every alert carries an unsubscribe button. Subscribing keeps the chat id, because nothing can be sent without it,
and the consent text says so. An admin writes ``/broadcast``; their next message is the alert, which they see as
subscribers will, with how many it reaches and a first button that sends it. Delivery itself (pace, restarts,
blocked users) is the Telegram adapter's job (``channels/telegram/alerts.py``); counting the audience is the
store's.

Actions: ``al`` (the alerts screen), ``al:on`` (subscribe to all), ``al:off`` (unsubscribe), ``al:pick`` (choose a
country), ``al:c:<country>`` or ``al:c:all``; for admins ``bc:go|x:<id>`` (send, cancel), ``bc:l:<id>:<lang|all>``
and ``bc:c:<id>:<country|all>`` (who it is for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import LANGUAGES
from bot.content import Content
from bot.core.dialogue import LANGUAGE_NAMES, flag
from bot.core.reply import Button, Reply
from bot.i18n import gettext_for

SCREEN, ON, OFF, PICK = "al", "al:on", "al:off", "al:pick"
ALL = "all"
_COUNTRY = re.compile(r"^al:c:([a-z]{2}|all)$")
_ADMIN = re.compile(r"^bc:(go|x|l|c):(\d{1,12})(?::([a-z]{2,3}))?$")


@dataclass(frozen=True)
class AdminAction:
    verb: str            # go | x | l | c
    broadcast_id: int
    value: str | None    # a language or country id, or "all"


def parse_country(action: str, content: Content) -> str | None:
    """``al:c:<country>``: the country id, ``all``, or None when the action is not a valid choice."""
    m = _COUNTRY.match(action or "")
    if not m or (m.group(1) != ALL and content.country(m.group(1)) is None):
        return None
    return m.group(1)


def parse_admin(action: str) -> AdminAction | None:
    m = _ADMIN.match(action or "")
    if not m:
        return None
    verb, value = m.group(1), m.group(3)
    if (verb in ("l", "c")) != (value is not None):
        return None
    return AdminAction(verb, int(m.group(2)), value)


def unsubscribe_button(lang: str) -> Button:
    """Under every alert."""
    _ = gettext_for(lang)
    return Button("🔕 " + _("Unsubscribe from alerts"), OFF)


class Alerts:
    def __init__(self, content: Content):
        self.content = content

    def _country_name(self, country: str | None, lang: str) -> str:
        _ = gettext_for(lang)
        found = self.content.country(country) if country else None
        return f"{flag(found.id)} {found.name[lang]}" if found else _("every country")

    # -- the person's side --------------------------------------------------------------------------------------

    def screen(self, lang: str, subscription=None, done: bool = False) -> Reply:
        """``/alerts``: an offer to subscribe (with what is kept), or what the person receives now."""
        _ = gettext_for(lang)
        back = [Button("⬅️ " + _("Menu"), "menu")]
        if subscription is None:
            text = "\n\n".join([
                _("Alerts: short news when something important changes for migrants, such as new rules or a scam "
                  "going around. No advertising."),
                _("To send them, the bot keeps the id of this chat (the number Telegram uses to deliver messages, "
                  "not your phone number) and your language, until you unsubscribe. /forget erases them."),
            ])
            return Reply(text, lang, "alerts", buttons=[
                [Button("🔔 " + _("Subscribe: all alerts in {language}").format(language=LANGUAGE_NAMES[lang]), ON)],
                [Button("🌍 " + _("Only alerts about one country"), PICK)],
                back])
        text = _("You receive alerts in {language} about {country}.").format(
            language=LANGUAGE_NAMES.get(subscription.lang, subscription.lang),
            country=self._country_name(subscription.country, lang))
        if done:
            text = _("Done, you are subscribed.") + " " + text
        text += "\n\n" + _("Every alert has a button to unsubscribe.")
        return Reply(text, lang, "alerts_on", buttons=[
            [Button("🌍 " + _("Choose a country"), PICK)],
            [unsubscribe_button(lang)],
            back])

    def pick_country(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        rows = [[Button(f"{flag(c.id)} {c.name[lang]}", f"al:c:{c.id}")] for c in self.content.countries]
        rows.append([Button("🌍 " + _("Every country"), "al:c:all")])
        text = _("Alerts about which country? You also get the alerts meant for everyone.")
        return Reply(text, lang, "alerts_pick", buttons=rows)

    def unsubscribed(self, lang: str, was: bool = True) -> Reply:
        _ = gettext_for(lang)
        text = _("You are unsubscribed. The bot no longer keeps this chat's id for alerts.") if was else _(
            "You are not subscribed to alerts.")
        return Reply(text, lang, "alerts_off", buttons=[[Button("🔔 " + _("Subscribe again"), ON)],
                                                        [Button("⬅️ " + _("Menu"), "menu")]])

    # -- the admin's side (in the admin's language) ---------------------------------------------------------------

    def ask(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("Send the alert now, as subscribers should see it: a text, or a photo, video or file with a "
                 "caption. /cancel stops.")

    def preview(self, lang: str, broadcast_id: int, target_lang: str | None, country: str | None,
                count: int) -> Reply:
        """Under the copy of the alert: who it is for, how many it reaches, and the send button first."""
        _ = gettext_for(lang)
        text = _("Above: the alert as subscribers will see it.") + "\n" + _(
            "Language: {language}. Country: {country}.").format(
            language=LANGUAGE_NAMES[target_lang] if target_lang else _("all languages"),
            country=self._country_name(country, lang)) + "\n" + _(
            "It will reach {count} subscriber(s).").format(count=count)
        if count == 0:
            text += "\n" + _("Nobody to send it to: choose another language or country.")
        rows: list[list[Button]] = []
        if count:
            rows.append([Button("📣 " + _("Send to {count}").format(count=count), f"bc:go:{broadcast_id}")])
        mark = "✓ "
        rows.append([Button((mark if target_lang == lg else "") + LANGUAGE_NAMES[lg], f"bc:l:{broadcast_id}:{lg}")
                     for lg in LANGUAGES] + [Button((mark if target_lang is None else "") + _("All"),
                                                    f"bc:l:{broadcast_id}:all")])
        countries = [Button((mark if country == c.id else "") + flag(c.id), f"bc:c:{broadcast_id}:{c.id}")
                     for c in self.content.countries]
        countries.append(Button((mark if country is None else "") + "🌍", f"bc:c:{broadcast_id}:all"))
        rows.extend(countries[i:i + 4] for i in range(0, len(countries), 4))
        rows.append([Button("✖️ " + _("Cancel"), f"bc:x:{broadcast_id}")])
        return Reply(text, lang, "broadcast_preview", buttons=rows)

    def progress(self, lang: str, broadcast_id: int, total: int, sent: int, failed: int, unsubscribed: int) -> str:
        _ = gettext_for(lang)
        return _("Alert {number}: sending, {done} of {total}. Sent {sent}, failed {failed}, unsubscribed "
                 "{unsubscribed}.").format(number=broadcast_id, done=sent + failed + unsubscribed, total=total,
                                           sent=sent, failed=failed, unsubscribed=unsubscribed)

    def report(self, lang: str, broadcast_id: int, sent: int, failed: int, unsubscribed: int) -> str:
        _ = gettext_for(lang)
        return _("Alert {number} is finished. Sent: {sent}. Failed: {failed}. Unsubscribed (they had blocked the "
                 "bot): {unsubscribed}.").format(number=broadcast_id, sent=sent, failed=failed,
                                                 unsubscribed=unsubscribed)

    def cancelled(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("Cancelled. Nothing was sent.")

    def not_a_draft(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("This alert was already sent or cancelled.")
