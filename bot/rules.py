"""Today's rules per destination country (``content/rules.yaml``) and the names people give those countries
(``content/destinations.yaml``), loaded and validated like the rest of the content.

Rules go stale faster than advice: a deadline changes with one decree. So every rule must carry its number in plain
words, one to three sources of kind law, official or news (each with its own date and address), and the date it was
last checked; `python -m bot check` refuses a rule without them, and `python -m bot rules` lists the stale ones.
The data format is fixed in RULES_SCHEMA.md (content/README.md repeats it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content import Country, Problem, _Checker, _read_yaml, as_date, past_date

#: The cards that show country rules (the topics a rule may list).
RULE_TOPICS = ("legal_stay", "deportation", "rights", "before_departure", "consulate", "health", "emergency")
SOURCE_KINDS = ("report", "law", "official", "news", "general")
#: Kinds a rule may cite: a rule rests on a law, an official page or a reputable outlet, never on a report alone.
RULE_SOURCE_KINDS = ("law", "official", "news")
RULE_TEXT_MAX = 220
CONFLICT_MAX = 200
SOURCE_SHORT_MAX = 60
MAX_RULE_SOURCES = 3
_SOURCE_ID_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_RULE_ID_RE = re.compile(r"^[a-z0-9_]{1,40}$")
_SOURCE_DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Rule:
    """One rule of one destination: its text with the number or deadline, sources, and when it was checked."""

    country: str
    id: str
    topics: tuple[str, ...]
    text: Mapping[str, str]
    sources: tuple[str, ...]
    checked: dt.date
    conflict: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Destination:
    """A country people go to for work, and the ways they write its name (see destinations.yaml)."""

    id: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class RuleBook:
    """Rules by country, in file order, and the destinations in button order (Russia first)."""

    by_country: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)
    destinations: tuple[Destination, ...] = ()

    @property
    def destination_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.destinations)

    @property
    def home_countries(self) -> tuple[str, ...]:
        """Countries with rules that are not destinations: Tajikistan's own rules (licensed recruiters, the state
        pre-departure centre) apply to everyone who leaves, whatever the destination, so cards show them too."""
        return tuple(c for c in self.by_country if c not in self.destination_ids)

    @property
    def default(self) -> str | None:
        """The destination shown when the user has none: the first listed (Russia, where most migrants go)."""
        return self.destinations[0].id if self.destinations else None

    def for_topic(self, country: str, topic: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.by_country.get(country, ()) if topic in r.topics)

    def all(self) -> Iterable[Rule]:
        for rules in self.by_country.values():
            yield from rules


def source_date(value: Any) -> str | None:
    """A source's own date as written (``2024-11-29`` or ``2024-11``), or None when it is not a valid one."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not _SOURCE_DATE_RE.match(value.strip()):
        return None
    text = value.strip()
    return text if as_date(text if len(text) == 10 else text + "-01") else None


def check_sources(sources: Mapping[str, Any], root: Path, problems: list[Problem]) -> None:
    """Every source has a kind; laws, official pages and news have their own date and the address read."""
    check = _Checker(root / "sources.yaml", root, problems)
    for sid, data in sources.items():
        if not isinstance(sid, str) or not _SOURCE_ID_RE.match(sid):
            check.fail(str(sid), "source ids are lowercase letters, digits and _, at most 32 characters")
        if not isinstance(data, dict):
            check.fail(str(sid), "expected a mapping (kind, title, ...)")
            continue
        kind = data.get("kind")
        if kind not in SOURCE_KINDS:
            check.fail(f"{sid}.kind", f"expected one of {', '.join(SOURCE_KINDS)}, found {kind!r}")
        short = data.get("short")
        if short is not None and (not isinstance(short, str) or len(short) > SOURCE_SHORT_MAX):
            check.fail(f"{sid}.short", f"the name users see: text of at most {SOURCE_SHORT_MAX} characters")
        if kind in RULE_SOURCE_KINDS:
            if source_date(data.get("date")) is None:
                check.fail(f"{sid}.date", f"a {kind} source needs its own date (YYYY-MM-DD, or YYYY-MM when only "
                                          "that is known)")
            url = data.get("url")
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                check.fail(f"{sid}.url", f"a {kind} source needs the address where it can be read")


def _load_destinations(root: Path, countries: Mapping[str, Country],
                       problems: list[Problem]) -> tuple[Destination, ...]:
    path = root / "destinations.yaml"
    check = _Checker(path, root, problems)
    if not path.exists():
        check.fail("(file)", "missing: the destinations (countries people go to, and their names) are required")
        return ()
    data = _read_yaml(path, problems, root)
    if data is None:
        return ()
    raw = check.mapping(data, "(file)").get("destinations")
    if not isinstance(raw, list) or not raw:
        check.fail("destinations", "expected a non-empty list of destinations")
        return ()
    destinations = []
    for i, item in enumerate(raw):
        name = f"destinations[{i}]"
        d = check.mapping(item, name)
        did = d.get("id")
        if countries and did not in countries:
            check.fail(f"{name}.id", f"unknown country id {did!r} (the ids of hotlines.yaml)")
            continue
        names = check.string_list(d.get("names"), f"{name}.names", 1)
        for j, alias in enumerate(names):
            if alias.endswith("*") and len(alias.rstrip("*")) < 4:
                check.fail(f"{name}.names[{j}]", f"{alias!r}: a name ending in * needs at least 4 letters before it")
        destinations.append(Destination(str(did), names))
    ids = [d.id for d in destinations]
    for did in {d for d in ids if ids.count(d) > 1}:
        check.fail("destinations", f"country {did!r} is listed twice")
    return tuple(destinations)


def _rule(check: _Checker, raw: Any, name: str, country: str, sources: Mapping[str, Any]) -> Rule | None:
    data = check.mapping(raw, name)
    rid = data.get("id")
    if not isinstance(rid, str) or not _RULE_ID_RE.match(rid):
        check.fail(f"{name}.id", f"expected a lowercase id of letters, digits and _, found {rid!r}")
        rid = "?"
    topics = check.string_list(data.get("topics"), f"{name}.topics", 1)
    for topic in topics:
        if topic not in RULE_TOPICS:
            check.fail(f"{name}.topics", f"{topic!r} is not a card that shows rules ({', '.join(RULE_TOPICS)})")
    cited = check.string_list(data.get("sources"), f"{name}.sources", 1)
    if len(cited) > MAX_RULE_SOURCES:
        check.fail(f"{name}.sources", f"at most {MAX_RULE_SOURCES} sources, found {len(cited)}")
    for sid in cited:
        kind = sources.get(sid, {}).get("kind") if isinstance(sources.get(sid), dict) else None
        if sid not in sources:
            check.fail(f"{name}.sources", f"unknown source id {sid!r} (see content/sources.yaml)")
        elif kind not in RULE_SOURCE_KINDS:
            check.fail(f"{name}.sources", f"{sid!r} is of kind {kind!r}; a rule cites a law, an official page or "
                                          "news (kind law, official or news)")
    checked = past_date(check, data.get("checked"), f"{name}.checked", "the date the rule was checked")
    conflict = data.get("conflict")
    return Rule(
        country=country, id=rid, topics=topics,
        text=check.per_language(data.get("text"), f"{name}.text", RULE_TEXT_MAX),
        sources=cited, checked=checked,
        conflict=check.per_language(conflict, f"{name}.conflict", CONFLICT_MAX) if conflict is not None else None,
    )


def load_rules(root: Path, sources: Mapping[str, Any], countries: Mapping[str, Country],
               problems: list[Problem]) -> RuleBook:
    """Read rules.yaml and destinations.yaml; every problem goes to ``problems`` with its file and field.
    Country ids are checked against hotlines.yaml unless that file itself failed (its problem is reported)."""
    destinations = _load_destinations(root, countries, problems)
    path = root / "rules.yaml"
    check = _Checker(path, root, problems)
    if not path.exists():
        check.fail("(file)", "missing: today's rules per destination are required")
        return RuleBook({}, destinations)
    data = _read_yaml(path, problems, root)
    if data is None:
        return RuleBook({}, destinations)
    raw_countries = check.mapping(data, "(file)").get("countries")
    if not isinstance(raw_countries, list):
        check.fail("countries", "expected a list of countries, each with its rules")
        return RuleBook({}, destinations)
    by_country: dict[str, tuple[Rule, ...]] = {}
    for i, raw in enumerate(raw_countries):
        name = f"countries[{i}]"
        c = check.mapping(raw, name)
        cid = c.get("id")
        if countries and cid not in countries:
            check.fail(f"{name}.id", f"unknown country id {cid!r} (the ids of hotlines.yaml)")
            continue
        if cid in by_country:
            check.fail(f"{name}.id", f"country {cid!r} is listed twice")
        raw_rules = c.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            check.fail(f"{name}.rules", "expected a non-empty list of rules")
            continue
        rules = [r for j, item in enumerate(raw_rules) if (r := _rule(check, item, f"{name}.rules[{j}]", cid, sources))]
        ids = [r.id for r in rules]
        for rid in sorted({r for r in ids if ids.count(r) > 1}):
            check.fail(f"{name}.rules", f"rule id {rid!r} is used twice in {cid!r}")
        by_country[cid] = tuple(rules)
    for d in destinations:
        if d.id not in by_country:
            check.fail("countries", f"destination {d.id!r} (destinations.yaml) has no rules")
    return RuleBook(by_country, destinations)


def stale_rules(book: RuleBook, max_age_days: int, today: dt.date | None = None) -> list[Rule]:
    """Rules not checked for ``max_age_days``: the re-check list."""
    today = today or dt.date.today()
    return [r for r in book.all() if (today - r.checked).days > max_age_days]


def short_name(sources: Mapping[str, Any], sid: str) -> str:
    data = sources.get(sid) or {}
    return str(data.get("short") or data.get("title") or sid)
