"""``python -m bot kit``: build the printable outreach kit into a folder.

NGO workers hand out leaflets and put up posters in villages, at airports and in migrant centres, often with no
internet. The kit is a self-contained folder: ``index.html`` lists every topic in every language; each topic and
language has an A6 card, an A4 sheet of four such cards, an A4 poster and a QR code (SVG for print, PNG for
messengers) of the deep link that opens the bot on that topic in that language. With Chromium installed, one PDF per
language holds all its cards, four to an A4 page, printed from the same HTML.

Layout of the folder::

    index.html
    assets/kit.css, assets/fit.js, assets/fonts/*.ttf (+ licence)
    cards/<topic>-<lang>.html      one A6 card
    sheets/<topic>-<lang>.html     four copies of it on A4
    sheets/all-cards-<lang>.html   every card of a language, four to an A4 page
    posters/<topic>-<lang>.html    A4 poster
    qr/<topic>-<lang>.svg|png
    pdf/safe-road-cards-<lang>.pdf
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot import LANGUAGES
from bot.content import Content, ContentError, Country, Line, Topic, load_content
from bot.core.deeplink import link
from bot.core.dialogue import source_names
from bot.core.numbers import call_text, footnotes, read_text
from bot.core.understanding import EMERGENCY
from bot.kit import html, pdf, qr
from bot.kit.labels import label
from bot.kit.style import CSS, FIT_JS, FONT_FILES, FONT_LICENCE

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
#: Marks a folder as a kit, so a rebuild may clear the kit's own sub-folders (and never anything else).
MARKER = ".safe-road-kit"
_OWN_DIRS = ("assets", "cards", "sheets", "posters", "qr", "pdf")
#: Telegram usernames: 5-32 letters, digits and underscores, starting with a letter.
_USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")


@dataclass
class KitResult:
    """What a build wrote, for the command's summary and for the tests."""

    out: Path
    cards: list[html.CardView] = field(default_factory=list)
    qr: dict[str, qr.QrFiles] = field(default_factory=dict)  # by stem
    pdfs: dict[str, Path] = field(default_factory=dict)  # by language
    pdf_problem: str | None = None


def topic_order(content: Content) -> list[str]:
    """Topics in menu order (emergency and hotlines first, then each section), so the printed set reads like the
    bot's menu; topics missing from the menu come last."""
    ordered = list(content.menu.main)
    for section in content.menu.sections:
        ordered.extend(section.topics)
    ordered.extend(content.topics)
    return [t for t in dict.fromkeys(ordered) if t in content.topics]


def numbers_view(content: Content, lang: str) -> html.NumbersView:
    """The numbers every card and poster of ``lang`` prints: per country the emergency number (the police where
    there is no single number), and the hotlines that answered their last test call; every other number is in the
    kit index and the bot. Each number carries the mark of its footnote: its warning note, its test call and its
    read date when it differs from the one the others share, so nothing the chat says about a number is lost on
    paper."""
    rows: list[tuple[Country, list[Line]]] = []
    for country in content.countries:
        general = [ln for ln in country.lines if ln.kind == "emergency"]
        police = [ln for ln in country.lines if ln.kind == "police"]
        ambulance = [ln for ln in country.lines if ln.kind == "ambulance"]
        main = (general or police or ambulance)[:1]
        rows.append((country, main))
    hot = [(country, line) for country in content.countries for line in country.lines if line.kind == "hotline"
           and line.last_call is not None and line.last_call.result == "answered"]
    printed = [line for _c, lines in rows for line in lines] + [line for _c, line in hot]
    notes = footnotes(printed, lang)
    marks = iter(notes.marks)

    def view(line: Line, country: Country) -> html.NumberView:
        return html.NumberView(line.number, line.name[lang], country.name[lang], next(marks))

    countries = tuple(html.CountryView(c.name[lang], tuple(view(ln, c) for ln in lines)) for c, lines in rows)
    hotlines = tuple(view(line, country) for country, line in hot)
    return html.NumbersView(countries, hotlines, notes.notes, notes.summary)


def directory(content: Content, lang: str) -> tuple[html.DirectoryRow, ...]:
    """Every number of every country for the kit index, with its note, source and both dates: the page an NGO
    worker checks before trusting or re-printing a number."""
    return tuple(html.DirectoryRow(
        country=country.name[lang], number=line.number, name=line.name[lang],
        note=line.note[lang] if line.note else "", source=f"{line.source} ({line.source_date})",
        read=read_text(line, lang), call=call_text(line.last_call, lang))
        for country in content.countries for line in country.lines)


def _sources(content: Content, sources: tuple[str, ...], lang: str) -> str:
    """Sources named as the chat names them (short titles; ``general`` as general safety advice)."""
    return "; ".join(source_names(content, sources, lang))


def card_view(content: Content, topic: Topic, lang: str, username: str, numbers: html.NumbersView,
              made: dt.date) -> html.CardView:
    points = tuple(html.PointView(p.text[lang], _sources(content, p.sources, lang)) for p in topic.answer)
    return html.CardView(topic_id=topic.id, lang=lang, title=topic.title[lang], points=points,
                         draft=not topic.reviewed.get(lang, False), url=link(username, topic.id, lang),
                         username=username, numbers=numbers, made=made, numbers_first=topic.id == EMERGENCY,
                         summary=topic.summary.get(lang, ""))


def _prepare(out: Path) -> None:
    """Create ``out``; on a rebuild of an earlier kit, clear its own sub-folders so removed topics disappear."""
    if (out / MARKER).exists():
        for name in _OWN_DIRS:
            shutil.rmtree(out / name, ignore_errors=True)
        (out / "index.html").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Made by `python -m bot kit`; a rebuild replaces this folder's kit files.\n",
                              encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _assets(out: Path) -> None:
    fonts = out / "assets" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for name in (*FONT_FILES.values(), FONT_LICENCE):
        shutil.copyfile(FONTS_DIR / name, fonts / name)
    _write(out / "assets" / "kit.css", CSS)
    _write(out / "assets" / "fit.js", FIT_JS)


def _today() -> dt.date:
    """Today, or ``SOURCE_DATE_EPOCH`` when set, so two builds of the same content are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def build_kit(out: Path, bot_username: str, content: Content | None = None, make_pdf: bool = True,
              chromium: str | None = None, today: dt.date | None = None) -> KitResult:
    """Write the whole kit into ``out``; PDFs only when ``make_pdf`` and a Chromium is found.

    A missing Chromium is not an error (``pdf_problem`` says how to get one); a Chromium that fails raises
    :class:`bot.kit.pdf.BrowserError` after the HTML and QR files are written.
    """
    username = bot_username.lstrip("@")
    if not _USERNAME_RE.match(username):
        raise ValueError(f"not a Telegram username: {bot_username!r}")
    content = content or load_content()
    made = today or _today()
    out = Path(out)
    _prepare(out)
    _assets(out)
    result = KitResult(out=out)

    by_lang: dict[str, list[html.CardView]] = {lang: [] for lang in LANGUAGES}
    for lang in LANGUAGES:
        numbers = numbers_view(content, lang)
        for topic_id in topic_order(content):
            card = card_view(content, content.topics[topic_id], lang, username, numbers, made)
            by_lang[lang].append(card)
            result.cards.append(card)
            result.qr[card.stem] = qr.write(card.url, out / "qr", card.stem, title=card.title)
            _write(out / "cards" / f"{card.stem}.html", html.card_page(card))
            _write(out / "sheets" / f"{card.stem}.html", html.sheet_page(card))
            _write(out / "posters" / f"{card.stem}.html", html.poster_page(card))
        _write(out / "sheets" / f"all-cards-{lang}.html", html.all_cards_page(by_lang[lang], lang))

    browser_error: pdf.BrowserError | None = None
    if make_pdf:
        binary = chromium or pdf.find_chromium()
        if binary is None:
            result.pdf_problem = pdf.install_hint()
        else:
            try:
                for lang in LANGUAGES:
                    result.pdfs[lang] = pdf.print_pdf(out / "sheets" / f"all-cards-{lang}.html",
                                                      out / "pdf" / f"safe-road-cards-{lang}.pdf", binary)
            except pdf.BrowserError as exc:
                result.pdf_problem = str(exc)
                browser_error = exc

    smallest_module = min(f.module_mm() for f in result.qr.values()) if result.qr else 0.0
    error = min((f.error for f in result.qr.values()), default="M")
    sections = []
    for lang in LANGUAGES:
        rows = tuple(html.IndexRow(card, (
            (label("card", lang), f"cards/{card.stem}.html"),
            (label("sheet", lang), f"sheets/{card.stem}.html"),
            (label("poster", lang), f"posters/{card.stem}.html"),
            ("QR SVG", f"qr/{card.stem}.svg"),
            ("QR PNG", f"qr/{card.stem}.png"),
        )) for card in by_lang[lang])
        pdf_path = f"pdf/{result.pdfs[lang].name}" if lang in result.pdfs else None
        sections.append(html.LanguageSection(lang, rows, f"sheets/all-cards-{lang}.html", pdf_path,
                                             html.qr_note(lang, smallest_module, error), directory(content, lang)))
    _write(out / "index.html", html.index_page(sections, made, username))
    if browser_error is not None:
        raise browser_error
    return result


def main(args: argparse.Namespace) -> int:
    """The ``kit`` command: build, then say what was written and, if PDFs are missing, how to get them."""
    from bot.settings import bot_username_from_env

    username = getattr(args, "bot_username", None) or bot_username_from_env()
    if not username:
        print("Give the bot's username: --bot-username NAME (or set BOT_USERNAME).", file=sys.stderr)
        return 2
    out = Path(getattr(args, "out", None) or "kit")
    try:
        result = build_kit(out, username, make_pdf=not getattr(args, "no_pdf", False))
    except ValueError as exc:
        print(f"{exc}. A bot's username is 5-32 letters, digits or _, as in t.me/NAME.", file=sys.stderr)
        return 2
    except ContentError as exc:
        print("The content has errors; fix them and build again:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except pdf.BrowserError as exc:
        print(f"The kit's pages and QR codes are in {out}/, but printing the PDFs failed:\n{exc}",
              file=sys.stderr)
        return 1
    n_topics = len(result.cards) // len(LANGUAGES)
    print(f"Kit written to {out}/: {n_topics} topics x {len(LANGUAGES)} languages = {len(result.cards)} cards, "
          f"posters and QR codes. Open {out / 'index.html'}.")
    for lang, path in result.pdfs.items():
        print(f"  PDF ({lang}): {path}")
    if result.pdf_problem:
        print(result.pdf_problem, file=sys.stderr)
    return 0
