"""The dialogue core: turns a message or a button press into a reply, in the user's language.

It knows nothing of Telegram or terminals: adapters hand it text (or a button's action string), a language and the
user's destination country, and render the :class:`~bot.core.reply.Reply` it returns (storing ``reply.destination``
when the user just chose one, as they store the language). Button actions are short strings (Telegram allows 64
bytes of callback data) and are validated here, because clients can forge them and old messages keep old buttons.

Actions: ``menu``, ``lang``, ``l:<lang>``, ``s:<section>``, ``t:<topic>``, ``m:<topic>[:<country>]`` (More, for
that country's rules), ``d:<country>:<topic>`` (choose a destination and show the card with its rules), ``h``,
``h:<country>``, and the job-offer check's own.
"""

from __future__ import annotations

import re
from functools import partial

from bot import LANGUAGES
from bot.content import Content, Line, Topic, cited_sources
from bot.core.advert_reply import AdvertScreens
from bot.core.adverts import scanner_for
from bot.core.country_rules import MAX_ON_CARD, RulesView
from bot.core.destination import DestinationSpotter
from bot.core.hotline_feedback import HotlineFeedback, ask_button
from bot.core.numbers import dates_text, footnotes
from bot.core.offer_check import START_ACTION as CHECK_ACTION
from bot.core.offer_check import OfferCheck
from bot.core.reply import Button, Reply
from bot.core.text import Message
from bot.core.understanding import EMERGENCY, Understander, Understanding
from bot.i18n import gettext_for
from bot.rules import RULE_TOPICS, RuleBook

LANGUAGE_NAMES = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}
#: Rules of the home country (Tajikistan) shown on a card besides the destination's; the rest are under More.
MAX_HOME_ON_CARD = 1
#: Cards whose point is today's rules (registration, bans): the rules come first, the general advice after them.
RULES_FIRST = ("legal_stay", "deportation")
_ACTION_RE = re.compile(r"^[a-z]{1,6}(:[a-z0-9_]{1,40}){0,2}$")


def source_names(content: Content, source_ids: tuple[str, ...], lang: str) -> list[str]:
    """Sources as users see them: the short name, with its date for laws, official pages and news (a report's short
    name carries its year), or "general safety advice" for ``general``."""
    _ = gettext_for(lang)
    names = []
    for sid in source_ids:
        source = content.sources.get(sid, {})
        if sid == "general":
            names.append(_("general safety advice"))
        elif source.get("kind") in ("law", "official", "news") and source.get("date"):
            names.append(f"{source.get('short') or sid} ({source['date']})")
        else:
            names.append(str(source.get("short") or sid))
    return names


def flag(country_id: str) -> str:
    """The flag emoji for a two-letter country id (regional indicator letters)."""
    if len(country_id) != 2 or not country_id.isalpha():
        return "☎️"
    return "".join(chr(0x1F1E6 + ord(ch) - ord("a")) for ch in country_id.lower())


class Dialogue:
    """Stateless: everything it needs to answer comes in with the call (text or action, language, destination)."""

    #: Topics whose cards also offer the job-offer check: people asking about them often hold an offer now.
    OFFER_TOPICS = ("red_flags", "check_agency", "contract", "sexual_exploitation", "debt_bondage")

    def __init__(self, content: Content):
        self.content = content
        self.understander = Understander(content)
        self.offer = OfferCheck(content.offer_check) if content.offer_check is not None else None
        self.book = content.rules or RuleBook()
        self.rules = RulesView(self.book, content.sources)
        self.spotter = DestinationSpotter(self.book.destinations)
        self.feedback = HotlineFeedback(content)
        #: A case desk is set up (the Telegram app sets this when OPERATORS_CHAT_ID is given): offer a person.
        self.human_help = False
        self.adverts = None if content.adverts is None else AdvertScreens(
            scanner_for(content), content.topics, partial(source_names, content),
            self.offer.title if self.offer else None)

    # -- entry points -------------------------------------------------------------------------------------------

    def respond(self, text: str, lang: str | None = None, destination: str | None = None,
                forwarded: bool = False) -> Reply:
        """Answer free text. ``lang`` is the user's chosen language, used when the message's own is unclear;
        ``destination`` the country they chose (a country named in the message wins for this reply). A job advert
        (pasted, or ``forwarded`` from a channel or chat) is scanned instead of matched to a topic."""
        msg = Message.of(text)
        scan = self.scan_reply(text, lang, forwarded, msg)
        if scan is not None:
            return scan
        u = self.understander.understand(msg, lang)
        named = self.spotter.spot(msg.tokens)
        country = (destination if destination in named else named[0]) if named else None
        # the words that say which of a country's rules was asked about (a country's name says nothing of that)
        toks = [w for w in msg.tokens if not self.spotter.spot((w,))] if named else list(msg.tokens)
        return self.reply_for(u, destination, named=country, toks=toks)

    def scan_reply(self, text: str, lang: str | None = None, forwarded: bool = False,
                   msg: Message | None = None) -> Reply | None:
        """The advert scan, or None when the text does not read as a job advert. The reply is in the user's
        language; an advert in another language is still quoted as written."""
        if self.adverts is None:
            return None
        scan = self.adverts.scanner.scan(text, forwarded)
        if not scan.advert:
            return None
        if lang not in LANGUAGES:
            lang = self.understander.language(msg if msg is not None else Message.of(text)).lang
        return self.adverts.reply(scan, lang)

    def reply_for(self, u: Understanding, destination: str | None = None, named: str | None = None,
                  toks: list[str] | None = None) -> Reply:
        if u.kind == "emergency":
            return self.topic(EMERGENCY, u.lang, destination=destination, named=named)
        if u.kind == "topic" and u.topic:
            return self.topic(u.topic, u.lang, destination=destination, named=named, toks=toks)
        if u.kind == "unsure":
            return self.unsure(u.lang, u.candidates)
        if u.kind == "intent" and u.intent in ("greeting", "thanks"):
            return self.greeting(u.lang, thanks=u.intent == "thanks")
        if u.kind == "empty":
            _ = gettext_for(u.lang)
            return self._plain(u.lang, "empty", _(
                "I can read text only. Please write your question in words, or choose a topic."))
        return self.out_of_scope(u.lang)

    def act(self, action: str, lang: str, destination: str | None = None) -> Reply:
        """Answer a button press. Unknown, forged or outdated actions get a friendly explanation and the menu."""
        lang = lang if lang in LANGUAGES else "tg"
        if self.feedback.handles(action):
            return self.feedback.act(action, lang) or self.stale(lang)
        if not isinstance(action, str) or not _ACTION_RE.match(action):
            return self.stale(lang)
        if self.offer is not None and self.offer.handles(action):
            return self.offer.act(action, lang, self.content.topics) or self.stale(lang)
        if self.adverts is not None and self.adverts.handles(action):
            return self.adverts.prompt(lang)
        verb, _, arg = action.partition(":")
        arg, _, extra = arg.partition(":")
        if extra:
            return self._two_part(verb, arg, extra, lang, destination)
        if verb == "menu" and not arg:
            return self.menu(lang)
        if verb == "t" and arg in self.content.topics:
            return self.topic(arg, lang, destination=destination)
        if verb == "m" and arg in self.content.topics:
            return self.topic(arg, lang, more=True, destination=destination)
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

    def _two_part(self, verb: str, first: str, second: str, lang: str, destination: str | None) -> Reply:
        """``d:<country>:<topic>`` chooses a destination (the reply asks the adapter to remember it);
        ``m:<topic>:<country>`` is More for a country named in a message. Anything else is stale or forged."""
        if verb == "d" and first in self.book.destination_ids and second in RULE_TOPICS \
                and second in self.content.topics:
            reply = self.topic(second, lang, destination=first)
            reply.destination = first
            return reply
        if verb == "m" and first in RULE_TOPICS and first in self.content.topics \
                and second in self.book.destination_ids:
            return self.topic(first, lang, more=True, destination=destination, named=second)
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

    def topic(self, topic_id: str, lang: str, more: bool = False, destination: str | None = None, *,
              named: str | None = None, toks: list[str] | None = None, shared: bool = False) -> Reply:
        """A topic card: title, the short answer (or the details), the rules of the user's destination where the
        card needs them, its sources, and where to go next.

        ``destination`` is the user's chosen country; ``named`` one named in their message, which wins for this
        reply; ``toks`` the message's words, to put the rule they asked about first; ``shared`` drops the hints
        about buttons, for a card forwarded into a group.
        """
        _ = gettext_for(lang)
        topic = self.content.topics[topic_id]
        points = topic.details if more else topic.answer
        more_mark = _("more")
        parts = [topic.title[lang] if not more else f"{topic.title[lang]} ({more_mark})"]
        notes: list[str] = []
        if topic_id == EMERGENCY and not more:
            numbers, notes = self._emergency_numbers(lang)
            parts.append(numbers)
        advice = "\n".join(f"• {p.text[lang]}" for p in points)
        parts.append(advice)
        country = named or self._destination(destination)
        if topic_id in RULE_TOPICS and country is not None:
            home = self._home_blocks(topic_id, lang, more, toks)
            block = self._rules_block(topic_id, country, lang, more, chosen=bool(named or destination in
                                      self.book.destination_ids), toks=toks, shared=shared,
                                      room=MAX_ON_CARD - len(home))
            blocks = [b for b in (block, *home) if b]
            if topic_id in RULES_FIRST and not more:
                parts[-1:] = [*blocks, advice]  # the deadline asked about comes before the general advice
            else:
                parts.extend(blocks)
        if topic_id == "hotlines" and not more:
            parts.append(_("Choose a country to see its numbers, with where each number comes from."))
        if notes:
            parts.append("\n".join(notes))
        parts.append(self._sources_line(topic, lang, points))
        return Reply("\n\n".join(parts), lang, "emergency" if topic_id == EMERGENCY else "topic",
                     buttons=self._card_buttons(topic, lang, more, country, one_off=named), topic=topic_id)

    def emergency(self, lang: str, destination: str | None = None) -> Reply:
        return self.topic(EMERGENCY, lang, destination=destination)

    def _destination(self, destination: str | None) -> str | None:
        """The user's destination if it is one we know, else the default (Russia: most migrants go there)."""
        return destination if destination in self.book.destination_ids else self.book.default

    def _country_name(self, country_id: str, lang: str) -> str:
        country = self.content.country(country_id)
        return f"{flag(country_id)} {country.name[lang] if country else country_id}"

    def _rules_block(self, topic_id: str, country: str, lang: str, more: bool, chosen: bool,
                     toks: list[str] | None, shared: bool, room: int = MAX_ON_CARD) -> str:
        """The destination's rules for the card: at most ``room`` of them (all under More), the one asked about
        first."""
        _ = gettext_for(lang)
        title = self._country_name(country, lang)
        rules = self.rules.ranked(country, topic_id, None if more else toks)
        if not rules:
            if topic_id == EMERGENCY:
                return ""  # in danger, the numbers above are what matters
            text = _("{country}: we have no checked rules for this topic yet. Ask the consulate.").format(
                country=title)
        else:
            shown = rules if more else rules[:room]
            text = self.rules.block(title, shown, lang, hidden=len(rules) - len(shown))
        if shared:
            return text + "\n" + _("Rules for other countries: in the bot.")
        if not chosen:
            text += "\n" + _("Most people go to Russia, so its rules are shown. Going elsewhere? Tap your country.")
        return text

    def _home_blocks(self, topic_id: str, lang: str, more: bool, toks: list[str] | None) -> list[str]:
        """Tajikistan's own rules for the card, whatever the destination: one on the card (the one asked about),
        taking one of the card's places, and all of them under More."""
        blocks = []
        for country in self.book.home_countries:
            rules = self.rules.ranked(country, topic_id, None if more else toks)
            if rules:
                shown = rules if more else rules[:MAX_HOME_ON_CARD]
                blocks.append(self.rules.block(self._country_name(country, lang), shown, lang,
                                               hidden=len(rules) - len(shown)))
        return blocks

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
        if country.lines:
            rows.insert(0, [ask_button(country.id, lang)])
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
        text += "\n" + _("/alerts - news when something important changes")
        if self.human_help:
            text += "\n" + _("/human - talk to a caseworker")
        return Reply(text, lang, "help", buttons=self._menu_buttons(lang))

    def about(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        sources = "\n".join(f"• {s.get('short') or s['title']} ({s['year']})"
                            for s in self.content.sources.values() if s.get("kind") == "report")
        draft = [LANGUAGE_NAMES[lg] for lg in LANGUAGES
                 if not all(t.reviewed[lg] for t in self.content.topics.values())]
        text = _("Safe Road is a free, open-source bot that helps people prepare for work abroad safely. It is not "
                 "a lawyer or the police. Its advice comes from these reports:")
        text += "\n" + sources + "\n\n" + _(
            "The bot does not keep your messages (each waits only until it is answered), your name or your phone "
            "number. It keeps only your language, the country you go to, if you choose one, and anonymous counts. "
            "/forget erases what it keeps about you.")
        text += "\n\n" + _("Only if you choose: for alerts it keeps the id of this chat, which it needs to send "
                           "them; while you talk to a caseworker it keeps which chat the conversation belongs to. "
                           "/forget erases these too.")
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
        text = _("Done. I erased everything I kept about you (your language and destination country).") \
            if had_data else _("Done. I kept nothing about you.")
        text += "\n" + _("Anonymous counts (how often each topic is asked) never contained your identity.")
        return Reply(text, lang, "forgotten", buttons=self._language_buttons(lang))

    def error(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        return self._plain(lang, "error", _("Sorry, something went wrong on my side. Please try again, or choose "
                                            "a topic. In danger, call the emergency number."))

    def slow_down(self, lang: str) -> Reply:
        """Said once to someone sending many messages at once: the first ones get answers, the rest are skipped.
        The emergency button stays within reach, in case a cry for help was among the skipped ones."""
        _ = gettext_for(lang)
        text = _("Please slow down a little: you sent many messages at once. I will answer the first ones and skip "
                 "the rest. Send one question at a time and wait for my answer. If you are in danger, press the "
                 "button below.")
        return Reply(text, lang, "slow_down", buttons=[
            [Button("🚨 " + self.content.topics[EMERGENCY].title[lang], f"t:{EMERGENCY}")], [self._back_button(lang)]])

    def suggest(self, query: str, lang: str, limit: int = 8) -> list[str]:
        """Topics to offer for a search (inline mode): best matches first, then the most needed ones."""
        ranked: list[str] = []
        if query.strip():
            u = self.understander.understand(query, lang)
            if u.topic:
                ranked.append(u.topic)
            ranked.extend(self.understander.ranked_topics(query))
        ranked.extend(("emergency", "hotlines", "red_flags", "passport_taken", "unpaid_wages", "check_agency",
                       "contract", "before_departure"))
        return list(dict.fromkeys(ranked))[:limit]

    def share_text(self, topic_id: str, lang: str) -> str:
        """The card as forwarded into a group chat: the short answer, the rules and numbers with their dates, and
        its sources; no buttons needed."""
        return self.topic(topic_id, lang, shared=True).text

    def summary(self, topic_id: str, lang: str) -> str:
        """One line describing a topic (inline results, the outreach kit index): the topic's own summary, written to
        be shown whole, so a list never ends a card's description mid-word."""
        return self.content.topics[topic_id].summary[lang]

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
        if self.human_help:
            rows.append([Button("💬 " + _("Talk to a person"), "human")])
        rows.append([Button("🌐 " + _("Language"), "lang")])
        return rows

    def _card_buttons(self, topic: Topic, lang: str, more: bool, country: str | None = None,
                      one_off: str | None = None) -> list[list[Button]]:
        _ = gettext_for(lang)
        rows: list[list[Button]] = []
        if topic.id == EMERGENCY and self.human_help:
            rows.append([Button("💬 " + _("Talk to a caseworker now"), "human")])
        if self.offer is not None and topic.id in self.OFFER_TOPICS and not more:
            rows.append([Button("🔎 " + self.offer.title(lang), CHECK_ACTION)])
        if topic.details and not more:
            rows.append([Button(_("More") + " ➕", f"m:{topic.id}:{one_off}" if one_off else f"m:{topic.id}")])
        if topic.id in RULE_TOPICS and country is not None:
            others = [Button(self._country_name(c, lang), f"d:{c}:{topic.id}")
                      for c in self.book.destination_ids if c != country]
            rows.extend(others[i:i + 2] for i in range(0, len(others), 2))
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

    def _emergency_numbers(self, lang: str) -> tuple[str, list[str]]:
        """Emergency numbers of every country, one line each (a screen, not a list), marked for their footnotes;
        and the footnotes (each number's warning, test call and read date), which go at the end of the card."""
        _ = gettext_for(lang)
        shown = [(c, ln) for c in self.content.countries for ln in c.emergency_lines()]
        notes = footnotes([ln for _c, ln in shown], lang)
        lines = [_("Call the emergency number of the country you are in:")]
        for country in self.content.countries:
            nums = [f"{ln.number}{mark}" for (c, ln), mark in zip(shown, notes.marks) if c is country]
            if nums:
                lines.append(f"{flag(country.id)} {country.name[lang]}: {', '.join(dict.fromkeys(nums))}")
        lines.append(_("Where each number comes from: the Hotlines button."))
        return "\n".join(lines), notes.lines()

    def _line_text(self, line: Line, lang: str) -> str:
        _ = gettext_for(lang)
        text = f"☎️ {line.number} — {line.name[lang]}"
        if line.note:
            text += f"\n{line.note[lang]}"
        text += "\n" + _("Source: {source} ({date}).").format(source=short_source(line.source),
                                                              date=line.source_date)
        text += " " + dates_text(line, lang)
        return text


def short_source(source: str) -> str:
    """The publisher part of a source ("Asia-Plus (asiaplus.news)"), short enough for a phone; the full
    reference with its address stays in hotlines.yaml, `python -m bot hotlines` and the outreach kit."""
    head = source.split(",", 1)[0].strip()
    return head if len(head) <= 80 else head[:79] + "…"
