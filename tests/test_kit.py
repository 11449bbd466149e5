"""The outreach kit (``python -m bot kit``), built from the real content.

Checked here: every topic and language gets its card, sheet, poster and QR files; every QR code decodes back to its
deep link, both the PNG for messengers and the code as Chromium draws it on the printed sheet; every link in the
kit's pages resolves to a file; no answer overflows its card or poster; the PDFs have one A4 page per four cards;
and the Tajik letters are drawn by the shipped font, not as boxes, in a browser that has no other font for them.

The browser and zbar tests need ``chromium`` and ``zbarimg`` (Debian: ``apt-get install -y chromium zbar-tools``);
the font tests need ``fonttools``. Each is skipped, with the reason, only when its tool is missing.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from bot import LANGUAGES
from bot.cli import main as cli_main
from bot.content import Content, load_content
from bot.core.deeplink import link
from bot.kit import html, pdf, qr
from bot.kit.build import FONTS_DIR, KitResult, build_kit, topic_order
from bot.kit.style import FONT_FAMILY, FONT_FILES

USERNAME = "SafeRoadKitTestBot"
TODAY = dt.date(2026, 1, 15)
CHROMIUM = pdf.find_chromium()
ZBARIMG = shutil.which("zbarimg")
TAJIK = "ғӣқӯҳҷҒӢҚӮҲҶ"

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed: apt-get install -y chromium")
needs_zbar = pytest.mark.skipif(ZBARIMG is None, reason="zbarimg not installed: apt-get install -y zbar-tools")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory, content: Content) -> KitResult:
    """One full build (with PDFs when Chromium is here), shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("kit")
    return build_kit(out, USERNAME, content, make_pdf=CHROMIUM is not None, today=TODAY)


# -- helpers ---------------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_in(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def zbar(*images: Path) -> list[str]:
    """Every QR payload zbar finds in the images (``--raw``: the data only, one symbol a line)."""
    proc = subprocess.run([ZBARIMG, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", *map(str, images)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode in (0, 4), proc.stderr  # 4: no symbol found, reported by the assertions below
    return proc.stdout.split()


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into rows of bytes; no imaging library needed."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = depth = ctype = 0
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and ctype in (2, 6), (depth, ctype)
    bpp = 4 if ctype == 6 else 3
    raw, stride = zlib.decompress(idat), width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        filt, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if filt == 1:
                line[i] = (line[i] + a) & 0xFF
            elif filt == 2:
                line[i] = (line[i] + b) & 0xFF
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line[j] for j in range(stride) if j % bpp == 0))  # red channel: enough for black ink
        prev = line
    return width, height, rows


def cell(rows: list[bytes], x: int, y: int, size: int) -> tuple[int, ...]:
    """A cell of the screenshot as ink (1) / paper (0) pixels."""
    return tuple(1 if rows[y + j][x + i] < 128 else 0 for j in range(size) for i in range(size))


# -- the files -------------------------------------------------------------------------------------------------


def test_every_topic_and_language_has_its_files(kit: KitResult, content: Content) -> None:
    out = kit.out
    assert len(kit.cards) == len(content.topics) * len(LANGUAGES)
    for topic_id in content.topics:
        for lang in LANGUAGES:
            stem = f"{topic_id}-{lang}"
            for rel in (f"cards/{stem}.html", f"sheets/{stem}.html", f"posters/{stem}.html", f"qr/{stem}.svg",
                        f"qr/{stem}.png"):
                assert (out / rel).is_file(), rel
    for lang in LANGUAGES:
        assert (out / f"sheets/all-cards-{lang}.html").is_file()
    for name in (*FONT_FILES.values(), "LICENSE-DejaVu.txt"):
        assert (out / "assets" / "fonts" / name).read_bytes() == (FONTS_DIR / name).read_bytes()


def test_cards_say_what_the_bot_says(kit: KitResult, content: Content) -> None:
    """Title, every point of the short answer, sources, the draft mark, numbers with their dates, the link."""
    for card in kit.cards:
        topic = content.topics[card.topic_id]
        page = (kit.out / "cards" / f"{card.stem}.html").read_text(encoding="utf-8")
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", page))
        assert topic.title[card.lang] in text
        for point in topic.answer:
            assert point.text[card.lang] in text
        assert ("[" + card.points[0].sources + "]") in text
        assert (html.bot_text("draft translation", card.lang) in text) == (not topic.reviewed[card.lang])
        for country in content.countries:
            for line in country.lines:
                if line.kind == "emergency" or (line.last_call and line.last_call.result == "answered"):
                    assert line.number in text, (card.stem, line.number)
        assert card.url == link(USERNAME, card.topic_id, card.lang)
        assert f'href="{card.url}"' in page and card.display_url in text.replace("\u200b", "")
        assert f'src="../qr/{card.stem}.svg"' in page


def test_order_follows_the_menu(content: Content) -> None:
    order = topic_order(content)
    assert order[:2] == list(content.menu.main)
    assert sorted(order) == sorted(content.topics)


def printed_numbers(page: str) -> dict[str, str]:
    """Each number printed in a page's numbers block, with its footnote mark ("" when it has none)."""
    block = re.search(r'<section class="numbers">(.*?)</section>', page, re.S).group(1)
    return {html_lib.unescape(num): html_lib.unescape(mark) for num, mark in re.findall(
        r'(?:<span class="num">|<b>)([^<]+)(?:</span>|</b>)(?:<sup class="mark">([^<]+)</sup>)?', block)}


def test_every_printed_number_carries_its_note_and_both_dates(kit: KitResult, content: Content) -> None:
    """Cards, sheets and posters: each number's warning note, its test call, and its read date (in its footnote
    or in the shared dates line) are printed with it; nothing the chat says about a number is dropped."""
    by_number: dict[str, list] = {}
    for country in content.countries:
        for line in country.lines:
            by_number.setdefault(line.number, []).append(line)
    pages = [kit.out / sub / f"{card.stem}.html" for card in kit.cards for sub in ("cards", "sheets", "posters")]
    shared = Counter(line.read for country in content.countries for line in country.lines).most_common(1)[0][0]
    for path in pages:
        page = path.read_text(encoding="utf-8")
        lang = re.search(r'<html lang="(\w+)"', page).group(1)
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", page))
        numbers = printed_numbers(page)
        assert numbers, path
        notes = {m.group(1): m.group(2) for m in re.finditer(r"<li>([⁰¹²³⁴⁵⁶⁷⁸⁹]+) ([^<]+)</li>",
                                                             html_lib.unescape(page))}
        for number, mark in numbers.items():
            footnote = notes.get(mark, "")

            def told(line, footnote=footnote, lang=lang, text=text) -> bool:  # 999: police in the UAE and Saudi
                return ((not line.note or line.note[lang] in footnote)
                        and (not line.last_call or line.last_call.date.isoformat() in footnote)
                        and (line.read.isoformat() in footnote or line.read.isoformat() in text))

            assert any(told(line) for line in by_number[number]), (path.name, number, footnote)
        assert shared.isoformat() in text  # the read date most numbers share, stated once
        for label in ("Numbers checked", "Номера проверены", "Рақамҳо санҷида шуданд"):
            assert label not in text, "a read date must not pass for a test call"


def test_the_index_lists_every_number_with_its_note_and_both_dates(kit: KitResult, content: Content) -> None:
    index = html_lib.unescape((kit.out / "index.html").read_text(encoding="utf-8"))
    for country in content.countries:
        for line in country.lines:
            for lang in LANGUAGES:
                row = re.search(rf"<tr><td>{re.escape(country.name[lang])}</td><td class=\"nowrap\"><b>"
                                rf"{re.escape(line.number)}</b></td>(.*?)</tr>", index, re.S)
                assert row, (line.number, lang)
                cells = row.group(1)
                assert line.read.isoformat() in cells and line.source_date in cells
                if line.note:
                    assert line.note[lang] in cells
                if line.last_call:
                    assert line.last_call.date.isoformat() in cells
                else:
                    assert html.bot_text("Never test-called.", lang) in cells


def test_text_is_escaped(content: Content) -> None:
    number = html.NumberView("112", "a&b", "<X>", "¹")
    numbers = html.NumbersView((html.CountryView("<b>X</b>", (number,)),), (number,), ("¹ <i>note</i>",), "")
    card = html.CardView("t", "en", '<script>alert("x")</script>', (html.PointView("1 < 2 & 3 > 2", "a\"b"),),
                         True, "https://t.me/Bot?start=t-en", "Bot", numbers, TODAY)
    page = html.card_page(card) + html.poster_page(card)
    assert "<script>alert" not in page and "<b>X</b>" not in page
    assert "&lt;script&gt;" in page and "1 &lt; 2 &amp; 3 &gt; 2" in page and "a&amp;b" in page


def test_qr_codes_are_big_and_robust_enough(kit: KitResult) -> None:
    """At least error correction M, and on an A6 card a code of at least 25 mm with modules of 0.6 mm or more."""
    for files in kit.qr.values():
        assert files.error in ("M", "Q", "H")
        assert files.symbol_mm(qr.CARD_QR_MM) >= 25.0
        assert files.module_mm(qr.CARD_QR_MM) >= 0.6
        svg = files.svg.read_text(encoding="utf-8")
        assert "viewBox" in svg and 'width="' not in svg.split(">", 1)[0]
    css = (kit.out / "assets" / "kit.css").read_text(encoding="utf-8")
    assert f"width: {qr.CARD_QR_MM:g}mm" in css and f"width: {qr.POSTER_QR_MM:g}mm" in css


@needs_zbar
def test_every_qr_png_decodes_to_its_deep_link(kit: KitResult) -> None:
    stems = sorted(kit.qr)
    decoded = zbar(*(kit.qr[s].png for s in stems))
    expected = [next(c.url for c in kit.cards if c.stem == s) for s in stems]
    assert decoded == expected


@needs_zbar
@needs_chromium
def test_qr_codes_decode_as_printed_on_the_sheets(kit: KitResult, tmp_path: Path) -> None:
    """The SVG codes as Chromium lays them out on the A4 sheets (at 96 dpi, coarser than any printer)."""
    for lang in LANGUAGES:
        cards = [c for c in kit.cards if c.lang == lang]
        sheets = -(-len(cards) // 4)
        shot = pdf.screenshot(kit.out / "sheets" / f"all-cards-{lang}.html", tmp_path / f"{lang}.png", CHROMIUM,
                              900, sheets * 1160 + 60)
        assert sorted(zbar(shot)) == sorted(c.url for c in cards)


def test_every_link_in_the_kit_resolves(kit: KitResult) -> None:
    """Relative links point at files in the kit; the only absolute links are the bot's own deep links."""
    deep_links = {c.url for c in kit.cards}
    pages = sorted(kit.out.rglob("*.html"))
    index_links = links_in(kit.out / "index.html")
    for card in kit.cards:
        assert f"cards/{card.stem}.html" in index_links and f"posters/{card.stem}.html" in index_links
    for page in pages:
        for target in links_in(page):
            parts = urlsplit(target)
            if parts.scheme:
                assert parts.scheme == "https" and target in deep_links, (page, target)
                continue
            if not parts.path:
                continue
            resolved = (page.parent / unquote(parts.path)).resolve()
            assert resolved.is_file(), (page, target)
            assert resolved.is_relative_to(kit.out.resolve()), (page, target)
    css = kit.out / "assets" / "kit.css"
    for target in re.findall(r'url\("([^"]+)"\)', css.read_text(encoding="utf-8")):
        assert (css.parent / target).is_file(), target


def test_index_lists_every_topic_in_every_language(kit: KitResult, content: Content) -> None:
    """Each topic with its title and its whole one-line summary, so an outreach worker sees what each card says."""
    text = html_lib.unescape((kit.out / "index.html").read_text(encoding="utf-8"))
    for card in kit.cards:
        assert card.title in text
        assert card.summary == content.topics[card.topic_id].summary[card.lang]
        assert f'<span class="summary">{card.summary}</span>' in text


# -- fonts -----------------------------------------------------------------------------------------------------


def test_shipped_font_covers_every_letter_on_the_cards(kit: KitResult) -> None:
    ttlib = pytest.importorskip("fontTools.ttLib", reason="fonttools not installed: pip install fonttools")
    text = TAJIK + "".join(
        re.sub(r"<[^>]+>", "", html_lib.unescape(p.read_text(encoding="utf-8")))
        for p in sorted((kit.out / "cards").glob("*.html")) + sorted((kit.out / "posters").glob("*.html")))
    needed = {ch for ch in text if not ch.isspace() and ch not in "\u200b\u00ad"}
    for name in FONT_FILES.values():
        cmap = ttlib.TTFont(FONTS_DIR / name).getBestCmap()
        missing = sorted(ch for ch in needed if ord(ch) not in cmap)
        assert not missing, f"{name} lacks {missing}"


def _latin_only_font(folder: Path) -> Path:
    """A font with Latin letters only, standing in for a system font that has no Tajik letters."""
    subset = pytest.importorskip("fontTools.subset", reason="fonttools not installed: pip install fonttools")
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS_DIR / FONT_FILES[400])
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17):
            record.string = "KitTestLatin"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "latin.ttf"
    font.save(path)
    return path


@needs_chromium
def test_tajik_letters_are_drawn_by_the_shipped_font_not_as_boxes(kit: KitResult, tmp_path: Path) -> None:
    """Chromium sees one system font, without Tajik letters; the page asks for them in the kit's font and, as a
    control, in the system font. Each letter in the kit's font must differ from the box (.notdef) the system
    font draws and from every other letter; in the system font all twelve must be the same box, which proves no
    other font could have drawn them."""
    fonts = _latin_only_font(tmp_path / "fonts")
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
                      f"<fontconfig><dir>{fonts.parent}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
                      f"</fontconfig>", encoding="utf-8")
    size = 64
    cells = []
    for i, ch in enumerate(TAJIK):
        cells.append(f'<div class="c k" style="left:{i * size}px;top:0">{ch}</div>')
        cells.append(f'<div class="c s" style="left:{i * size}px;top:{size}px">{ch}</div>')
    page = kit.out / "glyph-test.html"
    style = (f"body {{ margin: 0; background: #fff; }} .c {{ position: absolute; width: {size}px; height: {size}px; "
             f"font-size: 44px; line-height: {size}px; text-align: center; color: #000; overflow: hidden; }} "
             f".k {{ font-family: '{FONT_FAMILY}'; }} .s {{ font-family: 'KitTestLatin'; }}")
    page.write_text(
        '<!doctype html><html lang="tg"><head><meta charset="utf-8"><link rel="stylesheet" href="assets/kit.css">'
        f"<style>{style}</style></head><body>{''.join(cells)}</body></html>", encoding="utf-8")
    # The window is taller than the two rows: headless Chromium may give a short window less room than asked.
    shot = pdf.screenshot(page, tmp_path / "glyphs.png", CHROMIUM, size * len(TAJIK), size * 2 + 300,
                          env={"FONTCONFIG_FILE": str(config)})
    _, _, rows = read_png(shot)
    kit_cells = [cell(rows, i * size, 0, size) for i in range(len(TAJIK))]
    box_cells = [cell(rows, i * size, size, size) for i in range(len(TAJIK))]
    assert all(sum(c) > 20 for c in box_cells), "the control row drew nothing"
    assert len(set(box_cells)) == 1, "a system font drew Tajik letters: the control is not a control"
    for ch, kit_cell in zip(TAJIK, kit_cells):
        assert sum(kit_cell) > 20, f"{ch} not drawn"
        assert kit_cell != box_cells[0], f"{ch} drawn as a box"
    assert len(set(kit_cells)) == len(TAJIK), "two Tajik letters look the same: boxes?"


@needs_chromium
def test_a_tajik_card_renders_in_the_browser(kit: KitResult, tmp_path: Path) -> None:
    """A real Tajik card in a browser whose only system font lacks Tajik letters: it is drawn (not blank) and
    differs from the same page forced onto the system font, which shows every Cyrillic letter as a box."""
    fonts = _latin_only_font(tmp_path / "fonts")
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
                      f"<fontconfig><dir>{fonts.parent}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
                      f"</fontconfig>", encoding="utf-8")
    env = {"FONTCONFIG_FILE": str(config)}
    card = kit.out / "cards" / "passport_taken-tg.html"
    with_font = pdf.screenshot(card, tmp_path / "card.png", CHROMIUM, 397, 600, env=env)
    broken = kit.out / "cards" / "_no-font.html"
    broken.write_text(card.read_text(encoding="utf-8").replace(
        "</head>", "<style>body, .card { font-family: 'KitTestLatin' !important; }</style></head>"),
        encoding="utf-8")
    without_font = pdf.screenshot(broken, tmp_path / "boxes.png", CHROMIUM, 397, 600, env=env)
    width, height, rows = read_png(with_font)
    assert (width, height) == (397, 600)
    ink = sum(row.count(0) for row in rows)
    assert ink > 2000, "the card is blank"
    assert read_png(without_font)[2] != rows


# -- fitting and PDFs ------------------------------------------------------------------------------------------


@needs_chromium
def test_no_answer_overflows_its_card_or_poster(kit: KitResult) -> None:
    """Every card and poster of every language, laid out by Chromium after ``fit.js`` chose the font step."""
    body = "".join(html.card_article(c) for c in kit.cards) + "".join(html.poster_article(c) for c in kit.cards)
    probe = """<script>
    function report() {
      if (document.documentElement.getAttribute('data-fitted') !== 'yes') { setTimeout(report, 20); return; }
      var out = [];
      document.querySelectorAll('article').forEach(function (a) {
        var p = a.querySelector('.points');
        out.push([a.className.split(' ')[0], a.id || a.querySelector('h1').textContent, a.getAttribute('data-fit'),
                  a.scrollHeight - a.clientHeight, a.scrollWidth - a.clientWidth, p.scrollHeight - p.clientHeight]);
      });
      document.body.innerHTML = '<pre id="result">' + JSON.stringify(out) + '</pre>';
    }
    report();
    </script>"""
    page = kit.out / "sheets" / "_fit-check.html"
    page.write_text(html.page("fit check", "en", "sheet", body + probe, body_class="bare"), encoding="utf-8")
    dom = pdf.dump_dom(page, CHROMIUM)
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    results = json.loads(html_lib.unescape(found.group(1)))
    assert len(results) == 2 * len(kit.cards)
    bad = [r for r in results if r[2] == "overflow" or r[3] > 1 or r[4] > 1 or r[5] > 1]
    assert not bad, bad


@needs_chromium
def test_one_pdf_per_language_four_cards_to_an_a4_page(kit: KitResult) -> None:
    assert set(kit.pdfs) == set(LANGUAGES) and kit.pdf_problem is None
    for lang, path in kit.pdfs.items():
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        n_cards = sum(1 for c in kit.cards if c.lang == lang)
        assert len(re.findall(rb"/Type\s*/Page\b", data)) == -(-n_cards // 4)
        for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data):
            w, h = (float(v) for v in box.split()[2:4])
            assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, box  # A4 in points
        assert b"DejaVuSansCondensed" in data  # the shipped font is embedded
    index = (kit.out / "index.html").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        assert f'href="pdf/safe-road-cards-{lang}.pdf"' in index


# -- the command -----------------------------------------------------------------------------------------------


def test_command_without_pdf_and_rebuild(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kit"
    assert cli_main(["kit", "--bot-username", "@" + USERNAME, "--out", str(out), "--no-pdf"]) == 0
    assert (out / "index.html").is_file() and not (out / "pdf").exists()
    assert f"Kit written to {out}/" in capsys.readouterr().out
    stale = out / "cards" / "removed_topic-tg.html"
    stale.write_text("old", encoding="utf-8")
    assert cli_main(["kit", "--bot-username", USERNAME, "--out", str(out), "--no-pdf"]) == 0
    assert not stale.exists()


def test_command_without_chromium_explains_how_to_get_pdfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    assert cli_main(["kit", "--bot-username", USERNAME, "--out", str(tmp_path / "kit")]) == 0
    err = capsys.readouterr().err
    assert "apt-get install -y chromium" in err and "--no-pdf" in err
    assert (tmp_path / "kit" / "index.html").is_file()


def test_command_needs_a_valid_username(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_USERNAME", raising=False)
    assert cli_main(["kit", "--out", str(tmp_path / "a"), "--no-pdf"]) == 2
    assert cli_main(["kit", "--bot-username", "no spaces!", "--out", str(tmp_path / "b"), "--no-pdf"]) == 2
    assert not (tmp_path / "b").exists()
