"""Interface strings: plural forms agree with their number, and a missing plural form is caught by `check`."""

from __future__ import annotations

import shutil

import pytest

from bot import PROJECT_ROOT
from bot.i18n import check_catalogues, ngettext_for

ONE, MANY = "And {n} more point to check.", "And {n} more points to check."


@pytest.mark.parametrize("n, word", [(1, "пункт"), (2, "пункта"), (4, "пункта"), (5, "пунктов"), (11, "пунктов"),
                                     (12, "пунктов"), (21, "пункт"), (22, "пункта"), (25, "пунктов")])
def test_russian_has_three_plural_forms(n, word):
    assert ngettext_for("ru")(ONE, MANY, n).format(n=n) == f"И ещё {n} {word} для проверки."


def test_english_falls_back_to_the_msgids():
    assert ngettext_for("en")(ONE, MANY, 1).format(n=1) == "And 1 more point to check."
    assert ngettext_for("en")(ONE, MANY, 3).format(n=3) == "And 3 more points to check."


def test_shipped_catalogues_have_no_problems():
    assert check_catalogues() == []


def test_a_missing_plural_form_is_named(tmp_path, monkeypatch):
    shutil.copytree(PROJECT_ROOT / "locales", tmp_path / "locales")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr[2] "И ещё {n} пунктов для проверки."', 'msgstr[2] ""'), encoding="utf-8")
    monkeypatch.setenv("LOCALES_DIR", str(tmp_path / "locales"))
    problems = check_catalogues()
    assert any("ru/LC_MESSAGES/messages.po" in p and "more point to check" in p and "not translated" in p
               for p in problems), problems
