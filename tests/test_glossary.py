"""The glossary check: the bot's own text is warned about a variant to avoid, by file and field; `match` phrases,
which hold what users type, never are; and `check` still passes, because a warning is a word to change, not a fault."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_content import _edit  # the same YAML edit as the content tests

from bot import PROJECT_ROOT
from bot.content import ContentError, load_content
from bot.glossary import catalogue_texts, content_texts, glossary_warnings, label_texts, load_glossary


def _warnings(root: Path):
    return glossary_warnings(load_glossary(root), content_texts(load_content(root)))


def test_a_planted_variant_in_a_card_is_named_by_file_and_field(content_copy):
    before = {(w.file, w.field) for w in _warnings(content_copy)}
    _edit(content_copy / "topics" / "contract.yaml",
          lambda d: d["answer"][0].update(tg=d["answer"][0]["tg"] + " Ба милисаро хабар диҳед."))
    new = [w for w in _warnings(content_copy) if (w.file, w.field) not in before]
    assert [(w.file, w.field, w.found, w.term.languages["tg"].use) for w in new] == [
        ("content/topics/contract.yaml", "answer[0].tg", "милисаро", "милитсия")]
    assert "content/topics/contract.yaml: answer[0].tg: 'милисаро' is a variant to avoid; use 'милитсия'" in str(new[0])


def test_match_phrases_are_exempt(content_copy):
    before = len(_warnings(content_copy))
    _edit(content_copy / "topics" / "report_crime.yaml",
          lambda d: d["match"]["tg"].extend(["ба милиса ариза", "полиция ёрӣ намедиҳад", "паспортамро гум кардам"]))
    _edit(content_copy / "offer_check.yaml", lambda d: d["match"]["tg"].append("официант дар туркия"))
    assert len(_warnings(content_copy)) == before


def test_the_offer_check_and_the_menu_are_checked(content_copy):
    _edit(content_copy / "offer_check.yaml",
          lambda d: d["levels"]["high"]["steps"][0].update(ru="Не платите, спросите в НКО."))
    _edit(content_copy / "menu.yaml", lambda d: d["sections"][0]["title"].update(tg="Билет ва сафар"))
    found = {(w.file, w.field, w.found) for w in _warnings(content_copy)}
    assert ("content/offer_check.yaml", "levels.high.steps[0].ru", "НКО") in found
    assert ("content/menu.yaml", "sections[0].title.tg", "Билет") in found


def test_an_allowed_gloss_is_not_a_warning(content_copy):
    def plant(d):
        d["answer"][1]["tg"] = "Шиноснома (паспорт) ва шиносномаро (паспортро) нигоҳ доред."
    _edit(content_copy / "topics" / "contract.yaml", plant)
    assert not [w for w in _warnings(content_copy) if w.field == "answer[1].tg" and "contract" in w.file]
    _edit(content_copy / "topics" / "contract.yaml", lambda d: d["answer"][1].update(tg="Паспортро нигоҳ доред."))
    assert [w.found for w in _warnings(content_copy) if w.field == "answer[1].tg" and "contract" in w.file] == [
        "Паспортро"]


def test_catalogues_and_kit_labels_are_checked(tmp_path, content_copy):
    shutil.copytree(PROJECT_ROOT / "locales", tmp_path / "locales")
    po = tmp_path / "locales" / "tg" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Забон"', 'msgstr "Забон (полиция)"'),
                  encoding="utf-8")
    terms = load_glossary(content_copy)
    found = [(w.file, w.field, w.found) for w in glossary_warnings(terms, catalogue_texts(tmp_path / "locales"))]
    assert ("locales/tg/LC_MESSAGES/messages.po", "msgid 'Language'", "полиция") in found
    labels = {"in_danger": {"tg": "Дар хатар ба рақами фавқулодда занг занед", "ru": "Звоните 112", "en": "Call"}}
    found = [(w.file, w.field, w.found) for w in glossary_warnings(terms, label_texts(labels))]
    assert found == [("bot/kit/labels.py", "in_danger.tg", "рақами фавқулодда")]


def test_a_broken_glossary_is_refused_by_field(content_copy):
    _edit(content_copy / "glossary.yaml", lambda d: d["terms"][0].pop("concept"))
    _edit(content_copy / "glossary.yaml", lambda d: d["terms"][1]["tg"].update(avoid=[d["terms"][1]["tg"]["use"]]))
    with pytest.raises(ContentError) as err:
        load_glossary(content_copy)
    fields = {p.field for p in err.value.problems}
    assert {"terms[0].concept", "terms[1].tg.avoid"} <= fields


def _check(content: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "check"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "CONTENT_DIR": str(content)}, timeout=60)


def test_check_warns_but_passes(content_copy):
    _edit(content_copy / "topics" / "health.yaml",
          lambda d: d["details"][0].update(tg=d["details"][0]["tg"] + " Ба полиция занг занед."))
    out = _check(content_copy)
    assert out.returncode == 0, out.stderr
    assert "glossary warning" in out.stdout
    assert "topics/health.yaml: details[0].tg: 'полиция' is a variant to avoid; use 'полис'" in out.stdout


def test_check_fails_on_a_broken_glossary(content_copy):
    (content_copy / "glossary.yaml").write_text("terms: [unclosed", encoding="utf-8")
    out = _check(content_copy)
    assert out.returncode == 1
    assert "glossary.yaml" in out.stderr


def test_summaries_are_checked_too(content_copy):
    _edit(content_copy / "topics" / "contract.yaml", lambda d: d["summary"].update(tg="Бо кордеҳ шартнома гиред."))
    found = {(w.field, w.found) for w in _warnings(content_copy) if w.file.endswith("contract.yaml")}
    assert ("summary.tg", "кордеҳ") in found
