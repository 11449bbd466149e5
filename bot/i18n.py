"""Interface strings (buttons, menus, prompts) from the gettext catalogues in locales/.

The catalogues are kept as .po files managed with Babel (see README). They are compiled in memory when first
needed, so a fresh clone runs without a manual ``pybabel compile``; a compiled .mo next to the .po is used when it
is at least as new.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import LANGUAGES, PROJECT_ROOT

DOMAIN = "messages"


def locales_dir() -> Path:
    return Path(os.environ.get("LOCALES_DIR") or PROJECT_ROOT / "locales")


def po_path(lang: str) -> Path:
    return locales_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for ``lang``; English (the msgid language) falls back to the msgids themselves."""
    if lang not in LANGUAGES:
        lang = "en"
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and po.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang if lang != "tg" else "tg")
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def N_(msgid: str) -> str:  # noqa: N802 - the name Babel's extractor knows
    """Marks a string for the catalogues where it is translated later (``pybabel extract`` finds ``N_``)."""
    return msgid


def gettext_for(lang: str):
    """A ``_`` function for one language, the way gettext-based code expects it."""
    return translations(lang).gettext


def ngettext_for(lang: str):
    """``ngettext(singular, plural, n)`` for one language: the catalogue's Plural-Forms pick the form for ``n``
    (Russian has three: 1 пункт, 2 пункта, 5 пунктов), so a number in a sentence always agrees with its noun."""
    return translations(lang).ngettext


def check_catalogues() -> list[str]:
    """Problems in the catalogues: missing files, untranslated or fuzzy entries, broken placeholders."""
    from babel.messages.checkers import checkers  # noqa: PLC0415 - only needed by `check`

    problems: list[str] = []
    for lang in LANGUAGES:
        po = po_path(lang)
        rel = po.relative_to(PROJECT_ROOT) if po.is_relative_to(PROJECT_ROOT) else po
        if not po.exists():
            problems.append(f"{rel}: (file): catalogue missing")
            continue
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        except Exception as exc:  # noqa: BLE001 - any parse failure is reported, not raised
            problems.append(f"{rel}: (file): cannot parse: {exc}")
            continue
        for message in catalog:
            if not message.id:
                continue
            field = f"msgid {message.id!r}" if isinstance(message.id, str) else f"msgid {message.id[0]!r}"
            forms = (message.string,) if isinstance(message.string, str) else tuple(message.string)
            if lang != "en" and not all(forms):
                problems.append(f"{rel}: {field}: not translated" + (" (every plural form)" if message.pluralizable
                                                                       else ""))
            if message.fuzzy:
                problems.append(f"{rel}: {field}: marked fuzzy (needs review)")
            for checker in checkers:
                try:
                    checker(catalog, message)
                except Exception as exc:  # noqa: BLE001 - babel raises TranslationError subclasses
                    problems.append(f"{rel}: {field}: {exc}")
    return problems
