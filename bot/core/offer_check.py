"""The job-offer check: a few yes / no / don't-know questions, then a verdict with reasons and next steps.

Stateless and private by construction: the answers given so far travel inside the button's callback data, so the
server keeps nothing while a person answers, and a button in an old message still works (it carries its own state).

Actions (Telegram callback data, at most 64 bytes):

``check``
    start: question 1
``c:<answers>``
    ``<answers>`` is one letter per answered question, ``y`` (yes), ``n`` (no) or ``d`` (don't know); shows the
    next question, or the verdict once every question is answered. Back is the same string minus its last letter
    (``check`` from question 2).
``c:x``
    stop: "stopped, nothing was kept" (``x`` is outside the answer alphabet, so it cannot clash).

Anything else starting with ``c:`` (another letter, too many letters, upper case, ...) gives ``None``, so the
dialogue shows its "button out of date" reply. The questions, reasons and verdict texts live in
``content/offer_check.yaml``; how the answers become a verdict is set by the thresholds below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import LANGUAGES
from bot.content import (
    REQUIRED_TOPICS,
    ContentError,
    Point,
    Problem,
    Topic,
    _Checker,
    _points,
    _read_yaml,
    default_content_dir,
)
from bot.core.reply import Button, Reply
from bot.i18n import gettext_for, ngettext_for

# -- how answers become a verdict: the one place to tune it ----------------------------------------------------
#
# Every question has a weight from 1 to 3 (content/offer_check.yaml). An answer scores, per unit of weight:
RISKY_POINTS = 2  #: the risky answer ("yes, they want my passport"; "no, there is no contract")
UNKNOWN_POINTS = 1  #: "don't know": half the risk, because the person should find out before paying or signing
#: A risky answer to a question of this weight is high risk on its own: the passport asked for, a debt to "repay"
#: from wages, a waitress / dancer / nanny / model job abroad for a young woman.
RED_LINE_WEIGHT = 3
#: "high" from this many points: two serious warnings (2 questions x weight 2 x 2 points = 8), for example money
#: up front (weight 2) to a recruiter without a checked licence (weight 2); or one serious warning and two serious
#: unknowns; or four serious unknowns (an offer you know almost nothing about).
HIGH_POINTS = 8
#: "careful" from this many points: any risky answer, or one "don't know" on a weight-2 or weight-3 question.
CAREFUL_POINTS = 2
#: Below CAREFUL_POINTS: "lower" ("fewer warning signs"). There is no "safe" level: the bot cannot guarantee an offer.
LEVELS: tuple[str, ...] = ("lower", "careful", "high")

#: Reasons listed in the verdict, most serious first; the rest are counted in one line, so it fits a phone screen.
MAX_REASONS = 5
#: Topic buttons under the verdict.
MAX_TOPIC_BUTTONS = 3

# -- actions ---------------------------------------------------------------------------------------------------
YES, NO, UNKNOWN = "y", "n", "d"
ANSWER_LETTERS = YES + NO + UNKNOWN
START_ACTION = "check"
STOP_ACTION = "c:x"
_PREFIX = "c:"
_ANSWERS_RE = re.compile(r"[ynd]+")

# -- the file --------------------------------------------------------------------------------------------------
FILE_NAME = "offer_check.yaml"
MIN_QUESTIONS, MAX_QUESTIONS = 8, 12
QUESTION_MAX = 220
REASON_MAX = 200
TITLE_MAX = 40
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_QUESTION_FIELDS = {"id", "risky", "weight", "topic", "sources", "text", "reason", "unknown"}
_LEVEL_FIELDS = {"icon", "title", "summary", "steps", "related"}
_TOP_FIELDS = {"title", "intro", "stopped", "reasons_heading", "steps_heading", "disclaimer", "questions", "levels",
               "match"}
#: Words that would promise an offer is safe, or safer; refused in the level titles and summaries. Answers with few
#: warning signs prove nothing: an agency advertised on TV deceived 34 people in 2008 (hrc_upr2011).
_NEVER_SAFE = {"en": re.compile(r"\bsafer?\b", re.I), "ru": re.compile(r"\bбезопасн|\bнадёжн|\bнадежн", re.I),
               "tg": re.compile(r"\bбехатар\b|камхатар|\bбоэътимод", re.I)}


@dataclass(frozen=True)
class Question:
    id: str
    risky: str  #: the answer letter that is a warning sign: "y" or "n"
    weight: int
    topic: str
    sources: tuple[str, ...]
    text: Mapping[str, str]
    reason: Mapping[str, str]
    unknown: Mapping[str, str]

    @property
    def safer(self) -> str:
        """The answer letter that is not a warning sign."""
        return NO if self.risky == YES else YES

    def points(self, answer: str) -> int:
        if answer == self.risky:
            return RISKY_POINTS * self.weight
        if answer == UNKNOWN:
            return UNKNOWN_POINTS * self.weight
        return 0


@dataclass(frozen=True)
class Reason:
    """Why the verdict is what it is: one risky or unknown answer."""

    question: Question
    answer: str
    points: int

    @property
    def unknown(self) -> bool:
        return self.answer == UNKNOWN

    @property
    def icon(self) -> str:
        if self.unknown:
            return "❓"
        return "⛔" if self.question.weight >= RED_LINE_WEIGHT else "⚠️"

    def line(self, lang: str) -> str:
        text = self.question.unknown if self.unknown else self.question.reason
        return f"{self.icon} {text[lang]}"


@dataclass(frozen=True)
class Level:
    id: str
    icon: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    steps: tuple[Point, ...]
    related: tuple[str, ...]


@dataclass(frozen=True)
class OfferCheckContent:
    title: Mapping[str, str]
    intro: Mapping[str, str]
    stopped: Mapping[str, str]
    reasons_heading: Mapping[str, str]
    steps_heading: Mapping[str, str]
    disclaimer: Mapping[str, str]
    questions: tuple[Question, ...]
    levels: Mapping[str, Level]
    match: Mapping[str, tuple[str, ...]]


# -- loading ---------------------------------------------------------------------------------------------------

def _topic_ids(check: _Checker, value: Any, field_name: str) -> tuple[str, ...]:
    ids = check.string_list(value, field_name, min_len=1)
    for topic_id in ids:
        if topic_id not in REQUIRED_TOPICS:
            check.fail(field_name, f"unknown topic id {topic_id!r}")
    return ids


def _load_question(check: _Checker, raw: Any, name: str, sources: Mapping[str, Any]) -> Question:
    data = check.mapping(raw, name)
    for extra in sorted(set(data) - _QUESTION_FIELDS):
        check.fail(f"{name}.{extra}", f"unknown field (expected {', '.join(sorted(_QUESTION_FIELDS))})")
    qid = data.get("id")
    if not isinstance(qid, str) or not _ID_RE.match(qid):
        check.fail(f"{name}.id", f"expected a short lowercase id, found {qid!r}")
        qid = f"?{name}"
    risky = data.get("risky")
    risky = {True: "yes", False: "no"}.get(risky, risky) if isinstance(risky, bool) else risky
    if risky not in ("yes", "no"):
        check.fail(f"{name}.risky", f'expected "yes" or "no" (the answer that is a warning sign), found {risky!r}')
    weight = data.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= RED_LINE_WEIGHT:
        check.fail(f"{name}.weight", f"expected a whole number from 1 to {RED_LINE_WEIGHT}, found {weight!r}")
        weight = 1
    topic = data.get("topic")
    if topic not in REQUIRED_TOPICS:
        check.fail(f"{name}.topic", f"unknown topic id {topic!r}")
    cited = check.string_list(data.get("sources"), f"{name}.sources", min_len=1)
    for source in cited:
        if source not in sources:
            check.fail(f"{name}.sources", f"unknown source id {source!r} (see content/sources.yaml)")
    return Question(
        id=qid,
        risky=YES if risky == "yes" else NO,
        weight=weight,
        topic=str(topic),
        sources=cited,
        text=check.per_language(data.get("text"), f"{name}.text", QUESTION_MAX),
        reason=check.per_language(data.get("reason"), f"{name}.reason", REASON_MAX),
        unknown=check.per_language(data.get("unknown"), f"{name}.unknown", REASON_MAX),
    )


def _load_level(check: _Checker, raw: Any, name: str, sources: Mapping[str, Any]) -> Level:
    data = check.mapping(raw, name)
    for extra in sorted(set(data) - _LEVEL_FIELDS):
        check.fail(f"{name}.{extra}", f"unknown field (expected {', '.join(sorted(_LEVEL_FIELDS))})")
    title = check.per_language(data.get("title"), f"{name}.title", TITLE_MAX)
    summary = check.per_language(data.get("summary"), f"{name}.summary", REASON_MAX)
    for lang, pattern in _NEVER_SAFE.items():
        for field_name, texts in (("title", title), ("summary", summary)):
            if pattern.search(texts.get(lang, "")):
                check.fail(f"{name}.{field_name}.{lang}", "never call an offer safe: the bot cannot guarantee it")
    related = _topic_ids(check, data.get("related"), f"{name}.related")
    if len(related) > MAX_TOPIC_BUTTONS:
        check.fail(f"{name}.related", f"at most {MAX_TOPIC_BUTTONS} topics, found {len(related)}")
    return Level(
        id=name.rpartition(".")[2],
        icon=check.text(data.get("icon"), f"{name}.icon", 4),
        title=title,
        summary=summary,
        steps=_points(check, data.get("steps"), f"{name}.steps", sources, True, 500),
        related=related,
    )


def load_offer_check(root: Path | None = None) -> OfferCheckContent:
    """Read and validate ``offer_check.yaml``; raise :class:`~bot.content.ContentError` listing every problem."""
    root = Path(root) if root else default_content_dir()
    path = root / FILE_NAME
    problems: list[Problem] = []
    check = _Checker(path, root, problems)
    if not path.exists():
        raise ContentError([Problem(check.file, "(file)", "missing: the job-offer check needs its questions")])
    sources = _read_yaml(root / "sources.yaml", problems, root) if (root / "sources.yaml").exists() else None
    if not isinstance(sources, dict):
        sources = {}
        problems.append(Problem(_Checker(root / "sources.yaml", root, []).file, "(file)",
                                "missing or empty: the source ids must be listed"))
    data = _read_yaml(path, problems, root)
    if data is None:
        raise ContentError(problems or [Problem(check.file, "(file)", "empty file")])
    data = check.mapping(data, "(file)")
    for extra in sorted(set(data) - _TOP_FIELDS):
        check.fail(extra, f"unknown field (expected {', '.join(sorted(_TOP_FIELDS))})")

    texts = {key: check.per_language(data.get(key), key, limit) for key, limit in (
        ("title", TITLE_MAX), ("intro", 400), ("stopped", REASON_MAX), ("reasons_heading", TITLE_MAX),
        ("steps_heading", TITLE_MAX), ("disclaimer", 300))}

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list):
        check.fail("questions", "expected a list of questions")
        raw_questions = []
    elif not MIN_QUESTIONS <= len(raw_questions) <= MAX_QUESTIONS:
        check.fail("questions", f"{MIN_QUESTIONS} to {MAX_QUESTIONS} questions expected, found {len(raw_questions)}")
    questions = tuple(_load_question(check, raw, f"questions[{i}]", sources) for i, raw in enumerate(raw_questions))
    seen: set[str] = set()
    for i, q in enumerate(questions):
        if q.id in seen:
            check.fail(f"questions[{i}].id", f"duplicate id {q.id!r}")
        seen.add(q.id)

    raw_levels = check.mapping(data.get("levels"), "levels")
    for extra in sorted(set(raw_levels) - set(LEVELS)):
        check.fail(f"levels.{extra}", f"unknown level (expected {', '.join(LEVELS)})")
    for missing in LEVELS:
        if missing not in raw_levels:
            check.fail(f"levels.{missing}", "missing level")
    levels = {lv: _load_level(check, raw_levels[lv], f"levels.{lv}", sources) for lv in LEVELS if lv in raw_levels}

    match: dict[str, tuple[str, ...]] = {lang: () for lang in LANGUAGES}
    if data.get("match") is not None:
        raw_match = check.mapping(data.get("match"), "match")
        match = {lang: check.string_list(raw_match.get(lang), f"match.{lang}", 1) for lang in LANGUAGES}

    if problems:
        raise ContentError(problems)
    return OfferCheckContent(questions=questions, levels=levels, match=match, **texts)


@lru_cache(maxsize=1)
def default_check() -> OfferCheckContent:
    """The check from the content folder, read once (for :func:`verdict` and :class:`OfferCheck` defaults)."""
    return load_offer_check()


# -- the verdict: a pure function of the answers ---------------------------------------------------------------

def verdict(answers: str, questions: Sequence[Question] | None = None) -> tuple[str, tuple[Reason, ...]]:
    """The level (``lower`` | ``careful`` | ``high``) and the reasons, most serious first, for a full answer string.

    ``answers`` has one letter per question: ``y``, ``n`` or ``d``. Reasons are the risky and the don't-know
    answers; among equally serious ones the question order is kept.
    """
    questions = default_check().questions if questions is None else questions
    if (not isinstance(answers, str) or len(answers) != len(questions)
            or not _ANSWERS_RE.fullmatch(answers)):
        raise ValueError(f"expected {len(questions)} answers from {ANSWER_LETTERS!r}, got {answers!r}")
    reasons = [Reason(q, a, q.points(a)) for q, a in zip(questions, answers) if q.points(a)]
    reasons.sort(key=lambda r: -r.points)
    total = sum(r.points for r in reasons)
    red_line = any(not r.unknown and r.question.weight >= RED_LINE_WEIGHT for r in reasons)
    if red_line or total >= HIGH_POINTS:
        level = "high"
    elif total >= CAREFUL_POINTS:
        level = "careful"
    else:
        level = "lower"
    return level, tuple(reasons)


# -- the dialogue ----------------------------------------------------------------------------------------------

class OfferCheck:
    """Answers the check's button presses. Holds only the (read-only) questions: nothing about any user."""

    def __init__(self, content: OfferCheckContent | None = None):
        self.content = content if content is not None else default_check()

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.content.questions

    def title(self, lang: str) -> str:
        """The menu button label for the check."""
        return self.content.title[lang if lang in LANGUAGES else "tg"]

    def handles(self, action: str) -> bool:
        """Is this one of the check's actions (valid or not)? Invalid ones then get ``None`` from :meth:`act`."""
        return isinstance(action, str) and (action == START_ACTION or action.partition(":")[0] == "c")

    def parse(self, action: str) -> str | None:
        """The answers an action carries (``""`` for the start), ``"x"`` for stop, or ``None`` if it is invalid."""
        if not isinstance(action, str):
            return None
        if action == START_ACTION:
            return ""
        if action == STOP_ACTION:
            return "x"
        if not action.startswith(_PREFIX):
            return None
        answers = action[len(_PREFIX):]
        if not _ANSWERS_RE.fullmatch(answers) or len(answers) > len(self.questions):
            return None
        return answers

    def answers(self, **given: str) -> str:
        """An answer string: ``given`` answers by question id (``passport="y"``), every other one the safer way."""
        unknown_ids = set(given) - {q.id for q in self.questions}
        if unknown_ids:
            raise KeyError(f"unknown question ids: {sorted(unknown_ids)}")
        return "".join(given.get(q.id, q.safer) for q in self.questions)

    def verdict(self, answers: str) -> tuple[str, tuple[Reason, ...]]:
        return verdict(answers, self.questions)

    def act(self, action: str, lang: str, topics: Mapping[str, Topic]) -> Reply | None:
        """Answer a press of one of the check's buttons; ``None`` for a forged, malformed or outdated action."""
        lang = lang if lang in LANGUAGES else "tg"
        answers = self.parse(action)
        if answers is None:
            return None
        if answers == "x":
            return self.stopped(lang)
        if len(answers) == len(self.questions):
            return self.verdict_reply(answers, lang, topics)
        return self.question(answers, lang)

    def start(self, lang: str) -> Reply:
        """Question 1 (for /check, the menu and the ``check-<lang>`` deep link)."""
        return self.question("", lang if lang in LANGUAGES else "tg")

    # -- screens -------------------------------------------------------------------------------------------------

    def question(self, answers: str, lang: str) -> Reply:
        _ = gettext_for(lang)
        total = len(self.questions)
        number = len(answers) + 1
        q = self.questions[len(answers)]
        parts = []
        if not answers:
            parts.append(f"🔎 {self.content.title[lang]}\n{self.content.intro[lang]}")
        parts.append(_("Question {n} of {total}").format(n=number, total=total) + "\n" + q.text[lang])
        rows = [[Button(_("Yes"), f"{_PREFIX}{answers}{YES}"), Button(_("No"), f"{_PREFIX}{answers}{NO}"),
                 Button(_("Don't know"), f"{_PREFIX}{answers}{UNKNOWN}")]]
        controls = []
        if answers:
            back = f"{_PREFIX}{answers[:-1]}" if len(answers) > 1 else START_ACTION
            controls.append(Button("⬅️ " + _("Back"), back))
        controls.append(Button("✖️ " + _("Stop"), STOP_ACTION))
        rows.append(controls)
        return Reply("\n\n".join(parts), lang, "offer_question", buttons=rows)

    def verdict_reply(self, answers: str, lang: str, topics: Mapping[str, Topic]) -> Reply:
        """The verdict. Its buttons carry no answers: once it is shown, the answers exist nowhere."""
        _ = gettext_for(lang)
        ngettext = ngettext_for(lang)
        level_id, reasons = self.verdict(answers)
        level = self.content.levels[level_id]
        parts = [f"{level.icon} {level.title[lang]}\n{level.summary[lang]}"]
        if reasons:
            lines = [r.line(lang) for r in reasons[:MAX_REASONS]]
            if len(reasons) > MAX_REASONS:
                hidden = len(reasons) - MAX_REASONS
                lines.append(ngettext("And {n} more point to check.", "And {n} more points to check.",
                                      hidden).format(n=hidden))
            parts.append(self.content.reasons_heading[lang] + "\n" + "\n".join(lines))
        parts.append(self.content.steps_heading[lang] + "\n" + "\n".join(f"• {s.text[lang]}" for s in level.steps))
        parts.append("ℹ️ " + self.content.disclaimer[lang])
        wanted = [r.question.topic for r in reasons] + list(level.related)
        shown = [t for t in dict.fromkeys(wanted) if t in topics and t != "hotlines"][:MAX_TOPIC_BUTTONS]
        rows = [[Button(topics[t].title[lang], f"t:{t}")] for t in shown]
        rows.append([Button("☎️ " + _("Hotlines"), "h"), Button("⬅️ " + _("Menu"), "menu")])
        rows.append([Button("🔁 " + _("Check another offer"), START_ACTION)])
        return Reply("\n\n".join(parts), lang, "verdict", buttons=rows, topic=level_id)

    def stopped(self, lang: str) -> Reply:
        _ = gettext_for(lang)
        rows = [[Button("🔎 " + self.content.title[lang], START_ACTION)], [Button("⬅️ " + _("Menu"), "menu")]]
        return Reply(self.content.stopped[lang], lang, "offer_stopped", buttons=rows)
