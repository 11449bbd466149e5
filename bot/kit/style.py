"""The kit's stylesheet (written to ``assets/kit.css``) and the per-page ``@page`` rules.

Everything is sized in millimetres and points, so a page prints at the same size from a browser and from the PDF.
The font is embedded with ``@font-face`` under a family name of its own, so a page never silently falls back to a
system font that has no Tajik letters; colour is kept to thin lines and a pale box, which cheap printers and
photocopiers reproduce well.
"""

from __future__ import annotations

from string import Template

from bot.kit.qr import CARD_QR_MM, POSTER_QR_MM

FONT_FAMILY = "SafeRoadKit"
FONT_FILES = {400: "DejaVuSansCondensed.ttf", 700: "DejaVuSansCondensed-Bold.ttf"}
FONT_LICENCE = "LICENSE-DejaVu.txt"

#: ``@page`` rules per kind of page: one A6 card, an A4 sheet of four cards, an A4 poster, the index (screen).
PAGE_RULES = {
    "card": "@page { size: 105mm 148mm; margin: 0; }",
    "sheet": "@page { size: 210mm 297mm; margin: 0; }",
    "poster": "@page { size: 210mm 297mm; margin: 0; }",
    "index": "@page { size: A4; margin: 12mm; }",
}

#: Answer font sizes in points, largest first: each page uses the largest that fits (``fit-1`` ... ``fit-7``).
CARD_FONT_PT = (8.8, 8.4, 8.0, 7.6, 7.2, 6.8, 6.4)
POSTER_FONT_PT = (15.0, 14.2, 13.4, 12.6, 11.8, 11.0, 10.4)


def _fits(kind: str, sizes: tuple[float, ...]) -> str:
    return "\n".join(f".{kind}.fit-{i} {{ --fs: {pt:g}pt; }}" for i, pt in enumerate(sizes, start=1))


_FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("fonts/{name}") format("truetype"); '
    f"font-weight: {weight}; font-style: normal; font-display: block; }}"
    for weight, name in FONT_FILES.items())

CSS = _FONT_FACES + Template("""
:root { --ink: #111; --muted: #555; --accent: #0b5d6b; --tint: #e9f3f4; --warn: #8a3b00; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff; font-family: "${family}", sans-serif;
       font-kerning: normal; text-rendering: geometricPrecision; }
p, ul, h1, h2 { margin: 0; }
.nowrap { white-space: nowrap; }

/* ---- A6 card ------------------------------------------------------------------------------------------- */
.card { width: 105mm; height: 148mm; padding: 6mm 6.5mm 5.5mm; display: flex; flex-direction: column;
        overflow: hidden; position: relative; background: #fff; --fs: 8.8pt; }
${card_fits}
.brand { display: flex; align-items: baseline; gap: 2mm; border-bottom: 0.5mm solid var(--accent);
         padding-bottom: 1mm; font-size: 6.6pt; color: var(--accent); }
.brand .name { font-weight: 700; font-size: 8.5pt; letter-spacing: 0.02em; }
.brand .lang { margin-left: auto; }
.brand .draft { color: var(--warn); border: 0.25mm solid var(--warn); border-radius: 1mm; padding: 0 1mm; }
.card h1 { font-size: 13.5pt; line-height: 1.12; margin: 2.2mm 0 1.6mm; font-weight: 700; }
.points { list-style: none; padding: 0; font-size: var(--fs); line-height: 1.27; flex: 1 1 auto; min-height: 0; }
.points li { position: relative; padding-left: 3mm; margin-bottom: 1.1mm; }
.points li:last-child { margin-bottom: 0; }
.points li::before { content: ""; position: absolute; left: 0.4mm; top: 0.52em; width: 1.3mm; height: 1.3mm;
                     border-radius: 50%; background: var(--accent); }
.src { color: var(--muted); font-size: 0.78em; overflow-wrap: anywhere; }
.numbers { background: var(--tint); border-left: 0.9mm solid var(--accent); padding: 1mm 2mm 0.9mm;
           font-size: 6.6pt; line-height: 1.2; margin-top: 0.8mm; }
.first { margin-bottom: 2mm; }
.first .numbers { margin-top: 0; }
.poster .first { margin-bottom: 5mm; }
.numbers h2 { font-size: 7.2pt; font-weight: 700; margin-bottom: 0.3mm; }
.numbers .countries { list-style: none; padding: 0; columns: 3; column-gap: 2mm; }
.numbers .countries li { break-inside: avoid; }
.numbers .countries .country { color: #333; }
.numbers .hot { list-style: none; padding: 0; margin-top: 0.8mm; }
.numbers .hot b, .numbers .countries .num { font-weight: 700; white-space: nowrap; }
.numbers .countries .entry { white-space: nowrap; }
.numbers .meta { color: var(--muted); font-size: 5.8pt; line-height: 1.15; margin-top: 0.5mm; }
.numbers .mark { font-size: 0.85em; line-height: 0; color: var(--warn); font-weight: 700; }
.numbers .notes { list-style: none; padding: 0; margin: 0.4mm 0 0; font-size: 5.4pt; line-height: 1.1;
                  color: #333; columns: 2; column-gap: 3mm; }
.numbers .notes li { break-inside: avoid; }
.reach { display: flex; gap: 2.5mm; align-items: center; margin-top: 1.2mm; }
.reach .qr { width: ${card_qr}mm; height: ${card_qr}mm; flex: none; display: block; }
.reach .how { font-size: 7pt; line-height: 1.25; min-width: 0; }
.reach .how p + p { margin-top: 0.9mm; }
.reach .scan { font-weight: 700; font-size: 7.6pt; }
.reach .link { font-size: 7.2pt; color: var(--accent); font-weight: 700; }
.reach .link a { color: inherit; text-decoration: none; }
.reach .free, .reach .made { color: var(--muted); font-size: 6.3pt; }

/* ---- A4 sheet of four cards, with dashed cut lines between them --------------------------------------- */
.sheet { width: 210mm; height: 297mm; display: grid; grid-template-columns: 105mm 105mm;
         grid-template-rows: 148.5mm 148.5mm; position: relative; overflow: hidden; break-after: page; }
.sheet:last-child { break-after: auto; }
.sheet .card { height: 148mm; }
.sheet::before, .sheet::after { content: ""; position: absolute; z-index: 1; }
.sheet::before { left: 105mm; top: 0; bottom: 0; border-left: 0.25mm dashed #9a9a9a; }
.sheet::after { top: 148.5mm; left: 0; right: 0; border-top: 0.25mm dashed #9a9a9a; }

/* ---- A4 poster ---------------------------------------------------------------------------------------- */
.poster { width: 210mm; height: 297mm; padding: 14mm 16mm 12mm; display: flex; flex-direction: column;
          overflow: hidden; background: #fff; --fs: 15pt; }
${poster_fits}
.poster .brand { font-size: 12pt; border-bottom-width: 1.2mm; padding-bottom: 2mm; gap: 4mm; }
.poster .brand .name { font-size: 17pt; }
.poster .brand .draft { border-width: 0.4mm; padding: 0 2mm; }
.poster h1 { font-size: 30pt; line-height: 1.1; margin: 7mm 0 5mm; }
.poster .points { line-height: 1.32; }
.poster .points li { padding-left: 6mm; margin-bottom: 3mm; }
.poster .points li:last-child { margin-bottom: 0; }
.poster .points li::before { width: 2.6mm; height: 2.6mm; left: 0.8mm; top: 0.5em; }
.poster .numbers { font-size: 10.5pt; padding: 3mm 4mm; border-left-width: 2mm; }
.poster .numbers h2 { font-size: 11.5pt; margin-bottom: 1.5mm; }
.poster .numbers .countries { columns: 2; column-gap: 8mm; }
.poster .numbers .countries li { margin-bottom: 0.8mm; }
.poster .numbers .meta { font-size: 9pt; margin-top: 1.5mm; }
.poster .numbers .notes { font-size: 8pt; margin-top: 1.2mm; column-gap: 8mm; }
.poster .reach { gap: 8mm; margin-top: 6mm; }
.poster .reach .qr { width: ${poster_qr}mm; height: ${poster_qr}mm; }
.poster .reach .how { font-size: 12pt; }
.poster .reach .how p + p { margin-top: 2.5mm; }
.poster .reach .scan { font-size: 15pt; }
.poster .reach .link { font-size: 13pt; }
.poster .reach .free, .poster .reach .made { font-size: 10pt; }

/* ---- on screen: pages on a grey desk; in print, nothing around them ---------------------------------- */
@media screen {
  body.pages { background: #d5d9dc; padding: 8mm; }
  body.pages .card, body.pages .sheet, body.pages .poster { margin: 0 auto 8mm; box-shadow: 0 1mm 4mm #0003; }
  body.bare { background: #fff; padding: 0; }
  body.bare .card, body.bare .poster { box-shadow: none; margin: 0; }
}
@media print { body { background: #fff; } }

/* ---- index (a screen page for the outreach worker) ---------------------------------------------------- */
.index { max-width: 1100px; margin: 0 auto; padding: 20px 24px 60px; font-size: 15px; line-height: 1.45; }
.index h1 { font-size: 28px; color: var(--accent); margin-bottom: 6px; }
.index h2 { font-size: 22px; margin: 34px 0 8px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
.index p { margin: 6px 0; }
.index nav a { margin-right: 14px; }
.index .whole { background: var(--tint); padding: 10px 14px; border-left: 5px solid var(--accent); margin: 10px 0; }
.index table { border-collapse: collapse; width: 100%; margin-top: 10px; }
.index th, .index td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #ccc; vertical-align: top; }
.index td.thumb img { width: 84px; height: 84px; display: block; }
.index td.files a { margin-right: 10px; white-space: nowrap; }
.index h3 { font-size: 18px; margin: 22px 0 6px; }
.index .directory td { font-size: 13px; }
.index .directory .warn { color: var(--warn); }
.index .directory .src { color: var(--muted); word-break: break-word; }
.index td.link { font-size: 12px; overflow-wrap: anywhere; color: var(--muted); }
.index .note { color: var(--muted); font-size: 13px; }
.index .draft { color: var(--warn); font-size: 13px; }
.index .summary { color: var(--muted); font-size: 13px; }
""").substitute(
    family=FONT_FAMILY, card_qr=f"{CARD_QR_MM:g}", poster_qr=f"{POSTER_QR_MM:g}",
    card_fits=_fits("card", CARD_FONT_PT), poster_fits=_fits("poster", POSTER_FONT_PT))

#: Written to ``assets/fit.js``. The build guesses each page's font step from the answer's length (that guess is
#: what a browser without JavaScript prints); in a browser, and in Chromium printing the PDFs, this script then
#: takes the largest step at which the answer fits, so no content edit can push text off a card.
FIT_JS = Template("""(function () {
  function overflows(article) {
    var points = article.querySelector('.points');
    return article.scrollHeight > article.clientHeight + 1 ||
      (points !== null && points.scrollHeight > points.clientHeight + 1);
  }
  function fit(article) {
    var base = article.className.replace(/\\s*\\bfit-\\d\\b/g, '');
    for (var level = 1; level <= ${levels}; level++) {
      article.className = base + ' fit-' + level;
      if (!overflows(article)) { article.setAttribute('data-fit', String(level)); return; }
    }
    article.setAttribute('data-fit', 'overflow');
  }
  function fitAll() {
    var articles = document.querySelectorAll('article.card, article.poster');
    for (var i = 0; i < articles.length; i++) { fit(articles[i]); }
    document.documentElement.setAttribute('data-fitted', 'yes');
  }
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fitAll); } else { fitAll(); }
})();
""").substitute(levels=len(CARD_FONT_PT))
