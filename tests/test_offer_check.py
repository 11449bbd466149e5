"""The job-offer check: questions, navigation (answer, back, stop), forged buttons, and the verdict logic."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import LANGUAGES, PROJECT_ROOT
from bot.content import REQUIRED_TOPICS, ContentError, Topic, load_content
from bot.core import offer_check as oc_module
from bot.core.offer_check import (
    CAREFUL_POINTS,
    HIGH_POINTS,
    LEVELS,
    MAX_QUESTIONS,
    MAX_REASONS,
    MAX_TOPIC_BUTTONS,
    MIN_QUESTIONS,
    RED_LINE_WEIGHT,
    OfferCheck,
    load_offer_check,
    verdict,
)
from bot.core.reply import Reply
from bot.i18n import gettext_for

CONTENT = PROJECT_ROOT / "content"
#: Telegram callback data as the dialogue accepts it (see bot/core/dialogue.py).
ACTION_RE = re.compile(r"^[a-z]{1,6}(:[a-z0-9_]{1,40})?$")
#: Words that would promise an offer is safe, per language.
NEVER = {
    "en": re.compile(r"\bsafe\b|guaranteed", re.I),
    "ru": re.compile(r"\bбезопасн|гарантирован", re.I),
    "tg": re.compile(r"\bбехатар\b|кафолат дорад", re.I),
}


def _minimal_topics() -> dict[str, Topic]:
    return {t: Topic(id=t, title={lg: f"{t} ({lg})" for lg in LANGUAGES}, answer=(), details=(), related=(),
                     reviewed={lg: False for lg in LANGUAGES}, match={lg: () for lg in LANGUAGES},
                     path=CONTENT / "topics" / f"{t}.yaml")
            for t in REQUIRED_TOPICS}


@pytest.fixture(scope="module")
def topics():
    try:
        return load_content().topics
    except ContentError:  # other topics still being written: titles are all the check needs
        return _minimal_topics()


@pytest.fixture(scope="module")
def check() -> OfferCheck:
    return OfferCheck(load_offer_check())


CHECK = OfferCheck(load_offer_check())
TOPICS = _minimal_topics()
N = len(CHECK.questions)


# -- helpers ----------------------------------------------------------------------------------------------------

def assert_buttons_valid(reply: Reply) -> None:
    for button in reply.all_buttons():
        assert button.label.strip()
        assert ACTION_RE.match(button.action), button.action
        assert len(button.action.encode("utf-8")) <= 64


def press(check: OfferCheck, reply: Reply, label: str, topics) -> Reply:
    """Press the button whose label is (or ends with) ``label``, as a user would."""
    matches = [b for b in reply.all_buttons() if b.label == label or b.label.endswith(" " + label)]
    assert len(matches) == 1, (label, [b.label for b in reply.all_buttons()])
    nxt = check.act(matches[0].action, reply.lang, topics)
    assert nxt is not None
    assert_buttons_valid(nxt)
    return nxt


def answer_label(lang: str, letter: str) -> str:
    _ = gettext_for(lang)
    return {"y": _("Yes"), "n": _("No"), "d": _("Don't know")}[letter]


def assert_question(reply: Reply, check: OfferCheck, answered: str, lang: str) -> None:
    _ = gettext_for(lang)
    assert reply.kind == "offer_question"
    assert reply.lang == lang
    assert _("Question {n} of {total}").format(n=len(answered) + 1, total=N) in reply.text
    assert check.questions[len(answered)].text[lang] in reply.text
    labels = [b.label for b in reply.all_buttons()]
    assert labels[:3] == [_("Yes"), _("No"), _("Don't know")]
    assert ("⬅️ " + _("Back") in labels) == bool(answered)
    assert "✖️ " + _("Stop") in labels


def assert_verdict(reply: Reply, check: OfferCheck, answers: str, lang: str, topics) -> None:
    level, reasons = check.verdict(answers)
    assert reply.kind == "verdict"
    assert reply.topic == level
    assert check.content.levels[level].title[lang] in reply.text
    assert check.content.disclaimer[lang] in reply.text
    assert not NEVER[lang].search(reply.text.replace(check.content.disclaimer[lang], ""))
    for reason in reasons[:MAX_REASONS]:
        assert reason.line(lang) in reply.text
    # the answers are gone: no button of the verdict carries them
    actions = [b.action for b in reply.all_buttons()]
    assert not any(a.startswith("c:") for a in actions)
    assert {"h", "check", "menu"} <= set(actions)
    topic_actions = [a for a in actions if a.startswith("t:")]
    assert len(topic_actions) <= MAX_TOPIC_BUTTONS
    assert len(set(topic_actions)) == len(topic_actions)
    for a in topic_actions:
        assert any(b.label == topics[a[2:]].title[lang] for b in reply.all_buttons())
    reason_topics = [r.question.topic for r in reasons if r.question.topic in topics]
    if reason_topics and reason_topics[0] != "hotlines":
        assert f"t:{reason_topics[0]}" in topic_actions


def walk(check: OfferCheck, answers: str, lang: str, topics) -> Reply:
    reply = check.act("check", lang, topics)
    assert reply is not None
    assert_buttons_valid(reply)
    for i, letter in enumerate(answers):
        assert_question(reply, check, answers[:i], lang)
        reply = press(check, reply, answer_label(lang, letter), topics)
    return reply


def expected_single(q, letter: str) -> str:
    """The level when only this question is answered the risky / unknown way (independent of the code)."""
    if letter == q.safer:
        return "lower"
    if letter == q.risky:
        return "high" if q.weight >= 3 else "careful"
    return "careful" if q.weight >= 2 else "lower"


# -- the file ---------------------------------------------------------------------------------------------------

def test_file_loads_with_8_to_12_questions(check):
    assert MIN_QUESTIONS <= N <= MAX_QUESTIONS
    assert 8 <= N <= 12
    assert len({q.id for q in check.questions}) == N
    assert {q.risky for q in check.questions} == {"y", "n"}  # some are phrased so that "no" is the risky answer
    assert any(q.weight == RED_LINE_WEIGHT for q in check.questions)
    assert set(check.content.levels) == set(LEVELS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_present_in_every_language(check, lang):
    for q in check.questions:
        for text in (q.text[lang], q.reason[lang], q.unknown[lang]):
            assert text.strip()
        assert q.topic in REQUIRED_TOPICS
        assert q.sources
    for level in check.content.levels.values():
        assert level.title[lang].strip() and level.summary[lang].strip() and level.icon
        assert all(step.text[lang].strip() for step in level.steps)
        assert not NEVER[lang].search(level.title[lang] + " " + level.summary[lang])
    for key in ("title", "intro", "stopped", "reasons_heading", "steps_heading", "disclaimer"):
        assert getattr(check.content, key)[lang].strip()


def test_unknown_answers_say_find_out_first(check):
    for q in check.questions:
        assert "before you pay or sign" in q.unknown["en"]
        assert "прежде чем платить или подписывать" in q.unknown["ru"] or "до оплаты" in q.unknown["ru"]
        assert "пеш аз пул додан ё имзо кардан" in q.unknown["tg"].lower()


def test_questions_are_short_enough_for_a_phone(check):
    for lang in LANGUAGES:
        for q in check.questions:
            assert len(check.question(check.answers()[: check.questions.index(q)], lang).text) < 600


def test_whole_walk_stays_within_callback_limits(check):
    longest = "c:" + "d" * N
    assert len(longest.encode()) <= 64 and ACTION_RE.match(longest)
    assert ACTION_RE.match("c:x") and ACTION_RE.match("check")


# -- validation -------------------------------------------------------------------------------------------------

def _write(tmp_path: Path, data: dict) -> Path:
    shutil.copy(CONTENT / "sources.yaml", tmp_path / "sources.yaml")
    (tmp_path / "offer_check.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    return tmp_path


def _raw() -> dict:
    return yaml.safe_load((CONTENT / "offer_check.yaml").read_text(encoding="utf-8"))


def _problems(tmp_path: Path, data: dict) -> dict[str, str]:
    with pytest.raises(ContentError) as err:
        load_offer_check(_write(tmp_path, data))
    for p in err.value.problems:
        assert p.file.endswith("offer_check.yaml") or p.file.endswith("sources.yaml")
    return {p.field: p.message for p in err.value.problems}


def test_a_copy_of_the_file_loads(tmp_path):
    assert len(load_offer_check(_write(tmp_path, _raw())).questions) == N


def test_yaml_booleans_for_risky_are_understood(tmp_path):
    data = _raw()
    data["questions"][0]["risky"] = False
    data["questions"][3]["risky"] = True
    loaded = load_offer_check(_write(tmp_path, data))
    assert loaded.questions[0].risky == "n" and loaded.questions[3].risky == "y"


@pytest.mark.parametrize("change, field", [
    (lambda d: d["questions"][0]["text"].pop("tg"), "questions[0].text.tg"),
    (lambda d: d["questions"][0]["reason"].update(ru="  "), "questions[0].reason.ru"),
    (lambda d: d["questions"][1].update(risky="maybe"), "questions[1].risky"),
    (lambda d: d["questions"][2].update(weight=5), "questions[2].weight"),
    (lambda d: d["questions"][2].update(weight="3"), "questions[2].weight"),
    (lambda d: d["questions"][3].update(topic="nonsense"), "questions[3].topic"),
    (lambda d: d["questions"][4].update(sources=["nope"]), "questions[4].sources"),
    (lambda d: d["questions"][4].update(wieght=2), "questions[4].wieght"),
    (lambda d: d["questions"][5].update(id=d["questions"][0]["id"]), "questions[5].id"),
    (lambda d: d.update(questions=d["questions"][:3]), "questions"),
    (lambda d: d.update(questions=d["questions"] * 2), "questions"),
    (lambda d: d["levels"]["lower"]["title"].update(en="Safe"), "levels.lower.title.en"),
    (lambda d: d["levels"]["lower"]["summary"].update(ru="Предложение безопасно."), "levels.lower.summary.ru"),
    (lambda d: d["levels"]["lower"]["title"].update(en="Looks safer"), "levels.lower.title.en"),
    (lambda d: d["levels"]["lower"]["title"].update(ru="Выглядит надёжнее"), "levels.lower.title.ru"),
    (lambda d: d["levels"]["lower"]["title"].update(tg="Камхатартар менамояд"), "levels.lower.title.tg"),
    (lambda d: d["levels"].pop("high"), "levels.high"),
    (lambda d: d["levels"].update(safe=d["levels"]["lower"]), "levels.safe"),
    (lambda d: d["levels"]["careful"].update(related=["nope"]), "levels.careful.related"),
    (lambda d: d["levels"]["careful"].update(steps=[]), "levels.careful.steps"),
    (lambda d: d.update(more_reasons={"en": "And {n} more."}), "more_reasons"),  # now a gettext plural
    (lambda d: d.pop("disclaimer"), "disclaimer"),
])
def test_problems_are_named_by_field(tmp_path, change, field):
    data = _raw()
    change(data)
    problems = _problems(tmp_path, data)
    assert any(f == field or f.startswith(field + ".") for f in problems), problems


def test_missing_or_broken_file(tmp_path):
    shutil.copy(CONTENT / "sources.yaml", tmp_path / "sources.yaml")
    with pytest.raises(ContentError, match="missing"):
        load_offer_check(tmp_path)
    (tmp_path / "offer_check.yaml").write_text("questions: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError, match="invalid YAML"):
        load_offer_check(tmp_path)


# -- navigation -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_shows_question_one_without_back(check, topics, lang):
    reply = check.act("check", lang, topics)
    assert reply is not None
    assert_question(reply, check, "", lang)
    assert check.content.intro[lang] in reply.text
    assert_buttons_valid(reply)
    assert check.start(lang).text == reply.text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("index", range(N))
@pytest.mark.parametrize("letter", "ynd")
def test_each_answer_to_each_question(check, topics, lang, index, letter):
    """Exhaustive walks: every other question answered the safer way, this one each of the three ways."""
    q = check.questions[index]
    answers = check.answers(**{q.id: letter})
    reply = walk(check, answers, lang, topics)
    assert_verdict(reply, check, answers, lang, topics)
    assert reply.topic == expected_single(q, letter)
    level, reasons = check.verdict(answers)
    if letter == q.safer:
        assert reasons == ()
    else:
        assert [r.question.id for r in reasons] == [q.id]
        text = q.unknown[lang] if letter == "d" else q.reason[lang]
        assert text in reply.text
        if q.topic != "hotlines":
            assert f"t:{q.topic}" in [b.action for b in reply.all_buttons()]


MOVES = st.lists(st.sampled_from(["y", "n", "d", "back"]), max_size=3 * N)


@settings(max_examples=150, deadline=None)
@given(lang=st.sampled_from(LANGUAGES), moves=MOVES, rest=st.text(alphabet="ynd", min_size=N, max_size=N))
def test_random_paths_with_back(lang, moves, rest):
    """Random answers with "back" presses anywhere, then the remaining answers: the screens follow a simple model."""
    _ = gettext_for(lang)
    reply = CHECK.act("check", lang, TOPICS)
    state = ""
    for move in moves + list(rest):
        if reply.kind == "verdict":
            break
        assert_question(reply, CHECK, state, lang)
        if move == "back":
            if not state:
                continue
            reply = press(CHECK, reply, _("Back"), TOPICS)
            state = state[:-1]
        else:
            reply = press(CHECK, reply, answer_label(lang, move), TOPICS)
            state += move
    while reply.kind != "verdict":
        letter = rest[len(state)]
        reply = press(CHECK, reply, answer_label(lang, letter), TOPICS)
        state += letter
    assert len(state) == N
    assert_verdict(reply, CHECK, state, lang, TOPICS)
    assert reply.topic == verdict(state, CHECK.questions)[0]


@settings(max_examples=200, deadline=None)
@given(lang=st.sampled_from(LANGUAGES), answers=st.text(alphabet="ynd", min_size=N, max_size=N))
def test_any_full_answer_string(lang, answers):
    reply = walk(CHECK, answers, lang, TOPICS)
    assert_verdict(reply, CHECK, answers, lang, TOPICS)
    # a button from an old message jumps straight to the same verdict: it carries its own state
    again = CHECK.act("c:" + answers, lang, TOPICS)
    assert again is not None and again.text == reply.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_back_from_every_question(check, topics, lang):
    answers = "ynd" * N
    reply = check.act("check", lang, topics)
    for i in range(1, N):
        reply = press(check, reply, answer_label(lang, answers[i - 1]), topics)
        assert_question(reply, check, answers[:i], lang)
        back = press(check, reply, gettext_for(lang)("Back"), topics)
        assert_question(back, check, answers[: i - 1], lang)
        assert back.text == check.act("check" if i == 1 else "c:" + answers[: i - 1], lang, topics).text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("at", [0, 1, 5, N - 1])
def test_stop_at_any_question(check, topics, lang, at):
    reply = walk(check, "n" * at, lang, topics)
    stopped = press(check, reply, gettext_for(lang)("Stop"), topics)
    assert stopped.kind == "offer_stopped"
    assert stopped.text == check.content.stopped[lang]
    actions = [b.action for b in stopped.all_buttons()]
    assert "menu" in actions and "check" in actions
    assert not any(a.startswith("c:") and a != "c:x" for a in actions)


def test_stopped_text_says_nothing_was_kept(check):
    assert "not kept" in check.content.stopped["en"]


@pytest.mark.parametrize("action", [
    "c:", "c", "c:q", "c:Y", "c:yY", "c:yx", "c:xy", "c:xx", "c:x ", "c:y ", "c:y\n", " c:y", "c:yn1", "c:ё",
    "c::y", "c:y:n", "check:", "check:y", "checks", "c:" + "y" * (N + 1), "c:" + "d" * 41, "c:" + "n" * 200,
    "menu", "t:passport_taken", "", "C:y", "CHECK",
])
def test_forged_or_stale_actions_give_none(check, topics, action):
    assert check.act(action, "ru", topics) is None


@pytest.mark.parametrize("action", [None, 42, b"c:y", ["c:y"]])
def test_non_string_actions_give_none(check, topics, action):
    assert check.act(action, "en", topics) is None  # type: ignore[arg-type]
    assert not check.handles(action)  # type: ignore[arg-type]


def test_handles(check):
    for action in ("check", "c:y", "c:x", "c:zzz", "c:", "c"):
        assert check.handles(action)
    for action in ("menu", "h", "t:contract", "checks", "cc:y", "lang"):
        assert not check.handles(action)


def test_old_buttons_work_in_any_order_and_nothing_is_kept(check, topics):
    first = check.act("c:yn", "en", topics)
    check.act("c:" + "d" * N, "tg", topics)
    check.act("c:x", "ru", topics)
    assert check.act("c:yn", "en", topics).text == first.text
    assert set(vars(check)) == {"content"}  # the only attribute is the read-only questions


def test_unknown_language_falls_back_to_tajik(check, topics):
    reply = check.act("check", "de", topics)
    assert reply.lang == "tg"
    assert check.questions[0].text["tg"] in reply.text


def test_topic_buttons_skip_missing_topics(check):
    answers = check.answers(passport="y", debt="y", young_women="y", fee="y")
    reply = check.act("c:" + answers, "en", {})
    assert reply is not None and reply.kind == "verdict"
    assert not [b for b in reply.all_buttons() if b.action.startswith("t:")]


# -- the verdict logic ------------------------------------------------------------------------------------------

def test_thresholds_are_consistent():
    assert 0 < CAREFUL_POINTS < HIGH_POINTS
    assert oc_module.RISKY_POINTS > oc_module.UNKNOWN_POINTS > 0
    assert oc_module.RISKY_POINTS * 1 >= CAREFUL_POINTS  # any risky answer is at least "careful"


def test_all_safer_answers_look_safer_but_never_safe(check, topics):
    answers = check.answers()
    assert verdict(answers, check.questions) == ("lower", ())
    for lang in LANGUAGES:
        reply = check.act("c:" + answers, lang, topics)
        assert reply.topic == "lower"
        assert not NEVER[lang].search(reply.text.replace(check.content.disclaimer[lang], ""))
        assert check.content.disclaimer[lang] in reply.text
    assert "guarantee" in check.content.disclaimer["en"]


@pytest.mark.parametrize("lang, no_proof", [("en", "no guarantee"), ("ru", "не гарантия"), ("tg", "кафолат нест")])
def test_few_warning_signs_say_a_licence_is_no_proof(check, topics, lang, no_proof):
    """An offer with no warning signs is not called safer: the verdict says a licence or a friend's word proves
    nothing, and none of the three verdicts sends people to a hotline to check the offer."""
    reply = check.act("c:" + check.answers(), lang, topics)
    assert no_proof in reply.text
    assert "Looks safer" not in reply.text and "надёжнее" not in reply.text
    for level in check.content.levels.values():
        for step in level.steps:
            assert "call a hotline and ask" not in step.text["en"]


def test_passport_and_fee_up_front_is_high(check):
    level, reasons = check.verdict(check.answers(passport="y", fee="y"))
    assert level == "high"
    assert [r.question.id for r in reasons] == ["passport", "fee"]  # most serious first


def test_passport_alone_is_high(check):
    assert check.verdict(check.answers(passport="y"))[0] == "high"


def test_debt_to_repay_from_wages_is_high(check):
    assert check.verdict(check.answers(debt="y"))[0] == "high"


def test_young_women_dancer_offer_is_high(check):
    assert check.verdict(check.answers(young_women="y"))[0] == "high"


def test_fee_to_unchecked_recruiter_is_high(check):
    assert check.verdict(check.answers(fee="y", recruiter="n"))[0] == "high"


def test_fee_alone_is_careful(check):
    assert check.verdict(check.answers(fee="y"))[0] == "careful"


def test_no_contract_is_careful(check):
    level, reasons = check.verdict(check.answers(contract="n"))
    assert level == "careful" and reasons[0].question.id == "contract"


@pytest.mark.parametrize("qid", [q.id for q in CHECK.questions])
def test_one_dont_know_is_careful_or_lower(check, qid):
    q = next(q for q in check.questions if q.id == qid)
    level, reasons = check.verdict(check.answers(**{qid: "d"}))
    assert level == ("careful" if q.weight >= 2 else "lower")
    assert len(reasons) == 1 and reasons[0].unknown and reasons[0].icon == "❓"


def test_dont_know_about_passport_is_not_high_on_its_own(check):
    assert check.verdict(check.answers(passport="d"))[0] == "careful"


def test_four_serious_unknowns_are_high(check):
    answers = check.answers(recruiter="d", employer="d", contract="d", fee="d")
    assert check.verdict(answers)[0] == "high"


def test_all_dont_know_is_high_and_lists_at_most_five_reasons(check, topics):
    answers = "d" * N
    level, reasons = check.verdict(answers)
    assert level == "high" and len(reasons) == N
    reply = check.act("c:" + answers, "en", topics)
    listed = [line for line in reply.text.splitlines() if line.startswith("❓")]
    assert len(listed) == MAX_REASONS
    assert f"And {N - MAX_REASONS} more points to check." in reply.text


@pytest.mark.parametrize("hidden, line", [
    (1, "И ещё 1 пункт для проверки."),
    (2, "И ещё 2 пункта для проверки."),
    (5, "И ещё 5 пунктов для проверки."),
])
def test_hidden_reasons_are_counted_with_the_right_russian_plural(check, topics, hidden, line):
    """The line under the reasons agrees with its number the way Russian needs: 1 пункт, 2 пункта, 5 пунктов."""
    answers = "d" * (MAX_REASONS + hidden) + "".join(q.safer for q in check.questions[MAX_REASONS + hidden:])
    reply = check.act("c:" + answers, "ru", topics)
    assert line in reply.text
    assert "пунктов: " not in reply.text


@pytest.mark.parametrize("lang, one, two", [
    ("en", "And 1 more point to check.", "And 2 more points to check."),
    ("tg", "Ва боз 1 нуқтаи дигар барои санҷиш.", "Ва боз 2 нуқтаи дигар барои санҷиш."),
])
def test_hidden_reasons_in_the_other_languages(check, topics, lang, one, two):
    for hidden, line in ((1, one), (2, two)):
        answers = "d" * (MAX_REASONS + hidden) + "".join(q.safer for q in check.questions[MAX_REASONS + hidden:])
        assert line in check.act("c:" + answers, lang, topics).text


def test_reasons_most_serious_first(check):
    answers = check.answers(secrecy="y", passport="d", debt="y", employer="d")
    _, reasons = check.verdict(answers)
    assert [r.question.id for r in reasons] == ["debt", "secrecy", "passport", "employer"]
    assert [r.points for r in reasons] == sorted((r.points for r in reasons), reverse=True)


def test_all_risky_is_high_with_topic_buttons_from_reasons(check, topics):
    answers = "".join(q.risky for q in check.questions)
    level, reasons = check.verdict(answers)
    assert level == "high"
    reply = check.act("c:" + answers, "ru", topics)
    shown = [b.action[2:] for b in reply.all_buttons() if b.action.startswith("t:")]
    expected = [t for t in dict.fromkeys(r.question.topic for r in reasons) if t in topics and t != "hotlines"]
    assert shown == expected[:MAX_TOPIC_BUTTONS]


@pytest.mark.parametrize("bad", ["", "y", "q" * N, "y" * (N + 1), "Y" * N, "x" * N])
def test_verdict_rejects_bad_answer_strings(check, bad):
    with pytest.raises(ValueError):
        check.verdict(bad)


def test_module_verdict_uses_the_content_file():
    assert verdict("d" * N)[0] == "high"


@settings(max_examples=300, deadline=None)
@given(answers=st.text(alphabet="ynd", min_size=N, max_size=N))
def test_verdict_is_monotonic(answers):
    """Making one answer riskier never lowers the verdict; a red-line answer is always high."""
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    level, reasons = verdict(answers, CHECK.questions)
    assert {r.question.id for r in reasons} == {
        q.id for q, a in zip(CHECK.questions, answers) if a != q.safer}
    for i, q in enumerate(CHECK.questions):
        riskier = answers[:i] + q.risky + answers[i + 1:]
        assert rank[verdict(riskier, CHECK.questions)[0]] >= rank[level]
        if q.weight >= RED_LINE_WEIGHT:
            assert verdict(riskier, CHECK.questions)[0] == "high"


# -- wired into the dialogue: reachable from the menu, the cards, free text and deep links ----------------------

def test_check_is_reachable_from_menu_cards_and_free_text(dialogue):
    from bot.core.deeplink import parse_payload

    for lang in LANGUAGES:
        assert "check" in [b.action for b in dialogue.menu(lang).all_buttons()]
        assert "check" in [b.action for b in dialogue.topic("red_flags", lang).all_buttons()]
        first = dialogue.act("check", lang)
        assert first.kind == "offer_question" and first.lang == lang
    for text, lang in [("is this job offer real?", "en"), ("ин пешниҳоди кор рост аст?", "tg"),
                       ("это предложение работы настоящее?", "ru")]:
        reply = dialogue.respond(text, lang)
        assert "check" in [b.action for b in reply.all_buttons()], (text, reply.kind, reply.topic)
    target = parse_payload("check-ru", dialogue.content.topics, ("check",))
    assert (target.topic, target.lang) == ("check", "ru")


def test_forged_check_buttons_in_the_dialogue_are_explained(dialogue):
    for action in ("c:", "c:zzz", "c:" + "y" * 30, "c:x:y"):
        assert dialogue.act(action, "en").kind == "stale"
