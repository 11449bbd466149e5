"""Headless Chromium: print the kit's pages to PDF (and take screenshots, for the tests).

The PDFs are printed from the very pages a worker opens in a browser, so what is printed from the PDF and what is
printed from the HTML cannot drift apart. Chromium is an optional tool: without it the kit still has every page and
QR code, and :func:`install_hint` says how to get the PDFs. Nothing here touches the network: pages are opened as
``file://`` and the flags switch off Chromium's own background traffic.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Names Chromium goes by on Debian/Ubuntu and with Google's packages; ``CHROMIUM`` in the environment wins.
BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Generous: the first start of Chromium on a slow machine takes seconds, and one PDF holds 20 pages.
TIMEOUT_S = 180
#: Virtual time lets the page load its font and QR images before printing, without waiting in real time.
VIRTUAL_TIME_MS = 10_000
_QUIET_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-default-apps", "--metrics-recording-only", "--no-pings", "--mute-audio", "--hide-scrollbars",
)


class BrowserError(RuntimeError):
    """Chromium ran but did not produce what was asked; the message carries the end of its output."""


def find_chromium() -> str | None:
    """The Chromium to use: ``$CHROMIUM`` if set, else the first of :data:`BINARIES` on the PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((found for name in BINARIES if (found := shutil.which(name))), None)


def install_hint() -> str:
    """What to tell a user who has no Chromium, for every system the kit is likely built on."""
    return ("Chromium was not found, so no PDFs were made (the HTML pages and QR codes are complete; open "
            "index.html and print from the browser, or install Chromium and build again). Install it with "
            "`sudo apt-get install -y chromium` (Debian), `sudo apt-get install -y chromium-browser` or "
            "`sudo snap install chromium` (Ubuntu), or Google Chrome; set CHROMIUM=/path/to/chrome if it is "
            "installed elsewhere. `--no-pdf` skips this step.")


def run(binary: str, url: str, args: Sequence[str], env: Mapping[str, str] | None = None,
        timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on ``url`` with a throw-away profile; returns the finished process."""
    with tempfile.TemporaryDirectory(prefix="safe-road-chromium-") as profile:
        cmd = [binary, *_QUIET_FLAGS, f"--user-data-dir={profile}", *args, url]
        full_env = {**os.environ, **(env or {})}
        try:
            return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                                  env=full_env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium did not finish within {timeout:.0f} s on {url}") from exc


def _tail(proc: subprocess.CompletedProcess[str]) -> str:
    return "\n".join((proc.stderr or "").strip().splitlines()[-5:])


def print_pdf(page: Path, pdf: Path, binary: str) -> Path:
    """Print ``page`` to ``pdf`` with the page sizes its CSS ``@page`` rules ask for (no header or footer)."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    proc = run(binary, page.resolve().as_uri(), [f"--virtual-time-budget={VIRTUAL_TIME_MS}",
                                                 f"--print-to-pdf={pdf.resolve()}", "--no-pdf-header-footer"])
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise BrowserError(f"Chromium made no PDF from {page} (exit {proc.returncode}):\n{_tail(proc)}")
    return pdf


def screenshot(page: Path, png: Path, binary: str, width_px: int, height_px: int, scale: float = 1.0,
               env: Mapping[str, str] | None = None) -> Path:
    """A PNG of ``page`` as a browser window of the given CSS-pixel size shows it (``scale`` = device pixel ratio)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    proc = run(binary, page.resolve().as_uri(), [
        f"--virtual-time-budget={VIRTUAL_TIME_MS}", f"--window-size={width_px},{height_px}",
        f"--force-device-scale-factor={scale}", f"--screenshot={png.resolve()}"], env=env)
    if not png.exists() or png.stat().st_size == 0:
        raise BrowserError(f"Chromium made no screenshot of {page} (exit {proc.returncode}):\n{_tail(proc)}")
    return png


def dump_dom(page: Path, binary: str, env: Mapping[str, str] | None = None) -> str:
    """The page's DOM after its scripts ran: how a test reads values measured inside the browser."""
    proc = run(binary, page.resolve().as_uri(), [f"--virtual-time-budget={VIRTUAL_TIME_MS}", "--dump-dom"], env=env)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise BrowserError(f"Chromium could not load {page} (exit {proc.returncode}):\n{_tail(proc)}")
    return proc.stdout
