"""Loading and validating ``content/adverts.yaml``: the advert scan's patterns, wording and lexicons.

Every pattern is compiled here, at start-up and by ``python -m bot check``, so a typo in a pattern names its file
and field instead of failing in a user's chat. Patterns of all languages in one list are compiled together: adverts
mix Tajik and Russian, so a Russian cue must also fire inside a Tajik advert.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import LANGUAGES
from bot.content import (
    REQUIRED_TOPICS,
    ContentError,
    Point,
    Problem,
    _Checker,
    _points,
    _read_yaml,
    default_content_dir,
)
from bot.core.advert_text import CURRENCY_WORDS, AdvertText, PatternError, PatternIndex
from bot.core.offer_check import _NEVER_SAFE  # the same words are refused in the job-offer check's verdicts

FILE_NAME = "adverts.yaml"
FLAG_IDS: tuple[str, ...] = (
    "upfront_fee", "no_work_permit", "unrealistic_pay", "vague_employer", "targets_young_women", "urgency",
    "passport_handover", "debt_repayment", "secrecy",
)
LEVEL_IDS: tuple[str, ...] = ("high_risk", "careful", "no_flags_found")
MISSING_IDS: tuple[str, ...] = ("company", "licence", "contract", "permit", "pay", "place", "hours")
RECOGNITION_GROUPS: tuple[str, ...] = ("recruit", "invite", "work", "pay", "conditions", "contact", "warning",
                                       "news", "question", "story", "seeker", "sale")
FACT_GROUPS: tuple[str, ...] = ("contract", "hours", "permit", "licence", "address")
PERIODS: tuple[str, ...] = ("month", "week", "day", "hour", "year")
#: Extra pattern lists some flags have besides ``cues`` and ``not`` (see content/adverts.yaml).
FLAG_EXTRAS: Mapping[str, tuple[str, ...]] = {
    "no_work_permit": ("no_visa",),
    "unrealistic_pay": ("easy",),
    "vague_employer": ("named",),
    "targets_young_women": ("female", "age", "looks", "entertainment"),
}
TITLE_MAX = 40
REASON_MAX = 160
_ID_RE = re.compile(r"^[a-z]{2}$")
_NONE = {lang: [] for lang in LANGUAGES}  # an optional pattern list that is absent


class Patterns:
    """One list of patterns (all languages), matched through the shared :class:`PatternIndex`."""

    __slots__ = ("index", "list_id", "size")

    def __init__(self, index: PatternIndex, list_id: int, size: int):
        self.index = index
        self.list_id = list_id
        self.size = size

    def spans(self, text: AdvertText) -> list[tuple[int, int]]:
        """Token index ranges ``(first, last)`` of the matches, left to right, not overlapping."""
        return text.matches(self.index)[self.list_id]

    def found(self, text: AdvertText) -> bool:
        return bool(self.spans(text))

    def count(self, text: AdvertText) -> int:
        return len(self.spans(text))


class Grouped:
    """Several named pattern lists read as one: which list matched where."""

    __slots__ = ("index", "lists")

    def __init__(self, index: PatternIndex, lists: tuple[tuple[str, int], ...]):
        self.index = index
        self.lists = lists

    def spans(self, text: AdvertText) -> list[tuple[str, int, int]]:
        """``(name, first token, last token)`` of each match, left to right, longest first, not overlapping."""
        found = text.matches(self.index)
        matches = sorted(((first, last, name) for name, list_id in self.lists for first, last in found[list_id]),
                         key=lambda m: (m[0], -m[1]))
        kept: list[tuple[str, int, int]] = []
        for first, last, name in matches:
            if not kept or first > kept[-1][2]:
                kept.append((name, first, last))
        return kept


@dataclass(frozen=True)
class FlagRules:
    id: str
    weight: int
    topic: str
    sources: tuple[str, ...]
    title: Mapping[str, str]
    reason: Mapping[str, str]
    cues: Patterns
    exceptions: Patterns  # the file's `not`: look-alikes inside one part of a sentence
    sentence_exceptions: Patterns  # `not_in_sentence`: look-alikes anywhere in the same sentence
    extra: Mapping[str, Patterns]
    legal_forms: re.Pattern[str] | None = None  # vague_employer only: "ООО", "компания EuroWork", "Rixos Hotel"


@dataclass(frozen=True)
class Level:
    id: str
    icon: str
    title: Mapping[str, str]
    summary: Mapping[str, str]


@dataclass(frozen=True)
class Country:
    id: str
    name: Mapping[str, str]
    currency: str
    visa_free: bool
    max_usd: float          # monthly pay (USD) clearly above what ordinary work pays there
    basic_max_usd: float    # the same for elementary work (cleaning, loading, picking); max_usd unless given


@dataclass(frozen=True)
class PayRules:
    rates_usd: Mapping[str, float]
    default_max_usd: float
    skilled_factor: float
    easy_factor: float
    periods: Grouped
    words_before: Patterns
    not_pay: Patterns


@dataclass(frozen=True)
class AdvertContent:
    title: Mapping[str, str]
    prompt: Mapping[str, str]
    disclaimer: Mapping[str, str]
    levels: Mapping[str, Level]
    steps: tuple[Point, ...]
    missing: Mapping[str, Mapping[str, str]]
    flags: Mapping[str, FlagRules]
    recognition: Mapping[str, Patterns]
    countries: Mapping[str, Country]
    places: Grouped          # names: "country:<id>" or "city:<id>"
    jobs: Grouped            # names: "job", "basic" (elementary work), "skilled", "generic" ("workers") or "workplace"
    pay: PayRules
    facts: Mapping[str, Patterns]
    reviewed: Mapping[str, bool]
    patterns: int = 0        # how many patterns the scan has (for `check`)


# -- loading ---------------------------------------------------------------------------------------------------

class _Compiler:
    """Adds pattern lists to the shared index, reporting each bad pattern with its field."""

    def __init__(self, check: _Checker):
        self.check = check
        self.index = PatternIndex()

    def add(self, list_id: int, patterns: list[str], field_name: str, within_clause: bool = False) -> int:
        added = 0
        for i, pattern in enumerate(patterns):
            try:
                self.index.add(list_id, pattern, within_clause)
                added += 1
            except PatternError as exc:
                self.check.fail(f"{field_name}[{i}]", f"bad pattern {pattern!r}: {exc}")
        return added

    def lists(self, value: Any, field_name: str, require_each: bool) -> dict[str, list[str]]:
        """A ``{tg: [...], ru: [...], en: [...]}`` mapping of pattern lists."""
        data = self.check.mapping(value, field_name)
        result: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            raw = data.get(lang)
            if raw is None:
                self.check.fail(f"{field_name}.{lang}", "missing (write [] when a language has no form of its own)")
                raw = []
            if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
                self.check.fail(f"{field_name}.{lang}", "expected a list of patterns")
                raw = []
            if require_each and not raw:
                self.check.fail(f"{field_name}.{lang}", "at least one pattern is needed in every language")
            result[lang] = [p.strip() for p in raw]
        for extra in sorted(set(data) - set(LANGUAGES)):
            self.check.fail(f"{field_name}.{extra}", f"unknown language (expected one of {', '.join(LANGUAGES)})")
        return result

    def patterns(self, value: Any, field_name: str, require_each: bool = False,
                 within_clause: bool = False) -> Patterns:
        return self.compiled(self.lists(value, field_name, require_each), field_name, within_clause)

    def compiled(self, lists: Mapping[str, list[str]], field_name: str, within_clause: bool = False) -> Patterns:
        list_id = self.index.new_list()
        size = sum(self.add(list_id, lists[lang], f"{field_name}.{lang}", within_clause) for lang in LANGUAGES)
        return Patterns(self.index, list_id, size)

    def grouped(self, named: list[tuple[str, list[str], str]]) -> Grouped:
        """``named`` is ``(name, patterns, field)``; lists with the same name are one list."""
        ids: dict[str, int] = {}
        for name, patterns, field_name in named:
            if name not in ids:
                ids[name] = self.index.new_list()
            self.add(ids[name], patterns, field_name)
        return Grouped(self.index, tuple(ids.items()))


def _topic(check: _Checker, value: Any, field_name: str) -> str:
    if value not in REQUIRED_TOPICS:
        check.fail(field_name, f"unknown topic id {value!r}")
    return str(value)


def _sources(check: _Checker, value: Any, field_name: str, sources: Mapping[str, Any]) -> tuple[str, ...]:
    cited = check.string_list(value, field_name, min_len=1)
    for source in cited:
        if source not in sources:
            check.fail(field_name, f"unknown source id {source!r} (see content/sources.yaml)")
    return cited


def _number(check: _Checker, value: Any, field_name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        check.fail(field_name, f"expected a number from {low} to {high}, found {value!r}")
        return low
    return float(value)


def _load_flag(comp: _Compiler, flag_id: str, raw: Any, sources: Mapping[str, Any]) -> FlagRules:
    check = comp.check
    name = f"flags.{flag_id}"
    data = check.mapping(raw, name)
    allowed = {"weight", "topic", "sources", "title", "reason", "cues", "not", "not_in_sentence", "legal_forms",
               "company_words",
               *FLAG_EXTRAS.get(flag_id, ())}
    for extra in sorted(set(data) - allowed):
        check.fail(f"{name}.{extra}", f"unknown field (expected {', '.join(sorted(allowed))})")
    weight = int(_number(check, data.get("weight"), f"{name}.weight", 1, 3))
    title = check.per_language(data.get("title"), f"{name}.title", TITLE_MAX)
    reason = check.per_language(data.get("reason"), f"{name}.reason", REASON_MAX)
    cue_lists = comp.lists(data.get("cues"), f"{name}.cues", require_each=False)
    extra_lists = {key: comp.lists(data.get(key), f"{name}.{key}", require_each=False)
                   for key in FLAG_EXTRAS.get(flag_id, ())}
    # Every flag must be findable in every language: by its cues, or (aimed at young women) by its word groups.
    for lang in LANGUAGES:
        if not cue_lists[lang] and not extra_lists.get("female", {}).get(lang):
            check.fail(f"{name}.cues.{lang}", "no pattern in this language")
    cues = comp.compiled(cue_lists, f"{name}.cues")
    extras = {key: comp.compiled(lists, f"{name}.{key}") for key, lists in extra_lists.items()}
    exceptions = comp.patterns(data.get("not", _NONE), f"{name}.not", within_clause=True)
    in_sentence = comp.patterns(data.get("not_in_sentence", _NONE), f"{name}.not_in_sentence")
    legal = None
    if flag_id == "vague_employer":
        forms = check.string_list(data.get("legal_forms"), f"{name}.legal_forms", min_len=1)
        words = check.mapping(data.get("company_words"), f"{name}.company_words")
        before = check.string_list(words.get("before"), f"{name}.company_words.before", min_len=1)
        after = check.string_list(words.get("after"), f"{name}.company_words.after", min_len=1)
        legal = _named_regex(forms, before, after) if forms and before and after else None
    return FlagRules(flag_id, weight, _topic(check, data.get("topic"), f"{name}.topic"),
                     _sources(check, data.get("sources"), f"{name}.sources", sources), title, reason, cues,
                     exceptions, in_sentence, extras, legal)


#: Capital and small letters of the Latin (with accents: "Škoda", "Ålesund") and Cyrillic (with Tajik) alphabets.
UPPER = "".join(chr(c) for c in range(0x41, 0x530) if chr(c).isupper() and chr(c).isalpha())
LOWER = "".join(chr(c) for c in range(0x61, 0x530) if chr(c).islower() and chr(c).isalpha())
#: A capitalised word with a small letter or digit in it; one quantifier, so it cannot backtrack into itself.
_CAPITALISED = rf"[{UPPER}](?=[\w&'’.-]*[{LOWER}\d])[\w&'’.-]*"


def _named_regex(forms: tuple[str, ...], before: tuple[str, ...], after: tuple[str, ...]) -> re.Pattern[str]:
    """A named employer in the original text: a company form as written ("ООО", "LLC"); a capitalised name after a
    company word ("компания EuroWork", "ширкати Сафар"); or a capitalised name ending in a company noun ("Rixos
    Hotel"). The name must have a small letter, so a line in capitals ("КОМПАНИЯ В ДУБАЕ") does not count."""
    form = r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])"
    word = r"(?<![\w])(?i:" + "|".join(re.escape(w) for w in before) + r")\s*[:\-–—]?\s*" + _CAPITALISED
    tail = (r"(?<![\w])" + _CAPITALISED + r"(?:\s" + _CAPITALISED + r"){0,3}\s(?:"
            + "|".join(re.escape(w) for w in after) + r")(?![\w])")
    return re.compile(f"{form}|{word}|{tail}")


def _load_levels(check: _Checker, raw: Any) -> dict[str, Level]:
    data = check.mapping(raw, "levels")
    levels = {}
    for extra in sorted(set(data) - set(LEVEL_IDS)):
        check.fail(f"levels.{extra}", f"unknown level (expected {', '.join(LEVEL_IDS)})")
    for level_id in LEVEL_IDS:
        name = f"levels.{level_id}"
        ld = check.mapping(data.get(level_id), name)
        title = check.per_language(ld.get("title"), f"{name}.title", TITLE_MAX)
        summary = check.per_language(ld.get("summary"), f"{name}.summary", 200)
        for lang, pattern in _NEVER_SAFE.items():
            for field_name, texts in (("title", title), ("summary", summary)):
                if pattern.search(texts.get(lang, "")):
                    check.fail(f"{name}.{field_name}.{lang}", "never call an advert safe: the scan cannot know it")
        levels[level_id] = Level(level_id, check.text(ld.get("icon"), f"{name}.icon", 4), title, summary)
    return levels


def _load_places(comp: _Compiler, raw: Any) -> tuple[dict[str, Country], Grouped]:
    check = comp.check
    data = check.mapping(raw, "places")
    countries: dict[str, Country] = {}
    named: list[tuple[str, list[str], str]] = []
    raw_countries = data.get("countries")
    if not isinstance(raw_countries, list) or not raw_countries:
        check.fail("places.countries", "expected a list of countries")
        raw_countries = []
    for i, rc in enumerate(raw_countries):
        name = f"places.countries[{i}]"
        cd = check.mapping(rc, name)
        cid = cd.get("id")
        if not isinstance(cid, str) or not _ID_RE.match(cid) or cid in countries:
            check.fail(f"{name}.id", f"expected a new two-letter id, found {cid!r}")
            continue
        currency = cd.get("currency")
        if currency not in CURRENCY_WORDS:
            check.fail(f"{name}.currency", f"unknown currency {currency!r} (known: {', '.join(CURRENCY_WORDS)})")
        words = check.string_list(cd.get("words"), f"{name}.words", min_len=1)
        max_usd = _number(check, cd.get("max_usd"), f"{name}.max_usd", 100, 100000)
        basic = _number(check, cd["basic_max_usd"], f"{name}.basic_max_usd", 100, max_usd) \
            if "basic_max_usd" in cd else max_usd
        countries[cid] = Country(cid, check.per_language(cd.get("name"), f"{name}.name", 40), str(currency),
                                 bool(cd.get("visa_free")), max_usd, basic)
        named.append((f"country:{cid}", list(words), f"{name}.words"))
    cities = check.mapping(data.get("cities"), "places.cities")
    for cid, words in cities.items():
        if cid not in countries:
            check.fail(f"places.cities.{cid}", f"unknown country id {cid!r}")
            continue
        named.append((f"city:{cid}", list(check.string_list(words, f"places.cities.{cid}", 1)),
                      f"places.cities.{cid}"))
    return countries, comp.grouped(named)


def _load_jobs(comp: _Compiler, raw: Any) -> Grouped:
    check = comp.check
    if not isinstance(raw, list) or not raw:
        check.fail("jobs", "expected a list of job groups")
        return Grouped(comp.index, ())
    named = []
    for i, rj in enumerate(raw):
        jd = check.mapping(rj, f"jobs[{i}]")
        lists = comp.lists(jd.get("words"), f"jobs[{i}].words", require_each=True)
        kind = next((k for k in ("skilled", "workplace", "basic", "generic") if jd.get(k)), "job")
        named.extend((kind, lists[lang], f"jobs[{i}].words.{lang}") for lang in LANGUAGES)
    return comp.grouped(named)


def _load_pay(comp: _Compiler, raw: Any) -> PayRules:
    check = comp.check
    data = check.mapping(raw, "pay")
    rates_raw = check.mapping(data.get("rates_usd"), "pay.rates_usd")
    rates = {}
    for code in CURRENCY_WORDS:
        if code not in rates_raw:
            check.fail(f"pay.rates_usd.{code}", "missing rate: sums in this currency could not be compared")
        else:
            rates[code] = _number(check, rates_raw[code], f"pay.rates_usd.{code}", 0.00001, 10)
    periods_raw = check.mapping(data.get("periods"), "pay.periods")
    named = []
    for period in PERIODS:
        lists = comp.lists(periods_raw.get(period), f"pay.periods.{period}", require_each=True)
        named.extend((period, lists[lang], f"pay.periods.{period}.{lang}") for lang in LANGUAGES)
    return PayRules(
        rates_usd=rates,
        default_max_usd=_number(check, data.get("default_max_usd"), "pay.default_max_usd", 100, 100000),
        skilled_factor=_number(check, data.get("skilled_factor"), "pay.skilled_factor", 1, 5),
        easy_factor=_number(check, data.get("easy_factor"), "pay.easy_factor", 0.1, 1),
        periods=comp.grouped(named),
        words_before=comp.patterns(data.get("words_before"), "pay.words_before", require_each=True),
        not_pay=comp.patterns(data.get("not_pay"), "pay.not_pay", require_each=True),
    )


_TOP_FIELDS = {"reviewed", "title", "prompt", "disclaimer", "levels", "steps", "missing", "flags", "recognition",
               "places", "jobs", "pay", "facts"}


def load_adverts(root: Path | None = None, sources: Mapping[str, Any] | None = None) -> AdvertContent:
    """Read, validate and compile ``adverts.yaml``; raise :class:`~bot.content.ContentError` listing every problem."""
    root = Path(root) if root else default_content_dir()
    path = root / FILE_NAME
    problems: list[Problem] = []
    check = _Checker(path, root, problems)
    if not path.exists():
        raise ContentError([Problem(check.file, "(file)", "missing: the advert scan needs its patterns")])
    if sources is None:
        sources = _read_yaml(root / "sources.yaml", problems, root) if (root / "sources.yaml").exists() else None
        sources = sources if isinstance(sources, dict) else {}
    data = _read_yaml(path, problems, root)
    if data is None:
        raise ContentError(problems or [Problem(check.file, "(file)", "empty file")])
    data = check.mapping(data, "(file)")
    for extra in sorted(set(data) - _TOP_FIELDS):
        check.fail(extra, f"unknown field (expected {', '.join(sorted(_TOP_FIELDS))})")
    comp = _Compiler(check)

    flags_raw = check.mapping(data.get("flags"), "flags")
    for extra in sorted(set(flags_raw) - set(FLAG_IDS)):
        check.fail(f"flags.{extra}", f"unknown flag (the nine ids are fixed: {', '.join(FLAG_IDS)})")
    for missing in FLAG_IDS:
        if missing not in flags_raw:
            check.fail(f"flags.{missing}", "missing flag")
    flags = {fid: _load_flag(comp, fid, flags_raw[fid], sources) for fid in FLAG_IDS if fid in flags_raw}

    recognition_raw = check.mapping(data.get("recognition"), "recognition")
    recognition = {g: comp.patterns(recognition_raw.get(g), f"recognition.{g}", require_each=True)
                   for g in RECOGNITION_GROUPS}
    facts_raw = check.mapping(data.get("facts"), "facts")
    facts = {g: comp.patterns(facts_raw.get(g), f"facts.{g}", require_each=True) for g in FACT_GROUPS}
    missing_raw = check.mapping(data.get("missing"), "missing")
    missing = {m: check.per_language(missing_raw.get(m), f"missing.{m}", 60) for m in MISSING_IDS}
    countries, places = _load_places(comp, data.get("places"))
    reviewed_raw = check.mapping(data.get("reviewed", {}), "reviewed")

    content = AdvertContent(
        title=check.per_language(data.get("title"), "title", TITLE_MAX),
        prompt=check.per_language(data.get("prompt"), "prompt", 300),
        disclaimer=check.per_language(data.get("disclaimer"), "disclaimer", 200),
        levels=_load_levels(check, data.get("levels")),
        steps=_points(check, data.get("steps"), "steps", sources, True, 400),
        missing=missing,
        flags=flags,
        recognition=recognition,
        countries=countries,
        places=places,
        jobs=_load_jobs(comp, data.get("jobs")),
        pay=_load_pay(comp, data.get("pay")),
        facts=facts,
        reviewed={lang: bool(reviewed_raw.get(lang, False)) for lang in LANGUAGES},
        patterns=comp.index.size,
    )
    if problems:
        raise ContentError(problems)
    return content
