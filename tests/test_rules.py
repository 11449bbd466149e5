"""Country rules and destinations: the facts people ask for, with their dates, for the country they go to.

Checked here, as a user would notice: the questions migrants ask most get the fact itself in Tajik, Russian and
English; every rule shows its checked date and each source's date wherever it appears (chat cards, More, inline
cards); the destination is asked with one tap, remembered, used and erased; a country named in the message wins for
that reply; forged or old destination buttons get the friendly stale reply; `check` refuses a rule without a source,
a source date or a checked date; `python -m bot rules` lists every rule with its dates.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import LANGUAGES, PROJECT_ROOT
from bot.channels.terminal import TerminalChat
from bot.content import ContentError, load_content
from bot.core.country_rules import MAX_ON_CARD
from bot.core.destination import DestinationSpotter
from bot.core.text import Message
from bot.rules import RULE_TOPICS
from bot.storage import Store

# The questions of issue 8, item 2, in the three languages, with a fact the answer must contain.
QUESTIONS = [
    ("ru", "Сколько дней есть на регистрацию в России?", "15 дней"),
    ("tg", "Дар Русия барои бақайдгирӣ чанд рӯз вақт дорам?", "15 рӯз"),
    ("en", "How many days do I have to register in Russia?", "15 days"),
    ("ru", "Сколько можно находиться в России без патента?", "90 дней"),
    ("tg", "Бе патент дар Русия чанд вақт мондан мумкин?", "90 рӯз"),
    ("en", "How long can I stay in Russia without a patent?", "90 days"),
    ("ru", "В какой срок нужно оформить патент, пройти медосмотр и дактилоскопию?", "30 календарных дней"),
    ("tg", "Патент, муоинаи тиббӣ ва дактилоскопияро дар чанд рӯз бояд гузарам?", "30 рӯзи тақвимии"),
    ("en", "What are the deadlines for the patent, the medical exam and fingerprinting?", "30 calendar days"),
    ("ru", "Что такое реестр контролируемых лиц и как себя проверить?", "Госуслуги"),
    ("tg", "Феҳристи шахсони назоратшаванда чист ва худро чӣ тавр санҷам?", "Госуслуги"),
    ("en", "What is the register of controlled persons and how do I check myself?", "Gosuslugi"),
    ("ru", "На сколько лет запрет въезда после выдворения?", "5 лет"),
    ("tg", "Баъди ихроҷ чанд сол ба Русия даромада наметавонам?", "5 сол"),
    ("en", "How long is the entry ban after deportation from Russia?", "5 years"),
    ("ru", "Нужна ли виза в Турцию?", "нужна виза в Турцию"),
    ("tg", "Ба Туркия виза лозим аст?", "Туркия раводид (виза) лозим"),
    ("en", "Do I need a visa for Turkey?", "need a visa for Türkiye"),
    ("ru", "Что такое абсконд в ОАЭ и как его избежать?", "7 дней"),
    ("tg", "Дар Дубай absconding чист ва чӣ тавр пешгирӣ кунам?", "7 рӯз"),
    ("en", "What is an absconding report in the UAE and how do I avoid it?", "7 days"),
    ("ru", "Сколько можно находиться в Казахстане?", "90 дней в любые 180"),
    ("tg", "Дар Қазоқистон чанд рӯз мондан мумкин?", "ҳар 180 рӯз"),
    ("en", "How long can I stay in Kazakhstan?", "90 days in any 180"),
]


@pytest.mark.parametrize(("lang", "question", "fact"), QUESTIONS, ids=[f"{q[0]}-{i}" for i, q in enumerate(QUESTIONS)])
def test_rule_questions_get_the_fact_with_its_dates(dialogue, lang, question, fact):
    reply = dialogue.respond(question, lang)
    assert reply.lang == lang and reply.kind == "topic", reply.kind
    assert fact in reply.text, reply.text
    # the rule that says it comes first on the card, with its sources and their dates, under the date it was checked
    [line] = [ln for ln in reply.text.splitlines() if fact in ln]
    assert rule_lines(reply.text)[0] == line, reply.text
    rule = next(r for r in dialogue.book.all() if r.text[lang] in line)
    for sid in rule.sources:
        source = dialogue.content.sources[sid]
        assert f"{source['short']}, {source['date']}" in line
    assert rule.checked.isoformat() in reply.text


@pytest.mark.parametrize(("lang", "story", "topic"), [
    ("en", "My cousin in Moscow says his boss took everyone's passports to arrange the patent and the medical exam, "
           "and three months later nobody has them back. What can he do?", "passport_taken"),
    ("ru", "Бригадир в Москве забрал у нас паспорта, говорит, для оформления патента и медосмотра, и уже третий "
           "месяц не отдаёт. Что делать?", "passport_taken"),
    ("ru", "какая погода завтра в москве", None),
    ("en", "what will the weather be in Dubai tomorrow", None),
])
def test_a_message_that_only_touches_a_rule_keeps_its_own_answer(dialogue, lang, story, topic):
    """Naming a country or mentioning a patent in passing is not a question about a rule."""
    reply = dialogue.respond(story, lang)
    assert reply.topic == topic, (reply.kind, reply.topic)


def rule_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ") and "[" in line]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rule_shows_its_dates_on_every_card_it_belongs_to(dialogue, content, lang):
    home = content.rules.home_countries
    for rule in content.rules.all():
        for topic in rule.topics:
            if rule.country in home:  # Tajikistan's own rules: under More, whatever the destination
                reply = dialogue.act(f"m:{topic}", lang, destination="kz")
            elif content.topics[topic].details:
                reply = dialogue.act(f"m:{topic}:{rule.country}", lang)
            else:
                reply = dialogue.act(f"d:{rule.country}:{topic}", lang)
            [line] = [ln for ln in reply.text.splitlines() if rule.text[lang] in ln]
            for sid in rule.sources:
                source = content.sources[sid]
                assert f"{source['short']}, {source['date']}" in line, (rule.id, topic)
            assert rule.checked.isoformat() in reply.text
            if rule.conflict:
                assert rule.conflict[lang] in reply.text


def test_a_card_shows_a_few_rules_and_counts_the_rest_with_plurals(dialogue, content):
    rules = content.rules.for_topic("ru", "legal_stay")
    assert len(rules) > MAX_ON_CARD
    hidden = len(rules) - MAX_ON_CARD
    card = dialogue.topic("legal_stay", "ru")
    assert len(rule_lines(card.text)) == MAX_ON_CARD
    word = {1: "правило", 2: "правила", 3: "правила", 4: "правила"}.get(hidden, "правил")
    assert f"Ещё {hidden} {word} — кнопка «Подробнее»." in card.text
    more = dialogue.act("m:legal_stay", "ru")
    assert all(r.text["ru"] in more.text for r in rules)


@pytest.mark.parametrize("destination", [None, "ru", "kz", "tr", "ae", "sa"])
def test_tajikistans_own_rules_are_on_their_cards_whatever_the_destination(dialogue, content, destination):
    home = content.rules.for_topic("tj", "before_departure")
    assert "tj" in content.rules.home_countries and "tj" not in content.rules.destination_ids and len(home) > 1
    card = dialogue.topic("before_departure", "en", destination=destination)
    assert "🇹🇯 Tajikistan: rules as of" in card.text
    shown = [r for r in home if r.text["en"] in card.text]
    assert len(shown) == 1 and len(rule_lines(card.text)) <= MAX_ON_CARD  # one place of the card's few
    more = dialogue.act("m:before_departure", "en", destination=destination)
    assert all(r.text["en"] in more.text for r in home)


@pytest.mark.parametrize(("lang", "question"), [
    ("ru", "Где центр предотъездной подготовки мигрантов?"),
    ("tg", "Маркази омодагии пеш аз сафар куҷост?"),
    ("en", "Where is the pre-departure preparation centre for migrants?"),
])
def test_a_question_about_a_tajik_rule_gets_it_first_on_the_chosen_destinations_card(dialogue, content, lang,
                                                                                      question):
    reply = dialogue.respond(question, lang, destination="kz")
    rule = next(r for r in content.rules.for_topic("tj", "before_departure") if r.id == "pre_departure")
    assert rule.text[lang] in reply.text, reply.text
    assert "🇰🇿" in reply.text and "🇷🇺" not in reply.text
    assert all(dialogue.act(b.action, lang, destination="kz").kind == "topic"
               for b in reply.all_buttons() if b.action.startswith("m:"))


@pytest.mark.parametrize(("lang", "question"), [
    ("ru", "Как узнать, есть ли у агентства по трудоустройству лицензия?"),
    ("en", "How do I find out whether a recruitment agency has a licence?"),
])
def test_how_to_check_an_agency_stays_on_the_card_that_explains_it(dialogue, lang, question):
    assert dialogue.respond(question, lang).topic == "check_agency"


def test_without_a_destination_russia_is_shown_with_one_tap_buttons_for_the_others(dialogue):
    reply = dialogue.topic("legal_stay", "en")
    assert "🇷🇺 Russia: rules as of" in reply.text and "Tap your country" in reply.text
    taps = [b.action for b in reply.all_buttons() if b.action.startswith("d:")]
    assert taps == ["d:kz:legal_stay", "d:tr:legal_stay", "d:ae:legal_stay", "d:sa:legal_stay"]
    assert all(len(a.encode()) <= 64 for a in taps)
    for topic in RULE_TOPICS:
        assert any(b.action.startswith("d:") for b in dialogue.topic(topic, "tg").all_buttons())
    assert not any(b.action.startswith("d:") for b in dialogue.topic("passport_taken", "en").all_buttons())


def test_a_tap_chooses_the_destination_and_shows_its_rules_on_the_same_card(dialogue):
    reply = dialogue.act("d:kz:legal_stay", "ru")
    assert reply.destination == "kz" and reply.topic == "legal_stay"
    assert "🇰🇿 Казахстан: правила на" in reply.text and "90 дней в любые 180" in reply.text
    assert "Tap your country" not in reply.text and "Нажмите на неё" not in reply.text
    assert "d:ru:legal_stay" in [b.action for b in reply.all_buttons()]
    # then remembered by the adapter and passed back in: every card uses it, nobody is asked again
    card = dialogue.respond("депортация запрет въезда", "ru", destination="kz")
    assert "🇰🇿" in card.text and "🇷🇺 Россия: правила" not in card.text and card.destination is None


def test_a_country_named_in_the_message_wins_for_that_reply_only(dialogue):
    reply = dialogue.respond("нужна ли виза в Турцию для работы", "ru", destination="kz")
    assert "🇹🇷 Турция: правила на" in reply.text and reply.destination is None
    assert f"m:{reply.topic}:tr" in [b.action for b in reply.all_buttons()]
    again = dialogue.respond("регистрация", "ru", destination="kz")
    assert "🇰🇿 Казахстан" in again.text


@pytest.mark.parametrize("action", ["d:zz:legal_stay", "d:kz:passport_taken", "d:kz", "d:kz:legal_stay:x",
                                    "d:tj:legal_stay", "m:legal_stay:zz", "m:passport_taken:kz", "d::legal_stay",
                                    "d:KZ:legal_stay", "d:kz:" + "a" * 41])
def test_forged_or_old_destination_buttons_get_the_stale_reply(dialogue, action):
    reply = dialogue.act(action, "en", destination="ru")
    assert reply.kind == "stale" and reply.destination is None


@pytest.mark.parametrize(("text", "country"), [
    ("виза в Турцию", "tr"), ("ба Туркия", "tr"), ("Turkiye visa", "tr"), ("Istanbulda kor", "tr"),
    ("Qazoqiston", "kz"), ("дар Қазоқистон", "kz"), ("в Казахстане", "kz"), ("kazakhstan", "kz"), ("Алматы", "kz"),
    ("Dubai", "ae"), ("в Дубае", "ae"), ("ОАЭ", "ae"), ("Абу-Даби", "ae"), ("дар АМА", "ae"),
    ("Saudi", "sa"), ("Арабистони Саудӣ", "sa"), ("в Саудовскую Аравию", "sa"), ("Riyadh", "sa"),
    ("в России", "ru"), ("ба Русия", "ru"), ("Маскав", "ru"), ("Москве", "ru"), ("rossiyaga", "ru"),
])
def test_destination_names_are_spotted_in_every_language_and_spelling(content, text, country):
    assert DestinationSpotter(content.rules.destinations).spot(Message.of(text).tokens) == (country,)


@pytest.mark.parametrize("text", ["экзамен по русскому языку", "hello", "казон", "макарон", "самара ба даст овард",
                                  "аммаам омад", "аммо ман"])
def test_words_that_only_look_like_a_country_are_not_one(content, text):
    assert DestinationSpotter(content.rules.destinations).spot(Message.of(text).tokens) == ()


def test_inline_cards_carry_the_rules_with_their_dates(dialogue, content):
    text = dialogue.share_text("legal_stay", "tg")
    for line in rule_lines(text):
        assert any(f"{content.sources[s]['short']}, {content.sources[s]['date']}" in line
                   for r in content.rules.all() for s in r.sources)
    assert "2026-12-01" in text and "Tap your country" not in text


# -- storage and adapters ----------------------------------------------------------------------------------------


def test_the_destination_is_stored_under_the_hashed_id_and_erased_by_forget(tmp_path):
    store = Store(tmp_path)
    store.set_destination(424242, "kz")
    assert store.get_destination(424242) == "kz" and store.get_lang(424242) is None
    store.set_lang(424242, "tg")
    assert (store.get_lang(424242), store.get_destination(424242)) == ("tg", "kz")
    assert store.forget(424242) is True
    assert store.get_destination(424242) is None and store.get_lang(424242) is None
    store.close()


def test_an_old_database_gets_the_destination_column(tmp_path):
    db = sqlite3.connect(tmp_path / "saferoad.sqlite3")
    db.execute("CREATE TABLE users (user_key TEXT PRIMARY KEY, lang TEXT NOT NULL, updated TEXT NOT NULL)")
    db.execute("INSERT INTO users VALUES ('k', 'ru', '2026-01-01')")
    db.commit()
    db.close()
    store = Store(tmp_path)
    store.set_destination(7, "tr")
    assert store.get_destination(7) == "tr"
    columns = [r[1] for r in store._db.execute("PRAGMA table_info(users)")]
    assert columns == ["user_key", "lang", "updated", "destination"]
    store.close()


def test_the_terminal_chat_remembers_the_destination_in_memory_and_forgets_it(dialogue):
    chat = TerminalChat(dialogue, "en")
    card = chat.handle("how do I register my stay")
    index = next(i for i, b in enumerate(card.all_buttons(), 1) if b.action == "d:tr:legal_stay")
    chat.handle(str(index))
    assert chat.destination == "tr"
    assert "🇹🇷 Türkiye" in chat.handle("registration and patent").text
    chat.handle("/forget")
    assert chat.destination is None


# -- validation and the command line -----------------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", root)
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(root)
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["countries"][0]["rules"][0].pop("sources"), "countries[0].rules[0].sources"),
    (lambda d: d["countries"][0]["rules"][0].update(sources=[]), "countries[0].rules[0].sources"),
    (lambda d: d["countries"][0]["rules"][0].pop("checked"), "countries[0].rules[0].checked"),
    (lambda d: d["countries"][0]["rules"][0].update(checked="soon"), "countries[0].rules[0].checked"),
    (lambda d: d["countries"][0]["rules"][0].update(sources=["tip2023"]), "countries[0].rules[0].sources"),
    (lambda d: d["countries"][0]["rules"][0].update(sources=["nowhere"]), "countries[0].rules[0].sources"),
    (lambda d: d["countries"][0]["rules"][0].update(topics=["passport_taken"]), "countries[0].rules[0].topics"),
    (lambda d: d["countries"][0]["rules"][0]["text"].update(en="x" * 221), "countries[0].rules[0].text.en"),
], ids=["no-sources", "empty-sources", "no-checked", "bad-checked", "report-source", "unknown-source",
        "wrong-card", "too-long"])
def test_check_refuses_a_rule_without_what_makes_it_trustworthy(content_copy, change, field):
    _edit(content_copy / "rules.yaml", change)
    problems = _problems(content_copy)
    assert any(p.startswith(f"content/rules.yaml: {field}:") for p in problems), problems


@pytest.mark.parametrize(("key", "field"), [("date", "date"), ("url", "url"), ("kind", "kind")])
def test_check_refuses_a_law_official_or_news_source_without_date_url_or_kind(content_copy, key, field):
    _edit(content_copy / "sources.yaml", lambda d: d["ru_fl_393_2013"].pop(key))
    assert any(p.startswith(f"content/sources.yaml: ru_fl_393_2013.{field}:") for p in _problems(content_copy))


def test_check_refuses_a_test_call_with_an_unknown_result_or_a_future_date(content_copy):
    def change(d):
        line = d["countries"][1]["lines"][3]
        line["calls"] = [{"date": dt.date.today() + dt.timedelta(days=3), "by": "us", "result": "maybe"}]
    _edit(content_copy / "hotlines.yaml", change)
    problems = _problems(content_copy)
    assert any("countries[1].lines[3].calls[0].result" in p for p in problems)
    assert any("countries[1].lines[3].calls[0].date" in p and "future" in p for p in problems)


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os
    full = {**os.environ, **(env or {})}
    full.pop("BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env=full, timeout=60)


def test_the_check_command_names_the_rule_without_a_source(content_copy):
    _edit(content_copy / "rules.yaml", lambda d: d["countries"][1]["rules"][0].pop("sources"))
    out = run_cli("check", env={"CONTENT_DIR": str(content_copy)})
    assert out.returncode == 1 and "content/rules.yaml: countries[1].rules[0].sources" in out.stderr


def test_the_rules_command_lists_every_rule_with_its_dates_and_flags_stale_ones(content):
    out = run_cli("rules")
    assert out.returncode == 0
    for rule in content.rules.all():
        assert f"{rule.country}  {rule.id}" in out.stdout
        for sid in rule.sources:
            assert f"{sid} ({content.sources[sid]['kind']}, {content.sources[sid]['date']})" in out.stdout
    stale = run_cli("rules", "--stale-days", "0", "--fail-on-stale")
    n_rules = sum(1 for _ in content.rules.all())
    assert stale.returncode == (1 if n_rules else 0) and stale.stdout.count("(RE-CHECK)") == n_rules \
        or dt.date.today() == max(r.checked for r in content.rules.all())


def test_the_hotlines_command_shows_both_dates(content):
    out = run_cli("hotlines")
    assert out.returncode == 0
    assert "+7 495 967 98 44" in out.stdout and "called 2024-11-21 by Asia-Plus: no_answer" in out.stdout
    assert "never test-called" in out.stdout
    for country in content.countries:
        for line in country.lines:
            assert f"{line.number:<20} {line.kind:<10} read {line.read}" in out.stdout
