"""A :class:`~bot.core.adverts.Scan` as a reply: what is wrong with the advert, in its own words.

The reply reads top to bottom the way a worried person needs it: the level first; then each warning sign with the
advert's words quoted, why it matters and which card to read; what the advert promises; what an honest advert would
also say; what to check anyway (always: the scan never calls an advert safe). Buttons offer the job-offer check and
the cards. Flag and level wording comes from ``content/adverts.yaml``; the headings are gettext strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot import LANGUAGES
from bot.content import Topic, cited_sources
from bot.core.adverts import Scan, Scanner
from bot.core.offer_check import START_ACTION as CHECK_ACTION
from bot.core.reply import Button, Reply
from bot.i18n import gettext_for

#: The menu entry's action: "forward me an advert".
PROMPT_ACTION = "ad"
MAX_TOPIC_BUTTONS = 3
#: Cards offered when the flags point to fewer than MAX_TOPIC_BUTTONS.
DEFAULT_TOPICS = ("red_flags", "check_agency", "contract")
#: Quotation marks per language.
_QUOTES = {"tg": ("«", "»"), "ru": ("«", "»"), "en": ("“", "”")}

SourceNames = Callable[[tuple[str, ...], str], list[str]]


class AdvertScreens:
    """The advert scan's screens. Holds the (read-only) scanner and wording: nothing about any user or advert."""

    def __init__(self, scanner: Scanner, topics: Mapping[str, Topic], source_names: SourceNames,
                 offer_title: Callable[[str], str] | None = None):
        self.content = scanner.content
        self.topics = topics
        self.scanner = scanner
        self._source_names = source_names
        self._offer_title = offer_title

    def title(self, lang: str) -> str:
        """The menu button label."""
        return self.content.title[lang if lang in LANGUAGES else "tg"]

    def handles(self, action: str) -> bool:
        return action == PROMPT_ACTION

    def prompt(self, lang: str) -> Reply:
        """The menu entry: ask for the advert."""
        _ = gettext_for(lang)
        rows = []
        if self._offer_title is not None:
            rows.append([Button("🔎 " + self._offer_title(lang), CHECK_ACTION)])
        rows.append([Button("⬅️ " + _("Menu"), "menu")])
        return Reply(f"📰 {self.content.title[lang]}\n\n{self.content.prompt[lang]}", lang, "advert_prompt",
                     buttons=rows)

    def reply(self, scan: Scan, lang: str) -> Reply:
        """The scan as the user reads it. ``kind`` is ``scan`` and ``topic`` the level, for the anonymous counts."""
        lang = lang if lang in LANGUAGES else "tg"
        _ = gettext_for(lang)
        opening, closing = _QUOTES[lang]
        level = self.content.levels[scan.level or "no_flags_found"]
        heading = _("Job advert scan")
        parts = [f"📰 {heading}: {level.icon} {level.title[lang]}\n{level.summary[lang]}"]

        for finding in scan.findings:
            rules = self.content.flags[finding.flag]
            icon = "⛔" if rules.weight >= 3 else "⚠️"
            lines = [f"{icon} {rules.title[lang]}"]
            lines.extend(f"{opening}{quote}{closing}" for quote in finding.quotes)
            lines.append(rules.reason[lang])
            lines.append("📖 " + _("Read next: {topic}").format(topic=self.topics[rules.topic].title[lang]))
            parts.append("\n".join(lines))

        facts = self._facts(scan, lang)
        if facts:
            parts.append(_("What the advert says:") + "\n" + "\n".join(facts))
        if scan.missing:
            missing = ", ".join(self.content.missing[m][lang] for m in scan.missing)
            parts.append("❓ " + _("An honest advert would also say: {facts}.").format(facts=missing))
        parts.append("✅ " + _("Check anyway:") + "\n" + "\n".join(f"• {p.text[lang]}" for p in self.content.steps))
        parts.append("ℹ️ " + self.content.disclaimer[lang])
        parts.append(self._sources_line(scan, lang))
        return Reply("\n\n".join(parts), lang, "scan", buttons=self._buttons(scan, lang), topic=scan.level)

    # -- pieces -------------------------------------------------------------------------------------------------

    def _facts(self, scan: Scan, lang: str) -> list[str]:
        _ = gettext_for(lang)
        f = scan.facts
        lines = []
        place = []
        if f.country:
            place.append(_("Country: {country}").format(country=self.content.countries[f.country].name[lang]))
        if f.city:
            place.append(_("City: {city}").format(city=f.city))
        if place:
            lines.append("🌍 " + " · ".join(place))
        for icon, template, key, values in (("💼", _("Job: {job}"), "job", f.jobs),
                                            ("💰", _("Pay: {pay}"), "pay", f.pay),
                                            ("💸", _("Fees: {fees}"), "fees", f.fees),
                                            ("📞", _("Contacts: {contacts}"), "contacts", f.contacts)):
            if values:
                lines.append(f"{icon} " + template.format(**{key: ", ".join(values)}))
        return lines

    def _buttons(self, scan: Scan, lang: str) -> list[list[Button]]:
        _ = gettext_for(lang)
        rows = []
        if self._offer_title is not None:
            rows.append([Button("🔎 " + self._offer_title(lang), CHECK_ACTION)])
        wanted = [self.content.flags[f.flag].topic for f in scan.findings] + list(DEFAULT_TOPICS)
        shown = [t for t in dict.fromkeys(wanted) if t in self.topics][:MAX_TOPIC_BUTTONS]
        rows.extend([Button(self.topics[t].title[lang], f"t:{t}")] for t in shown)
        rows.append([Button("☎️ " + _("Hotlines"), "h"), Button("⬅️ " + _("Menu"), "menu")])
        return rows

    def _sources_line(self, scan: Scan, lang: str) -> str:
        _ = gettext_for(lang)
        cited = tuple(s for f in scan.findings for s in self.content.flags[f.flag].sources)
        ids = tuple(dict.fromkeys(cited + cited_sources(self.content.steps)))
        line = _("Sources: {sources}").format(sources="; ".join(self._source_names(ids, lang)))
        if not self.content.reviewed[lang]:
            line += " · " + _("draft translation")
        return line
