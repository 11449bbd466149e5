"""Loading and validating the guidance in content/.

Everything is checked at start-up and every problem is reported with its file and field, so a broken edit stops the
bot on the operator's screen instead of surfacing in a user's chat at 2 a.m.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot import LANGUAGES, PROJECT_ROOT

if TYPE_CHECKING:  # these loaders build on this module's checkers, so they are imported lazily at run time
    from bot.core.advert_content import AdvertContent
    from bot.core.offer_check import OfferCheckContent
    from bot.rules import RuleBook
    from bot.training_data import AdvertRow, TrainingRow

#: Topic ids other parts of the project (deep links, evaluation, the kit) refer to; all must exist.
REQUIRED_TOPICS: tuple[str, ...] = (
    "red_flags", "check_agency", "contract", "passport_taken", "debt_bondage", "unpaid_wages", "forced_labour",
    "sexual_exploitation", "hotlines", "rights", "consulate", "before_departure", "legal_stay", "deportation",
    "victim_help", "return_home", "report_crime", "health", "child_labour", "emergency",
)
LINE_KINDS = ("emergency", "police", "ambulance", "fire", "hotline", "consulate", "ngo")
#: Kinds of line the emergency card and the printed cards show for every country.
EMERGENCY_KINDS = ("emergency", "police", "ambulance", "fire")
CALL_RESULTS = ("answered", "no_answer", "wrong_number")
TITLE_MAX = 40
#: A topic's one-line summary: inline results and the kit index show it whole, so it must fit and end as a sentence.
SUMMARY_MAX = 100
SUMMARY_ENDINGS = (".", "!", "?")
ANSWER_MAX = 700
DETAILS_MAX = 1200
MIN_MATCH_PHRASES = 5
_NUMBER_RE = re.compile(r"^\+?[0-9][0-9 \-()]{1,24}$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
#: libyaml's safe loader when PyYAML was built with it (ten times faster: start-up reads every content file).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Point:
    """One statement of guidance and the sources it rests on."""

    text: Mapping[str, str]
    sources: tuple[str, ...]


def cited_sources(points: Iterable[Point]) -> tuple[str, ...]:
    """The source ids the points cite, each once, in first-cited order."""
    seen: dict[str, None] = {}
    for point in points:
        seen.update(dict.fromkeys(point.sources))
    return tuple(seen)


@dataclass(frozen=True)
class Topic:
    id: str
    title: Mapping[str, str]
    answer: tuple[Point, ...]
    details: tuple[Point, ...]
    related: tuple[str, ...]
    reviewed: Mapping[str, bool]
    match: Mapping[str, tuple[str, ...]]
    path: Path
    #: One complete phrase per language (at most SUMMARY_MAX characters), shown whole where a card is only listed.
    summary: Mapping[str, str] = field(default_factory=dict)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id the topic cites, in first-cited order."""
        return cited_sources(self.answer + self.details)


@dataclass(frozen=True)
class Call:
    """One test call to a number: who called, when, and whether anyone answered."""

    date: dt.date
    by: str
    result: str  # one of CALL_RESULTS


@dataclass(frozen=True)
class Line:
    """A phone number with two separate dates: ``read`` (last read in its source) and its test ``calls``.

    The two are kept apart because "found in a 2021 article last week" and "someone called it and a person answered"
    are different promises; most numbers were never called, and users are told so.
    """

    name: Mapping[str, str]
    number: str
    kind: str
    source: str
    source_date: str
    read: dt.date
    calls: tuple[Call, ...] = ()  # newest first; empty: never test-called
    note: Mapping[str, str] | None = None  # the warning that goes wherever the number goes

    @property
    def last_call(self) -> Call | None:
        return self.calls[0] if self.calls else None


@dataclass(frozen=True)
class Country:
    id: str
    name: Mapping[str, str]
    lines: tuple[Line, ...]
    missing: Mapping[str, str] | None = None

    def emergency_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.kind in EMERGENCY_KINDS)


@dataclass(frozen=True)
class Intent:
    """Something people say that is not a guidance topic (greetings, out-of-scope questions, ...)."""

    id: str
    match: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Section:
    """A group of topics in the menu, so the first screen stays short."""

    id: str
    title: Mapping[str, str]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Menu:
    main: tuple[str, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Content:
    topics: Mapping[str, Topic]
    countries: tuple[Country, ...]
    intents: Mapping[str, Intent]
    sources: Mapping[str, Mapping[str, Any]]
    menu: Menu
    root: Path = field(default=PROJECT_ROOT / "content")
    offer_check: OfferCheckContent | None = None  # the job-offer check's questions and verdicts
    training: tuple[TrainingRow, ...] = ()  # the intent model's labelled messages (content/training/)
    advert_training: tuple[AdvertRow, ...] = ()  # the advert recogniser's (content/training/adverts/)
    rules: RuleBook | None = None  # today's rules per destination country (rules.yaml, destinations.yaml)
    adverts: AdvertContent | None = None  # the advert scan's patterns and wording

    def country(self, country_id: str) -> Country | None:
        return next((c for c in self.countries if c.id == country_id), None)


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found, so one run of ``check`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def default_content_dir() -> Path:
    return Path(os.environ.get("CONTENT_DIR") or PROJECT_ROOT / "content")


class _Checker:
    """Collects problems while reading one file, naming fields by their path (``answer[2].tg``)."""

    def __init__(self, path: Path, root: Path, problems: list[Problem]):
        self.file = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
        self.problems = problems

    def fail(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, field_name, message))

    def mapping(self, value: Any, field_name: str) -> dict:
        if not isinstance(value, dict):
            self.fail(field_name, f"expected a mapping, got {type(value).__name__}")
            return {}
        return value

    def text(self, value: Any, field_name: str, max_len: int | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(field_name, "missing or empty text")
            return ""
        if max_len is not None and len(value.strip()) > max_len:
            self.fail(field_name, f"too long ({len(value.strip())} characters, at most {max_len})")
        return value.strip()

    def per_language(self, value: Any, field_name: str, max_len: int | None = None) -> dict[str, str]:
        data = self.mapping(value, field_name)
        result = {lang: self.text(data.get(lang), f"{field_name}.{lang}", max_len) for lang in LANGUAGES}
        for extra in set(data) - set(LANGUAGES):
            self.fail(f"{field_name}.{extra}", f"unknown language (expected one of {', '.join(LANGUAGES)})")
        return result

    def string_list(self, value: Any, field_name: str, min_len: int = 0) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(field_name, "expected a list of non-empty strings")
            return ()
        if len(value) < min_len:
            self.fail(field_name, f"at least {min_len} entries expected, found {len(value)}")
        return tuple(v.strip() for v in value)


def as_date(value: Any) -> dt.date | None:
    """A YAML date (unquoted ``2026-11-24``) or an ISO string, else None."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def past_date(check: _Checker, value: Any, field_name: str, what: str) -> dt.date:
    """A required date that is not in the future; problems are named, and ``date.min`` stands in for a bad one."""
    day = as_date(value)
    if day is None:
        check.fail(field_name, f"{what} is required (YYYY-MM-DD)")
        return dt.date.min
    if day > dt.date.today():
        check.fail(field_name, f"date {day} is in the future")
    return day


def _calls(check: _Checker, value: Any, field_name: str) -> tuple[Call, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.fail(field_name, "expected a list of test calls (date, by, result), newest first")
        return ()
    calls = []
    for k, raw in enumerate(value):
        name = f"{field_name}[{k}]"
        data = check.mapping(raw, name)
        result = data.get("result")
        if result not in CALL_RESULTS:
            check.fail(f"{name}.result", f"expected one of {', '.join(CALL_RESULTS)}, found {result!r}")
        calls.append(Call(past_date(check, data.get("date"), f"{name}.date", "the date of the call"),
                          check.text(data.get("by"), f"{name}.by", 80), str(result)))
    if [c.date for c in calls] != sorted((c.date for c in calls), reverse=True):
        check.fail(field_name, "test calls must be listed newest first")
    return tuple(calls)


def _read_yaml(path: Path, problems: list[Problem], root: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(_Checker(path, root, []).file, "(file)", f"cannot read: {exc}"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problems.append(Problem(_Checker(path, root, []).file, where, f"invalid YAML: {getattr(exc, 'problem', exc)}"))
    return None


def _points(check: _Checker, value: Any, field_name: str, sources: Mapping[str, Any],
            required: bool, max_total: int) -> tuple[Point, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value:
        check.fail(field_name, "expected a non-empty list of points")
        return ()
    points = []
    for i, raw in enumerate(value):
        name = f"{field_name}[{i}]"
        data = check.mapping(raw, name)
        cited = check.string_list(data.get("sources"), f"{name}.sources", min_len=1)
        for source in cited:
            if source not in sources:
                check.fail(f"{name}.sources", f"unknown source id {source!r} (see content/sources.yaml)")
        text = {lang: check.text(data.get(lang), f"{name}.{lang}") for lang in LANGUAGES}
        points.append(Point(text=text, sources=cited))
    for lang in LANGUAGES:
        total = sum(len(p.text[lang]) for p in points)
        if total > max_total:
            check.fail(f"{field_name}.{lang}",
                       f"too long for one phone screen ({total} characters, at most {max_total})")
    return tuple(points)


def _load_topic(path: Path, root: Path, sources: Mapping[str, Any], problems: list[Problem]) -> Topic | None:
    data = _read_yaml(path, problems, root)
    check = _Checker(path, root, problems)
    if data is None:
        return None
    data = check.mapping(data, "(file)")
    topic_id = data.get("id")
    if topic_id != path.stem:
        check.fail("id", f"must equal the file name {path.stem!r}, found {topic_id!r}")
    related = check.string_list(data.get("related"), "related")
    if not 2 <= len(related) <= 4:
        check.fail("related", f"2 to 4 related topics expected, found {len(related)}")
    reviewed_raw = check.mapping(data.get("reviewed", {}), "reviewed")
    reviewed = {lang: bool(reviewed_raw.get(lang, False)) for lang in LANGUAGES}
    match_raw = check.mapping(data.get("match"), "match")
    match = {lang: check.string_list(match_raw.get(lang), f"match.{lang}", MIN_MATCH_PHRASES) for lang in LANGUAGES}
    summary = check.per_language(data.get("summary"), "summary", SUMMARY_MAX)
    for lang, text in summary.items():
        if text and not text.endswith(SUMMARY_ENDINGS):
            check.fail(f"summary.{lang}",
                       "must be a complete phrase ending with . ! or ? (it is shown whole, never cut)")
    return Topic(
        id=path.stem,
        title=check.per_language(data.get("title"), "title", TITLE_MAX),
        summary=summary,
        answer=_points(check, data.get("answer"), "answer", sources, True, ANSWER_MAX),
        details=_points(check, data.get("details"), "details", sources, False, DETAILS_MAX),
        related=related,
        reviewed=reviewed,
        match=match,
        path=path,
    )


def _load_countries(path: Path, root: Path, problems: list[Problem]) -> list[Country]:
    data = _read_yaml(path, problems, root)
    check = _Checker(path, root, problems)
    if data is None:
        return []
    raw_countries = check.mapping(data, "(file)").get("countries")
    if not isinstance(raw_countries, list):
        check.fail("countries", "expected a list of countries")
        return []
    countries = []
    for i, raw in enumerate(raw_countries):
        name = f"countries[{i}]"
        c = check.mapping(raw, name)
        country_id = c.get("id")
        if not isinstance(country_id, str) or not _ID_RE.match(country_id):
            check.fail(f"{name}.id", f"expected a short lowercase id, found {country_id!r}")
            country_id = f"?{i}"
        lines = []
        raw_lines = c.get("lines") or []
        if not isinstance(raw_lines, list):
            check.fail(f"{name}.lines", "expected a list")
            raw_lines = []
        for j, raw_line in enumerate(raw_lines):
            lname = f"{name}.lines[{j}]"
            ld = check.mapping(raw_line, lname)
            number = str(ld.get("number", "")).strip()
            if not _NUMBER_RE.match(number):
                check.fail(f"{lname}.number", f"not a phone number: {number!r}")
            kind = ld.get("kind")
            if kind not in LINE_KINDS:
                check.fail(f"{lname}.kind", f"expected one of {', '.join(LINE_KINDS)}, found {kind!r}")
            if "checked" in ld:
                check.fail(f"{lname}.checked", "renamed: `read` is when the number was read in its source; test "
                                               "calls go in `calls`")
            read = past_date(check, ld.get("read"), f"{lname}.read", "the date the number was read in its source")
            note = ld.get("note")
            lines.append(Line(
                name=check.per_language(ld.get("name"), f"{lname}.name", 60),
                number=number,
                kind=str(kind),
                source=check.text(ld.get("source"), f"{lname}.source"),
                source_date=check.text(str(ld.get("source_date", "")), f"{lname}.source_date"),
                read=read,
                calls=_calls(check, ld.get("calls"), f"{lname}.calls"),
                note=check.per_language(note, f"{lname}.note", 240) if note is not None else None,
            ))
        missing = c.get("missing")
        if not lines and missing is None:
            check.fail(f"{name}.missing", "a country without lines must say so in `missing`")
        countries.append(Country(
            id=country_id,
            name=check.per_language(c.get("name"), f"{name}.name", 40),
            lines=tuple(lines),
            missing=check.per_language(missing, f"{name}.missing", 300) if missing is not None else None,
        ))
    return countries


def _merge_local(countries: list[Country], local: list[Country]) -> list[Country]:
    """The deploying organisation's own lines come first in their country, or add a country."""
    by_id = {c.id: c for c in countries}
    for extra in local:
        base = by_id.get(extra.id)
        if base is None:
            countries.append(extra)
            by_id[extra.id] = extra
            continue
        merged = Country(base.id, base.name, extra.lines + base.lines, base.missing if not extra.lines else None)
        countries[countries.index(base)] = merged
        by_id[extra.id] = merged
    return countries


def _load_intent(path: Path, root: Path, problems: list[Problem]) -> Intent | None:
    data = _read_yaml(path, problems, root)
    check = _Checker(path, root, problems)
    if data is None:
        return None
    data = check.mapping(data, "(file)")
    if data.get("id") != path.stem:
        check.fail("id", f"must equal the file name {path.stem!r}, found {data.get('id')!r}")
    match_raw = check.mapping(data.get("match"), "match")
    match = {lang: check.string_list(match_raw.get(lang), f"match.{lang}", 1) for lang in LANGUAGES}
    return Intent(id=path.stem, match=match)


def _load_menu(path: Path, root: Path, topics: Mapping[str, Topic], problems: list[Problem]) -> Menu:
    data = _read_yaml(path, problems, root) if path.exists() else None
    check = _Checker(path, root, problems)
    if data is None:
        if not path.exists():
            check.fail("(file)", "missing: the menu sections are required")
        return Menu((), ())
    data = check.mapping(data, "(file)")
    main = check.string_list(data.get("main"), "main")
    sections = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        check.fail("sections", "expected a non-empty list of sections")
        raw_sections = []
    for i, raw in enumerate(raw_sections):
        name = f"sections[{i}]"
        sd = check.mapping(raw, name)
        sid = sd.get("id")
        if not isinstance(sid, str) or not _ID_RE.match(sid):
            check.fail(f"{name}.id", f"expected a short lowercase id, found {sid!r}")
            sid = f"?{i}"
        sections.append(Section(sid, check.per_language(sd.get("title"), f"{name}.title", 40),
                                check.string_list(sd.get("topics"), f"{name}.topics", 1)))
    listed = set(main)
    for field_name, ids in [("main", main)] + [(f"sections[{i}].topics", s.topics) for i, s in enumerate(sections)]:
        for topic_id in ids:
            if topic_id not in topics:
                check.fail(field_name, f"unknown topic id {topic_id!r}")
        listed.update(ids)
    for topic_id in topics:
        if topic_id not in listed:
            check.fail("sections", f"topic {topic_id!r} is in no section: users could not find it in the menu")
    return Menu(main, tuple(sections))


def load_content(root: Path | None = None) -> Content:
    """Read and validate all of content/; raise :class:`ContentError` listing every problem found."""
    root = Path(root) if root else default_content_dir()
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(str(root), "(folder)", "content folder not found")])

    sources_data = _read_yaml(root / "sources.yaml", problems, root) if (root / "sources.yaml").exists() else None
    if not isinstance(sources_data, dict) or not sources_data:
        problems.append(Problem("content/sources.yaml", "(file)", "missing or empty: the source ids must be listed"))
        sources_data = {}

    topics: dict[str, Topic] = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        topic = _load_topic(path, root, sources_data, problems)
        if topic is not None:
            topics[topic.id] = topic
    for topic_id in REQUIRED_TOPICS:
        if topic_id not in topics:
            problems.append(Problem(f"content/topics/{topic_id}.yaml", "(file)", "required topic is missing"))
    for topic in topics.values():
        check = _Checker(topic.path, root, problems)
        for i, rel in enumerate(topic.related):
            if rel not in topics:
                check.fail(f"related[{i}]", f"unknown topic id {rel!r}")
            elif rel == topic.id:
                check.fail(f"related[{i}]", "a topic cannot be related to itself")

    countries: list[Country] = []
    hotlines = root / "hotlines.yaml"
    if hotlines.exists():
        countries = _load_countries(hotlines, root, problems)
    else:
        problems.append(Problem("content/hotlines.yaml", "(file)", "missing: the hotline numbers are required"))
    local = root / "local" / "hotlines.yaml"
    if local.exists():
        countries = _merge_local(countries, _load_countries(local, root, problems))

    intents: dict[str, Intent] = {}
    for path in sorted((root / "intents").glob("*.yaml")):
        intent = _load_intent(path, root, problems)
        if intent is not None:
            intents[intent.id] = intent

    menu = _load_menu(root / "menu.yaml", root, topics, problems)

    from bot.core.offer_check import load_offer_check  # noqa: PLC0415 - it builds on this module's checkers
    from bot.rules import check_sources, load_rules  # noqa: PLC0415 - it builds on this module's checkers

    check_sources(sources_data, root, problems)
    rules = load_rules(root, sources_data, {c.id: c for c in countries}, problems)

    offer_check = None
    try:
        offer_check = load_offer_check(root)
    except ContentError as exc:
        problems.extend(exc.problems)

    from bot.core.advert_content import load_adverts  # noqa: PLC0415 - it builds on this module's checkers

    adverts = None
    try:
        adverts = load_adverts(root, sources_data)
    except ContentError as exc:
        problems.extend(exc.problems)

    from bot.training_data import load_advert_training, load_training  # noqa: PLC0415 - they build on Problem

    training = load_training(root, set(topics), problems)
    advert_training = load_advert_training(root, problems)

    if problems:
        raise ContentError(problems)
    return Content(topics=topics, countries=tuple(countries), intents=intents, sources=sources_data, menu=menu,
                   root=root, offer_check=offer_check, training=training, advert_training=advert_training,
                   rules=rules,
                   adverts=adverts)


def stale_lines(content: Content, max_age_days: int, today: dt.date | None = None) -> Iterable[tuple[Country, Line]]:
    """Lines not read in their source for ``max_age_days``: the re-check list for the deploying NGO."""
    today = today or dt.date.today()
    for country in content.countries:
        for line in country.lines:
            if (today - line.read).days > max_age_days:
                yield country, line
