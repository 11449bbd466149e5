"""HTML templates for the kit: the A6 card, the A4 sheet of four, the A4 poster and the index.

Templates take plain view objects (built from the content by :mod:`bot.kit.build`) and escape every piece of text
with :func:`html.escape`, so a quote or ``<`` in a translation cannot break a printed page. Pages refer to the
stylesheet, font and QR images by relative URLs, so the folder works from a USB stick or an e-mail attachment with
no internet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from bot import LANGUAGES
from bot.core.dialogue import LANGUAGE_NAMES
from bot.i18n import N_
from bot.kit.labels import bot_text, label
from bot.kit.qr import CARD_QR_MM, POSTER_QR_MM
from bot.kit.style import PAGE_RULES


@dataclass(frozen=True)
class PointView:
    text: str
    sources: str  # the point's sources, briefly ("IOM Tajikistan; general safety advice")


@dataclass(frozen=True)
class NumberView:
    number: str
    name: str
    country: str
    mark: str = ""  # the superscript of its footnote, or "" when the shared dates line says all there is


@dataclass(frozen=True)
class CountryView:
    name: str
    numbers: tuple[NumberView, ...]


@dataclass(frozen=True)
class NumbersView:
    """The phone numbers printed on every card (or poster) of one language, with their footnotes (warnings, test
    calls, read dates that differ) and the line with the read date the others share."""

    countries: tuple[CountryView, ...]
    hotlines: tuple[NumberView, ...]
    notes: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class DirectoryRow:
    """One number in the kit index: everything the bot knows about it."""

    country: str
    number: str
    name: str
    note: str
    source: str
    read: str
    call: str


@dataclass(frozen=True)
class CardView:
    """Everything one card (and its poster) prints for one topic in one language."""

    topic_id: str
    lang: str
    title: str
    points: tuple[PointView, ...]
    draft: bool
    url: str
    username: str
    numbers: NumbersView
    made: dt.date
    numbers_first: bool = False  # the emergency card: the numbers are what matters, so they come first
    summary: str = ""  # the topic's one-line summary, for the index

    @property
    def stem(self) -> str:
        """The file name shared by the card, sheet, poster and QR files: ``passport_taken-tg``."""
        return f"{self.topic_id}-{self.lang}"

    @property
    def display_url(self) -> str:
        """The link as people type it: without ``https://``, which every phone browser adds."""
        return self.url.removeprefix("https://")

    @property
    def length(self) -> int:
        return sum(len(p.text) + len(p.sources) // 2 for p in self.points)


@dataclass(frozen=True)
class IndexRow:
    card: CardView
    files: tuple[tuple[str, str], ...]  # (label, relative path) for each file of this card


@dataclass(frozen=True)
class LanguageSection:
    lang: str
    rows: tuple[IndexRow, ...]
    all_cards: str  # relative path of the page with every card of the language
    pdf: str | None  # relative path of its PDF, or None when no PDF was made
    qr_note: str
    directory: tuple[DirectoryRow, ...] = ()  # every number, with its note and dates


# -- pieces ----------------------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def fit_class(length: int, poster: bool = False) -> str:
    """The font step guessed from the answer's length: what prints without JavaScript (``assets/fit.js`` then
    picks the largest step that really fits)."""
    steps = (540, 600, 625, 690, 740) if not poster else (540, 560, 620, 640, 700)
    return f"fit-{1 + sum(length > s for s in steps)}"


def _mark(n: NumberView) -> str:
    return f'<sup class="mark">{_e(n.mark)}</sup>' if n.mark else ""


def _number(n: NumberView, with_name: bool) -> str:
    num = f'<span class="num">{_e(n.number)}</span>{_mark(n)}'
    return f'<span class="entry">{num} {_e(n.name)}</span>' if with_name and n.name else num


def numbers_block(numbers: NumbersView, lang: str, poster: bool = False) -> str:
    """Emergency numbers by country and the hotlines, each with the mark of its footnote; then the footnotes (every
    warning, test call and differing read date) and the read date the others share. Nothing is left out."""
    items = []
    for country in numbers.countries:
        if not country.numbers:
            continue
        parts = [_number(n, with_name=poster or i > 0) for i, n in enumerate(country.numbers)]
        items.append(f'<li><span class="country">{_e(country.name)}:</span> {" · ".join(parts)}</li>')
    groups: dict[tuple[str, str], list[NumberView]] = {}
    for n in numbers.hotlines:  # lines of one name (a ministry's representatives) share one entry
        groups.setdefault((n.name, n.country), []).append(n)
    hot = "".join("<li>" + " · ".join(f"<b>{_e(n.number)}</b>{_mark(n)}" for n in group)
                  + f" {_e(name)} ({_e(country)})</li>" for (name, country), group in groups.items())
    notes = "".join(f"<li>{_e(note)}</li>" for note in numbers.notes)
    meta = " ".join(t for t in (numbers.summary, label("more_numbers", lang)) if t)
    return (f'<section class="numbers"><h2>{_e(label("in_danger", lang))}</h2>'
            f'<ul class="countries">{"".join(items)}</ul>'
            + (f'<ul class="hot" aria-label="{_e(label("hotlines", lang))}">{hot}</ul>' if hot else "")
            + (f'<ol class="notes">{notes}</ol>' if notes else "")
            + f'<p class="meta">{_e(meta)}</p></section>')


def _brand(card: CardView) -> str:
    draft = f'<span class="draft">{_e(bot_text("draft translation", card.lang))}</span>' if card.draft else ""
    return (f'<header class="brand"><span class="name">Safe Road</span>'
            f'<span class="tagline">{_e(label("tagline", card.lang))}</span>'
            f'<span class="lang">{_e(LANGUAGE_NAMES.get(card.lang, card.lang))}</span>{draft}</header>')


def _points(card: CardView) -> str:
    items = "".join(f'<li>{_e(p.text)} <span class="src">[{_e(p.sources)}]</span></li>' for p in card.points)
    return f'<ul class="points">{items}</ul>'


def _link_text(url: str) -> str:
    """The link with a line-break chance only before ``?start=``: a break inside the topic id (at its hyphen)
    would read as a hyphenated word and be typed wrong."""
    head, sep, tail = url.partition("?")
    if not sep:
        return f'<span class="nowrap">{_e(url)}</span>'
    return f'<span class="nowrap">{_e(head)}</span><wbr><span class="nowrap">?{_e(tail)}</span>'


def _reach(card: CardView, root: str) -> str:
    lang = card.lang
    return (f'<footer class="reach"><img class="qr" src="{_e(root)}qr/{_e(card.stem)}.svg" '
            f'alt="QR: {_e(card.url)}">'
            f'<div class="how"><p class="scan">{_e(label("scan", lang))}</p>'
            f'<p>{_e(label("no_camera", lang))}</p>'
            f'<p class="link"><a href="{_e(card.url)}">{_link_text(card.display_url)}</a><br>@{_e(card.username)}</p>'
            f'<p class="free">{_e(label("free", lang))} '
            f'{_e(label("made", lang).format(date=card.made.isoformat()))}</p></div></footer>')


def _body(card: CardView, numbers: str) -> str:
    """The answer and the numbers; on the emergency card the numbers come first, as in the chat."""
    if card.numbers_first:
        return f'<div class="first">{numbers}</div>{_points(card)}'
    return _points(card) + numbers


def card_article(card: CardView, root: str = "../") -> str:
    """One A6 card; ``root`` is the way from the page to the kit's top folder (for the QR image)."""
    return (f'<article class="card {fit_class(card.length)}" lang="{_e(card.lang)}" id="{_e(card.stem)}">'
            f"{_brand(card)}<h1>{_e(card.title)}</h1>{_body(card, numbers_block(card.numbers, card.lang))}"
            f"{_reach(card, root)}</article>")


def poster_article(card: CardView, root: str = "../") -> str:
    return (f'<article class="poster {fit_class(card.length, poster=True)}" lang="{_e(card.lang)}">'
            f"{_brand(card)}<h1>{_e(card.title)}</h1>"
            f"{_body(card, numbers_block(card.numbers, card.lang, poster=True))}{_reach(card, root)}</article>")


def sheets(cards: Sequence[CardView], root: str = "../") -> str:
    """Cards four to an A4 page (2 x 2), in order; the last page is filled with blanks if needed."""
    pages = []
    for start in range(0, len(cards), 4):
        group = [card_article(c, root) for c in cards[start:start + 4]]
        group += ['<div class="card blank"></div>'] * (4 - len(group))
        pages.append(f'<div class="sheet">{"".join(group)}</div>')
    return "".join(pages)


def page(title: str, lang: str, kind: str, body: str, root: str = "../", body_class: str = "pages") -> str:
    """A complete HTML document: the shared stylesheet plus the ``@page`` rule for this kind of page."""
    return (f'<!doctype html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title>"
            f'<link rel="stylesheet" href="{_e(root)}assets/kit.css">'
            + (f'<script src="{_e(root)}assets/fit.js" defer></script>' if kind != "index" else "") +
            f"<style>{PAGE_RULES[kind]}</style></head>"
            f'<body class="{_e(body_class)}">{body}</body></html>\n')


def card_page(card: CardView) -> str:
    return page(f"{card.title} | Safe Road", card.lang, "card", card_article(card), body_class="bare")


def sheet_page(card: CardView) -> str:
    """Four copies of one card on an A4 page: print it to hand out many leaflets of one topic."""
    return page(f"{card.title} (4 x A6) | Safe Road", card.lang, "sheet", sheets([card] * 4))


def poster_page(card: CardView) -> str:
    return page(f"{card.title} (A4) | Safe Road", card.lang, "poster", poster_article(card), body_class="bare")


def all_cards_page(cards: Sequence[CardView], lang: str) -> str:
    return page(f"Safe Road: {label('all_cards', lang)}", lang, "sheet", sheets(cards))


def qr_note(lang: str, module_mm: float, error: str) -> str:
    return label("qr_note", lang).format(card_mm=f"{CARD_QR_MM:g}", poster_mm=f"{POSTER_QR_MM:g}",
                                         module_mm=f"{module_mm:.2f}", error=error)


def _directory(section: LanguageSection) -> str:
    """Every phone number with its warning, source and both dates, as the bot shows them."""
    if not section.directory:
        return ""
    lang = section.lang
    rows = "".join(
        f'<tr><td>{_e(r.country)}</td><td class="nowrap"><b>{_e(r.number)}</b></td><td>{_e(r.name)}'
        + (f'<br><span class="warn">{_e(r.note)}</span>' if r.note else "")
        + f'</td><td class="src">{_e(r.source)}</td><td>{_e(r.read)} {_e(r.call)}</td></tr>'
        for r in section.directory)
    heading = bot_text(N_("Phone numbers, with where each comes from and when it was read and called"), lang)
    return f'<h3>{_e(heading)}</h3><table class="directory"><tbody>{rows}</tbody></table>'


def index_page(sections: Iterable[LanguageSection], made: dt.date, username: str) -> str:
    """The kit's front page: every topic in every language, with links to each of its files."""
    sections = list(sections)
    nav = " ".join(f'<a href="#{_e(s.lang)}">{_e(LANGUAGE_NAMES.get(s.lang, s.lang))}</a>' for s in sections)
    parts = [f'<main class="index"><h1>Safe Road: {_e(" / ".join(label("kit_title", lg) for lg in LANGUAGES))}'
             f'</h1><p class="note">@{_e(username)} · {_e(made.isoformat())}</p><nav>{nav}</nav>']
    for s in sections:
        lang = s.lang
        pdf = (f'<a href="{_e(s.pdf)}">{_e(label("pdf", lang))}</a>' if s.pdf
               else f'<span class="note">{_e(label("no_pdf", lang))}</span>')
        rows = []
        for row in s.rows:
            files = " ".join(f'<a href="{_e(path)}">{_e(text)}</a>' for text, path in row.files)
            draft = (f' <span class="draft">({_e(bot_text("draft translation", lang))})</span>'
                     if row.card.draft else "")
            link = f'<a href="{_e(row.card.url)}">{_link_text(row.card.display_url)}</a>'
            summary = f'<br><span class="summary">{_e(row.card.summary)}</span>' if row.card.summary else ""
            rows.append(f'<tr><td class="thumb"><img src="qr/{_e(row.card.stem)}.svg" alt="QR"></td>'
                        f'<td>{_e(row.card.title)}{draft}{summary}</td><td class="files">{files}</td>'
                        f'<td class="link">{link}</td></tr>')
        parts.append(
            f'<section id="{_e(lang)}" lang="{_e(lang)}"><h2>{_e(LANGUAGE_NAMES.get(lang, lang))}: '
            f'{_e(label("kit_title", lang))}</h2><p>{_e(label("kit_intro", lang))}</p>'
            f'<p class="whole"><a href="{_e(s.all_cards)}">{_e(label("all_cards", lang))}</a> · {pdf}<br>'
            f'{_e(label("print_help", lang))}</p>'
            f'<table><thead><tr><th>{_e(label("qr", lang))}</th><th>{_e(label("topic", lang))}</th><th></th>'
            f'<th>{_e(label("link", lang))}</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table><p class="note">{_e(s.qr_note)}</p>'
            f'{_directory(s)}</section>')
    parts.append("</main>")
    return page("Safe Road: outreach kit", "en", "index", "".join(parts), root="", body_class="")
