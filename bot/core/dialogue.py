"""The dialogue core: turns a message or a button press into a reply, in the user's language.

It knows nothing of Telegram or terminals: adapters hand it text (or a button's action string) and a language, and
render the :class:`~bot.core.reply.Reply` it returns. Button actions are short strings (Telegram allows 64 bytes of
callback data) and are validated here, because clients can forge them and old messages keep old buttons.
"""

from __future__ import annotations

import re
from functools import partial

from bot import LANGUAGES
from bot.content import Content, Line, Topic, cited_sources
from bot.core.advert_reply import AdvertScreens
from bot.core.offer_check import START_ACTION as CHECK_ACTION
from bot.core.offer_check import OfferCheck
from bot.core.reply import Button, Reply
from bot.core.understanding import EMERGENCY, Understander, Understanding
from bot.i18n import gettext_for

LANGUAGE_NAMES = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}
_ACTION_RE = re.compile(r"^[a-z]{1,6}(:[a-z0-9_]{1,40})?$")


def source_names(content: Content, source_ids: tuple[str, ...], lang: str) -> list[str]:
    """Sources as users see them: the report's short name, or "general safety advice" for ``general``."""
    _ = gettext_for(lang)
    return [_("general safety advice") if s == "general" else str(content.sources.get(s, {}).get("short") or s)
            for s in source_ids]


def flag(country_id: str) -> str:
    """The flag emoji for a two-letter country id (regional indicator letters)."""
    if len(country_id) != 2 or not country_id.isalpha():
        return "☎️"
    return "".join(chr(0x1F1E6 + ord(ch) - ord("a")) for ch in country_id.lower())


class Dialogue:
    """Stateless: everything it needs to answer comes in with the call (text or action, and the language)."""

    #: Topics whose cards also offer the job-offer check: people asking about them often hold an offer now.
    OFFER_TOPICS = ("red_flags", "check_agency", "contract", "sexual_exploitation", "debt_bondage")

    def __init__(self, content: Content):
        self.content = content
        self.understander = Understander(content)
        self.offer = OfferCheck(content.offer_check) if content.offer_check is not None else None
        self.adverts = None if content.adverts is None else AdvertScreens(
            content.adverts, content.topics, partial(source_names, content), self.offer.title if self.offer else None)

    # -- entry points -------------------------------------------------------------------------------------------

    def respond(self, text: str, lang: str | None = None, forwarded: bool = False) -> Reply:
        """Answer free text. ``lang`` is the user's chosen language, used when the message's own is unclear.
        A job advert (pasted, or ``forwarded`` from a channel or chat) is scanned instead of matched to a topic."""
        scan = self.scan_reply(text, lang, forwarded)
        if scan is not None:
            return scan
        u = self.understander.understand(text, lang)
        return self.reply_for(u)

    def scan_reply(self, text: str, lang: str | None = None, forwarded: bool = False) -> Reply | None:
        """The advert scan, or None when the text does not read as a job advert. The reply is in the user's
        language; an advert in another language is still quoted as written."""
        if self.adverts is None:
            return None
        scan = self.adverts.scanner.scan(text, forwarded)
        if not scan.advert:
            return None
        return self.adverts.reply(scan, lang if lang in LANGUAGES else self.understander.understand(text).lang)

    def reply_for(self, u: Understanding) -> Reply:
        if u.kind == "emergency":
            return self.emergency(u.lang)
        if u.kind == "topic" and u.topic:
            return self.topic(u.topic, u.lang)
        if u.kind == "unsure":
            return self.unsure(u.lang, u.candidates)
        if u.kind == "intent" and u.intent in ("greeting", "thanks"):
            return self.greeting(u.lang, thanks=u.intent == "thanks")
        if u.kind == "empty":
            _ = gettext_for(u.lang)
            return self._plain(u.lang, "empty", _(
                "I can read text only. Please write your question in words, or choose a topic."))
        return self.out_of_scope(u.lang)

    def act(self, action: str, lang: str) -> Reply:
        """Answer a button press. Unknown, forged or outdated actions get a friendly explanation and the menu."""
        lang = lang if lang in LANGUAGES else "tg"
        if not isinstance(action, str) or not _ACTION_RE.match(action):
            return self.stale(lang)
        if self.offer is not None and self.offer.handles(action):
            return self.offer.act(action, lang, self.content.topics) or self.stale(lang)
        if self.adverts is not None and self.adverts.handles(action):
            return self.adverts.prompt(lang)
        verb, _, arg = action.partition(":")
        if verb == "menu" and not arg:
            return self.menu(lang)
        if verb == "t" and arg in self.content.topics:
            return self.topic(arg, lang)
        if verb == "m" and arg in self.content.topics:
            return self.topic(arg, lang, more=True)
        if verb == "s" and any(s.id == arg for s in self.content.menu.sections):
            return self.section(arg, lang)
        if verb == "h" and not arg:
            return self.hotlines(lang)
        if verb == "h" and self.content.country(arg):
            return self.hotlines(lang, arg)
        if verb == "l" and arg in LANGUAGES:
            return self.menu(arg, kind="language_set")
        if verb == "lang" and not arg:
            return self.language_choice(lang)
        return self.stale(lang)

    # -- screens ------------------------------------------------------------------------------------------------

    def welcome(self, suggested: str | None = None) -> Reply:
        """First contact: who we are, in all three languages, and the language choice (suggested one first)."""
        greetings, prompts = [], []
        for lang in LANGUAGES:
            _ = gettext_for(lang)
            greetings.append(_("Hello! I help people who plan to work abroad to stay safe: job offers, documents, "
                               "wages, your rights and where to get help."))
            prompts.append(_("Choose your language:"))
        text = "\n\n".join(greetings) + "\n\n" + " / ".join(prompts)
        return Reply(text, suggested if suggested in LANGUAGES else "tg", "welcome",
                     buttons=self._language_buttons(suggested))

    def language_choice(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return Reply(_("Choose your language:"), lang, "language", buttons=self._language_buttons(lang))

    def menu(self, lang: str, kind: str = "menu") -> Reply:
        _ = gettext_for(lang)
        text = _("What would you like to know? Choose a topic or write your question in your own words.")
        return Reply(text, lang, kind, buttons=self._menu_buttons(lang))

    def section(self, section_id: str, lang: str) -> Reply:
        section = next(s for s in self.content.menu.sections if s.id == section_id)
        rows = [[Button(self.content.topics[t].title[lang], f"t:{t}")] for t in section.topics]
        rows.append([self._back_button(lang)])
        return Reply(section.title[lang], lang, "section", buttons=rows)

    def topic(self, topic_id: str, lang: str, more: bool = False) -> Reply:
        """A topic card: title, the short answer (or the details), its sources, and where to go next."""
        _ = gettext_for(lang)
        topic = self.content.topics[topic_id]
        points = topic.details if more else topic.answer
        more_mark = _("more")
        parts = [topic.title[lang] if not more else f"{topic.title[lang]} ({more_mark})"]
        if topic_id == EMERGENCY and not more:
            parts.append(self._emergency_numbers(lang))
        parts.append("\n".join(f"• {p.text[lang]}" for p in points))
        if topic_id == "hotlines" and not more:
            parts.append(_("Choose a country to see its numbers, with where each number comes from."))
        parts.append(self._sources_line(topic, lang, points))
        return Reply("\n\n".join(parts), lang, "emergency" if topic_id == EMERGENCY else "topic",
                     buttons=self._card_buttons(topic, lang, more), topic=topic_id)

    def emergency(self, lang: str) -> Reply:
        return self.topic(EMERGENCY, lang)

    def hotlines(self, lang: str, country_id: str | None = None) -> Reply:
        """The countries, or one country's numbers, each with its source and the date it was checked."""
        _ = gettext_for(lang)
        if country_id is None:
            rows = [[Button(f"{flag(c.id)} {c.name[lang]}", f"h:{c.id}")] for c in self.content.countries]
            rows.append([self._back_button(lang)])
            text = _("Phone numbers by country. In danger, call the emergency number of the country you are in.")
            return Reply(text, lang, "hotlines", buttons=rows, topic="hotlines")
        country = self.content.country(country_id)
        assert country is not None
        parts = [f"{flag(country.id)} {country.name[lang]}"]
        parts.extend(self._line_text(line, lang) for line in country.lines)
        if country.missing:
            parts.append(country.missing[lang])
        parts.append(_("Numbers change. If a number does not answer, call the emergency number or the embassy."))
        rows = [[Button(_("Other countries"), "h"), self._back_button(lang)]]
        return Reply("\n\n".join(parts), lang, "hotlines", buttons=rows, topic="hotlines")

    def unsure(self, lang: str, candidates: tuple[str, ...]) -> Reply:
        _ = gettext_for(lang)
        rows = [[Button(self.content.topics[t].title[lang], f"t:{t}")] for t in candidates]
        rows.append([self._back_button(lang)])
        text = _("I am not sure I understood. Did you mean one of these?")
        return Reply(text, lang, "unsure", buttons=rows)

    def out_of_scope(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        text = _("Sorry, I can only help with safe work abroad: job offers, documents, wages, your rights and "
                 "where to get help. Choose a topic or ask about these.")
        return Reply(text, lang, "out_of_scope", buttons=self._menu_buttons(lang))

    def greeting(self, lang: str, thanks: bool = False) -> Reply:
        _ = gettext_for(lang)
        text = _("You are welcome. Stay safe!") if thanks else _("Hello! How can I help?")
        text += "\n\n" + _("What would you like to know? Choose a topic or write your question in your own words.")
        return Reply(text, lang, "greeting", buttons=self._menu_buttons(lang))

    def stale(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return Reply(_("This button is out of date. Here is the menu."), lang, "stale",
                     buttons=self._menu_buttons(lang))

    def help(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        text = _("Write your question in your own words, in Tajik, Russian or English, or use the buttons.\n\n"
                 "/start - menu\n/hotlines - phone numbers\n/language - change language\n"
                 "/about - about this bot\n/forget - erase what the bot keeps about you")
        return Reply(text, lang, "help", buttons=self._menu_buttons(lang))

    def about(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        sources = "\n".join(f"• {s.get('short') or s['title']} ({s['year']})"
                            for key, s in self.content.sources.items() if key != "general")
        draft = [LANGUAGE_NAMES[lg] for lg in LANGUAGES
                 if not all(t.reviewed[lg] for t in self.content.topics.values())]
        text = _("Safe Road is a free, open-source bot that helps people prepare for work abroad safely. It is not "
                 "a lawyer or the police. Its advice comes from these reports:")
        text += "\n" + sources + "\n\n" + _(
            "The bot does not keep your messages, your name or your phone number. It keeps only your language "
            "choice and anonymous counts. /forget erases what it keeps about you.")
        if draft:
            text += "\n\n" + _("Draft translations, not yet reviewed by a native speaker: {languages}.").format(
                languages=", ".join(draft))
        return Reply(text, lang, "about", buttons=[[self._back_button(lang)]])

    def non_text(self, lang: str) -> Reply:
        """Stickers, photos, voice, locations, files: we cannot read them, so say so kindly and show the menu."""
        _ = gettext_for(lang)
        return self._plain(lang, "non_text", _(
            "I can only read text messages. Please write your question in words, or choose a topic below."))

    def unknown_command(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return self._plain(lang, "unknown_command", _("I do not know this command. Here is the menu; /help shows "
                                                      "what I can do."))

    def forgotten(self, lang: str, had_data: bool) -> Reply:
        _ = gettext_for(lang)
        text = _("Done. I erased everything I kept about you (your language choice).") if had_data else _(
            "Done. I kept nothing about you.")
        text += "\n" + _("Anonymous counts (how often each topic is asked) never contained your identity.")
        return Reply(text, lang, "forgotten", buttons=self._language_buttons(lang))

    def error(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return self._plain(lang, "error", _("Sorry, something went wrong on my side. Please try again, or choose "
                                            "a topic. In danger, call the emergency number."))

    def suggest(self, query: str, lang: str, limit: int = 8) -> list[str]:
        """Topics to offer for a search (inline mode): best matches first, then the most needed ones."""
        ranked: list[str] = []
        if query.strip():
            u = self.understander.understand(query, lang)
            if u.topic:
                ranked.append(u.topic)
            ranked.extend(c.label for c in self.understander.matcher.match(query).ranked
                          if c.label in self.content.topics)
        ranked.extend(("emergency", "hotlines", "red_flags", "passport_taken", "unpaid_wages", "check_agency",
                       "contract", "before_departure"))
        return list(dict.fromkeys(ranked))[:limit]

    def share_text(self, topic_id: str, lang: str) -> str:
        """The card as forwarded into a group chat: the short answer and its sources, no buttons needed."""
        return self.topic(topic_id, lang).text

    def summary(self, topic_id: str, lang: str) -> str:
        """One line describing a topic (inline results, the outreach kit)."""
        return self.content.topics[topic_id].answer[0].text[lang]

    # -- pieces -------------------------------------------------------------------------------------------------

    def _plain(self, lang: str, kind: str, text: str) -> Reply:
        return Reply(text, lang, kind, buttons=self._menu_buttons(lang))

    def _language_buttons(self, suggested: str | None) -> list[list[Button]]:
        order = sorted(LANGUAGES, key=lambda lg: lg != suggested)
        return [[Button(LANGUAGE_NAMES[lg], f"l:{lg}") for lg in order]]

    def _back_button(self, lang: str) -> Button:
        _ = gettext_for(lang)
        return Button("⬅️ " + _("Menu"), "menu")

    def _menu_buttons(self, lang: str) -> list[list[Button]]:
        _ = gettext_for(lang)
        rows = [[Button(("🚨 " if t == EMERGENCY else "☎️ ") + self.content.topics[t].title[lang],
                        "h" if t == "hotlines" else f"t:{t}")] for t in self.content.menu.main]
        if self.offer is not None:
            rows.append([Button("🔎 " + self.offer.title(lang), CHECK_ACTION)])
        if self.adverts is not None:
            rows.append([Button("📰 " + self.adverts.title(lang), "ad")])
        rows.extend([Button(s.title[lang], f"s:{s.id}")] for s in self.content.menu.sections)
        rows.append([Button("🌐 " + _("Language"), "lang")])
        return rows

    def _card_buttons(self, topic: Topic, lang: str, more: bool) -> list[list[Button]]:
        _ = gettext_for(lang)
        rows: list[list[Button]] = []
        if self.offer is not None and topic.id in self.OFFER_TOPICS and not more:
            rows.append([Button("🔎 " + self.offer.title(lang), CHECK_ACTION)])
        if topic.details and not more:
            rows.append([Button(_("More") + " ➕", f"m:{topic.id}")])
        related = [r for r in topic.related if r != "hotlines"]
        rows.extend([Button(self.content.topics[r].title[lang], f"t:{r}")] for r in related)
        rows.append([Button("☎️ " + _("Hotlines"), "h"), self._back_button(lang)])
        return rows

    def _sources_line(self, topic: Topic, lang: str, points) -> str:
        _ = gettext_for(lang)
        names = source_names(self.content, cited_sources(points), lang)
        line = _("Sources: {sources}").format(sources="; ".join(names))
        if not topic.reviewed[lang]:
            line += " · " + _("draft translation")
        return line

    def _emergency_numbers(self, lang: str) -> str:
        """Emergency, police and ambulance numbers of every country, on one line each (a screen, not a list)."""
        _ = gettext_for(lang)
        lines = [_("Call the emergency number of the country you are in:")]
        for country in self.content.countries:
            nums = [ln.number for ln in country.emergency_lines()]
            if nums:
                lines.append(f"{flag(country.id)} {country.name[lang]}: {', '.join(dict.fromkeys(nums))}")
        lines.append(_("Where each number comes from, and when it was checked: the Hotlines button."))
        return "\n".join(lines)

    def _line_text(self, line: Line, lang: str) -> str:
        _ = gettext_for(lang)
        text = f"☎️ {line.number} — {line.name[lang]}"
        if line.note:
            text += f"\n{line.note[lang]}"
        text += "\n" + _("Source: {source} ({date}). Checked: {checked}.").format(
            source=short_source(line.source), date=line.source_date, checked=line.checked.isoformat())
        return text


def short_source(source: str) -> str:
    """The publisher part of a source ("Asia-Plus (asiaplus.news)"), short enough for a phone; the full
    reference with its address stays in hotlines.yaml, `python -m bot hotlines` and the outreach kit."""
    head = source.split(",", 1)[0].strip()
    return head if len(head) <= 80 else head[:79] + "…"
