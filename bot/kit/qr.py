"""QR codes for the kit: an SVG the printed pages use, and a PNG to send in messengers.

Sizes are chosen for print, not for screens: on an A6 card the code (with its quiet zone) is
:data:`CARD_QR_MM` wide, which keeps every module well above the ~0.33 mm that phone cameras need from a hand's
distance, even after a cheap printer smudges the edges. Error correction is at least M (15 % of the code may be
damaged); segno raises it to Q or H for free when the link still fits the same version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno

#: Printed width of the QR image, quiet zone included, on an A6 card and on an A4 poster.
CARD_QR_MM = 34.0
POSTER_QR_MM = 80.0
#: Quiet zone in modules: the standard's four, so the code scans even when placed next to dark print.
BORDER = 4
#: Pixels per module in the PNG for messengers (a 41-module version 4 code gives a 656 px image).
PNG_SCALE = 16


@dataclass(frozen=True)
class QrFiles:
    """What was written for one link, and the numbers the index states about its print size."""

    svg: Path
    png: Path
    version: int
    error: str
    modules: int  # symbol width in modules, without the quiet zone

    def module_mm(self, printed_mm: float = CARD_QR_MM) -> float:
        """Printed size of one module when the image, quiet zone included, is ``printed_mm`` wide."""
        return printed_mm / (self.modules + 2 * BORDER)

    def symbol_mm(self, printed_mm: float = CARD_QR_MM) -> float:
        """Printed size of the code itself, without the quiet zone."""
        return self.module_mm(printed_mm) * self.modules


def make(url: str) -> segno.QRCode:
    """The QR code for ``url``: error correction M or better (``boost_error`` takes more when it costs nothing)."""
    return segno.make_qr(url, error="m", boost_error=True)


def write(url: str, folder: Path, stem: str, title: str = "") -> QrFiles:
    """Write ``<stem>.svg`` and ``<stem>.png`` into ``folder``.

    The SVG has only a viewBox (no width/height), so the page decides its printed size in millimetres.
    """
    folder.mkdir(parents=True, exist_ok=True)
    qr = make(url)
    svg = folder / f"{stem}.svg"
    png = folder / f"{stem}.png"
    qr.save(str(svg), kind="svg", scale=1, border=BORDER, omitsize=True, xmldecl=False, title=title or url,
            dark="#000", light="#fff")
    qr.save(str(png), kind="png", scale=PNG_SCALE, border=BORDER, dark="#000", light="#fff")
    width, _ = qr.symbol_size(border=0)
    return QrFiles(svg=svg, png=png, version=int(qr.version), error=str(qr.error), modules=width)
