"""Talking to a person: what the bot says around a conversation with a caseworker.

An NGO that deploys the bot can name a Telegram group of its caseworkers; a person who asks for a human (``/human``,
the menu, the emergency card) is told first what happens, and only after agreeing is connected. From then on their
messages are copied into the group under a case number and their language, never their name, username or id, and a
caseworker answers by replying. This module holds only the words and buttons of that exchange, for both sides; the
Telegram adapter (``channels/telegram/cases.py``) moves the messages and the store keeps the case-to-chat mapping.

Button actions: ``human`` (the consent screen), ``cs:yes`` (agree), ``cs:name`` (show my Telegram name to the
caseworkers), ``cs:end`` (close the conversation).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.content import Content
from bot.core.dialogue import LANGUAGE_NAMES, flag
from bot.core.reply import Button, Reply
from bot.i18n import gettext_for

HUMAN = "human"
YES = "cs:yes"
NAME = "cs:name"
END = "cs:end"
ACTIONS = (HUMAN, YES, NAME, END)

#: Why a case ended, as both sides are told.
BY_PERSON, BY_CASEWORKER, EXPIRED, FORGOTTEN = "person", "caseworker", "expired", "forgotten"


def tag(case_no: int, lang: str, emergency: bool = False) -> str:
    """How a case is shown to the caseworkers: its number and the person's language, nothing else."""
    return f"#{case_no} · {LANGUAGE_NAMES.get(lang, lang)}" + (" 🚨" if emergency else "")


def age(seconds: float, lang: str) -> str:
    """A short duration for the caseworkers' list: minutes, hours or days."""
    _ = gettext_for(lang)
    minutes = max(int(seconds // 60), 0)
    if minutes < 120:
        return _("{n} min").format(n=minutes)
    if minutes < 48 * 60:
        return _("{n} h").format(n=minutes // 60)
    return _("{n} d").format(n=minutes // (24 * 60))


def days_text(days: float) -> str:
    """CASE_RETENTION_DAYS as people read it (30, not 30.0; a fraction stays a fraction)."""
    return f"{days:g}"


class CaseDesk:
    """The words of the case desk; stateless, like the dialogue."""

    def __init__(self, content: Content):
        self.content = content

    # -- the person's side --------------------------------------------------------------------------------------

    def consent(self, lang: str) -> Reply:
        """What happens, before anything happens: the agreeing button first."""
        _ = gettext_for(lang)
        text = "\n\n".join([
            _("A caseworker, a real person from an organisation that helps migrants, will read your messages and "
              "answer you here."),
            "\n".join([
                "• " + _("They do not see your name or username, unless you choose to show them."),
                "• " + _("Your messages are kept only while the conversation is open, then deleted."),
                "• " + _("/end stops the conversation; /forget stops it and erases everything the bot keeps "
                         "about you."),
            ]),
            _("If you are in danger right now, call the emergency number first."),
        ])
        return Reply(text, lang, "case_consent", buttons=[
            [Button("✅ " + _("Yes, connect me"), YES)],
            [Button("⬅️ " + _("Menu"), "menu")],
        ])

    def opened(self, lang: str, case_no: int, again: bool = False) -> Reply:
        _ = gettext_for(lang)
        if again:
            text = _("You are already connected to the caseworkers (case {number}). Write your message here.")
        else:
            text = _("You are connected (case {number}). Write your message here: text, a photo or a voice "
                     "message. A caseworker will answer in this chat; it may take some time.")
        text = text.format(number=case_no) + "\n\n" + _("/end stops the conversation.")
        return Reply(text, lang, "case_open", buttons=self._case_buttons(lang))

    def delivered(self, lang: str) -> Reply:
        """The first message of a wait reached the caseworkers (later ones are not acknowledged one by one)."""
        _ = gettext_for(lang)
        text = _("Sent to the caseworkers. A person will answer here. If you are in danger, call the emergency "
                 "number now.")
        return Reply(text, lang, "case_delivered")

    def name_shared(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return Reply(_("Your Telegram name was shown to the caseworkers."), lang, "case_name",
                     buttons=[[Button("✖️ " + _("End the conversation"), END)]])

    def ended(self, lang: str, why: str, retention_days: float = 0) -> Reply:
        _ = gettext_for(lang)
        if why == BY_CASEWORKER:
            text = _("The caseworker closed the conversation, and it is deleted.")
        elif why == EXPIRED:
            text = _("The conversation was closed after {days} days without messages, and deleted.").format(
                days=days_text(retention_days))
        else:
            text = _("The conversation is closed and deleted.")
        text += " " + _("To talk to a person again, write /human.")
        return Reply(text, lang, "case_closed", buttons=[[Button("⬅️ " + _("Menu"), "menu")]])

    def no_case(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return Reply(_("You have no open conversation with a caseworker. /human starts one."), lang, "case_none",
                     buttons=[[Button("⬅️ " + _("Menu"), "menu")]])

    def private_only(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return Reply(_("To talk to a caseworker, write to me in a private chat."), lang, "case_private")

    def reminder(self, lang: str) -> Reply:
        """No caseworker has answered in time: the hotlines, so nobody waits alone."""
        _ = gettext_for(lang)
        lines = [f"{flag(c.id)} {ln.number} — {ln.name[lang]}" for c in self.content.countries for ln in c.lines
                 if ln.kind == "hotline"]
        text = _("No caseworker has answered yet; they may be busy. Your conversation stays open and they will "
                 "answer here. If it is urgent, call a hotline:")
        text += "\n\n" + "\n".join(lines) + "\n\n" + _("In danger, call the emergency number of the country you "
                                                         "are in.")
        return Reply(text, lang, "case_reminder", buttons=[[Button("☎️ " + _("Hotlines"), "h")],
                                                           [Button("✖️ " + _("End the conversation"), END)]])

    def answer_header(self, lang: str) -> str:
        """Above a caseworker's answer in the person's chat."""
        _ = gettext_for(lang)
        return "💬 " + _("Caseworker:")

    def _case_buttons(self, lang: str) -> list[list[Button]]:
        _ = gettext_for(lang)
        return [[Button("👤 " + _("Show my name to the caseworker"), NAME)],
                [Button("✖️ " + _("End the conversation"), END)]]

    # -- the caseworkers' side (in OPERATORS_LANG) ----------------------------------------------------------------

    def new_case(self, lang: str, case_no: int, person_lang: str) -> str:
        _ = gettext_for(lang)
        return _("New case {case}. Reply to its messages to answer the person; they do not see who you are. "
                 "/cases lists open cases; /close {number} closes this one.").format(
            case=tag(case_no, person_lang), number=case_no)

    def closed(self, lang: str, case_no: int, why: str, retention_days: float = 0) -> str:
        _ = gettext_for(lang)
        if why == BY_PERSON:
            text = _("Case #{number}: the person ended the conversation.")
        elif why == FORGOTTEN:
            text = _("Case #{number}: the person erased their data (/forget).")
        elif why == EXPIRED:
            text = _("Case #{number}: no messages for {days} days.").format(number=case_no,
                                                                          days=days_text(retention_days))
        else:
            text = _("Case #{number} is closed.")
        return text.format(number=case_no) + " " + _("The case is deleted, and so are its messages here.")

    def undeleted(self, lang: str, case_no: int, count: int) -> str:
        _ = gettext_for(lang)
        return _("Case #{number}: {count} message(s) here could not be deleted (too old, or the bot is not an "
                 "admin). Please delete them by hand.").format(number=case_no, count=count)

    def name_note(self, lang: str, case_no: int, name: str) -> str:
        _ = gettext_for(lang)
        return _("Case #{number}: the person chose to show their Telegram name: {name}").format(number=case_no,
                                                                                           name=name)

    def cases_list(self, lang: str, cases: Iterable, now: float) -> str:
        """``cases``: open :class:`~bot.storage.Case` rows."""
        _ = gettext_for(lang)
        lines = []
        for case in cases:
            state = (_("waiting {age}").format(age=age(now - case.waiting_since, lang)) if case.waiting_since
                     else _("answered"))
            lines.append(f"{tag(case.case_no, case.lang)} · " + _("opened {age} ago").format(
                age=age(now - case.opened, lang)) + f" · {state}")
        if not lines:
            return _("No open cases.")
        return _("Open cases:") + "\n" + "\n".join(lines) + "\n\n" + _("/close N closes case N.")

    def not_a_case(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("To answer a person, reply to one of their messages. /cases lists open cases.")

    def gone(self, lang: str, case_no: int) -> str:
        _ = gettext_for(lang)
        return _("Case #{number} is not open; nothing was sent.").format(number=case_no)

    def close_usage(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("Write /close and the case number, for example /close 12.")

    def undelivered(self, lang: str, case_no: int) -> str:
        _ = gettext_for(lang)
        return _("Case #{number}: the answer could not be delivered; the person may have blocked the bot. The "
                 "case is closed.").format(number=case_no)
