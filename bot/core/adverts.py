"""Reading a job advert for warning signs: is it an advert, which of the nine flags, in whose words, how risky.

A :class:`Scanner` is built once from ``content/adverts.yaml``; :meth:`Scanner.scan` is then a pure function of the
text. Nothing about the advert is kept: the :class:`Scan` lives as long as the reply that shows it.

How a scan reads an advert (one :class:`~bot.core.advert_text.AdvertText` per message, every list one regex pass):

1. **Is it an advert?** Offer words, pay, a job, a place and a contact add to a score; the marks of a scam warning,
   a news item, a question or a personal story take from it. A forward counts in favour. A short question stays a
   question.
2. **Flags.** A flag's cues match; a cue is dropped when one of its look-alikes (``not``) overlaps it or sits in the
   same part of the sentence ("без предоплаты", "the employer pays the visa, nothing deducted"). Three flags need
   more than words: ``unrealistic_pay`` compares the pay, turned into US dollars a month, with what that work pays
   in that country; ``vague_employer`` is raised when no company, licence, brand or address is named;
   ``targets_young_women`` needs women or girls *and* an age limit, looks or club work.
3. **Level.** Two or more flags whose weights add up to 3 or more are ``high_risk``; any other flag ``careful``;
   none ``no_flags_found``. Never "safe".
4. **Facts and gaps.** Country, city, job, pay, fees and contacts as the advert gives them, and the facts an honest
   advert would have that this one lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.advert_content import LOWER, UPPER, AdvertContent, FlagRules
from bot.core.advert_text import AdvertText, Token, parse_money

if TYPE_CHECKING:
    from bot.content import Content

# -- recognising an advert: the weights of the score, tuned on content/training/adverts/dev.jsonl (bench/adverts.py) ---
RECRUIT = 1.5       # "требуются", "hiring", "коргарон лозим"
WORK = 0.5          # the word for work itself ("работа", "кор", "job"), weaker: questions use it too
PAY = 1.2           # a sum of money, or a pay word ("зарплата", "maosh")
JOB = 0.8           # a job word ("грузчики", "cleaners")
PLACE = 0.6         # a country or a city
CONTACT = 1.0       # a phone, @handle, link, or "звоните" / "WhatsApp"
NAMED = 1.0         # a company form, licence number, brand or quoted name: questions rarely name employers
CONDITION = 0.4     # housing, visa, ticket, hours... (each, up to MAX_CONDITIONS)
MAX_CONDITIONS = 3
FLAG = 0.6          # each flag found (up to MAX_FLAGS; not vague_employer): warning signs are advert content
MAX_FLAGS = 2
FORWARDED = 1.0     # a forward from a channel or chat is more often an advert than a question
WARNING = 1.5       # each of up to MAX_WARNINGS cues of a scam warning ("осторожно", "мошенники", "scam alert")
MAX_WARNINGS = 3    # an advert may end with one "beware of fraudsters"; a warning is made of them
NEWS = 1.5          # each of up to MAX_NEWS cues of a news item ("задержан", "уголовное дело", "police said")
MAX_NEWS = 2
QUESTION = 1.5      # "это правда?", "is it legit?"
STORY = 1.5         # each of up to MAX_STORY cues: "мне предложили", "говорит", "I was offered", "помогите"
MAX_STORY = 2
QUESTION_MARK = 1.0  # a "?" in the message (adverts rarely ask; "Кто хочет в Англию?" is outweighed)
SEEKER = 2.0        # someone looking for work ("ищу работу", "кор меҷӯям", "looking for a job as"): not an offer
SALE = 1.5          # each of up to MAX_SALE cues of another trade: a ticket or phone for sale, a room to let, tours
MAX_SALE = 2
NO_OFFER = 0.75      # no word of hiring, work or a job at all: a ticket, a lift, a course or a service for sale
NO_CONTACT = 1.5    # no phone, @handle or link: 86% of dev adverts have one, user questions almost never do...
NO_CONTACT_NAMED = 0.5  # ...but an advert that names its employer often says "apply on our site" or "at the office",
NO_CONTACT_ASKED = 1.0  # and "пишите в личку", "DM me" ask for a reply in the chat itself
ADVERT_AT = 3.0     # the score from which a message is an advert
#: Below ADVERT_AT, the learned recogniser's probability from which a message is an advert all the same (chosen on
#: tests/data/adverts_holdout, adverts_blind1 and adverts_blind2 with bench/adverts.py --sweep).
RECOGNISER_SURE = 0.2
#: ...and only for a message whose score is at most this far below ADVERT_AT: a scam warning or a news item carries
#: marks against it (warning, news, question, seeker words) that the recogniser, trained on fewer of them, misses.
RECOGNISER_MARGIN = 1.5
MIN_WORDS = 6       # fewer words than this is never an advert

# -- levels -------------------------------------------------------------------------------------------------------
HIGH_RISK_AT = 3    # sum of flag weights (content/adverts.yaml) from which the level is high_risk...
HIGH_RISK_FLAGS = 2  # ...when at least this many signs agree: one sign alone, however grave, is `careful` (it is
                     # quoted with its own ⛔; a single misread look-alike must not brand an honest advert)
CAREFUL_AT = 1

# -- quotes -------------------------------------------------------------------------------------------------------
MAX_QUOTE = 60      # characters of the advert quoted for one piece of evidence
QUOTES_PER_FLAG = 2
MAX_FACTS = 2       # jobs, pay lines, fees shown
MAX_CONTACTS = 3

#: How many of a period make a month, to compare pay stated by the hour, day or week.
PER_MONTH = {"month": 1.0, "week": 4.33, "day": 26.0, "hour": 200.0, "year": 1 / 12}
#: Words after a bare number that multiply it ("150 тыс.", "150 k"), as skeletons.
_MULTIPLIERS = {"tis": 1000.0, "tisiaj": 1000.0, "tisiaji": 1000.0, "k": 1000.0, "hazor": 1000.0,
                "thousand": 1000.0, "ming": 1000.0, "mln": 1e6, "milion": 1e6}
#: Mail, messenger and social domains: a link there says nothing about who the employer is.
_ANONYMOUS_DOMAINS = re.compile(
    r"gmail|mail\.ru|inbox\.ru|bk\.ru|list\.ru|yandex\.(?:ru|com)$|yahoo|hotmail|outlook|icloud|t\.me|wa\.me|"
    r"instagram|facebook|vk\.com|ok\.ru|tiktok|bit\.ly|telegram", re.IGNORECASE)
#: A name in quotes that starts with a capital or a digit: «Магнит», "Barqi Tojik" (not a quoted advert: no
#: commas, sums or exclamations).
_QUOTED_NAME = re.compile(rf"[«\"“„]\s*[{UPPER}0-9][^«»\"“”„\n,;:!?$€£₽]{{1,40}}[»\"”“]")
#: A name written in CamelCase ("FreshMart", "СибМясо", "ЭкспрессЕда"): brands are, people and places are not.
_CAMEL_CASE = re.compile(rf"(?<![\w])[{UPPER}][{LOWER}]+[{UPPER}][\w]*")
#: Messengers and platforms written in CamelCase: where the advert was posted, not who employs.
_PLATFORMS = frozenset({"whatsapp", "tiktok", "youtube", "wechat", "linkedin", "paypal", "iphone", "imessage",
                        "headhunter", "superjob", "facetime", "googlepay", "applepay", "vkontakte", "odnoklassniki"})
#: A Russian first name and patronymic ("Ирина Сергеевна"): a person you could ask for by name.
_FULL_NAME = re.compile(r"\b[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:овна|евна|ична|инична|ович|евич|ич)\b")
_REGIONAL_FLAG = re.compile(r"([\U0001F1E6-\U0001F1FF])([\U0001F1E6-\U0001F1FF])")
_QUOTE_EDGE = "$€£₽₸₺¥%»)\"”"
#: Words that open a range of pay ("от 3000$", "from $3,000", "аз 3000"), as skeletons.
_RANGE_WORDS = frozenset({"ot", "from", "az", "do", "up", "to", "upto"})


@dataclass(frozen=True)
class Finding:
    """One flag and the advert's own words that show it."""

    flag: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """What the advert promises, in its own words (the country as an id, for the reply to name it)."""

    country: str | None = None
    city: str | None = None
    jobs: tuple[str, ...] = ()
    pay: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scan:
    advert: bool
    score: float
    findings: tuple[Finding, ...] = ()
    level: str | None = None
    facts: Facts = field(default_factory=Facts)
    missing: tuple[str, ...] = ()  #: ids from content/adverts.yaml `missing`, most important first

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(f.flag for f in self.findings)


@dataclass
class _Sum:
    index: int          # token index
    low: float
    high: float
    currency: str
    text: str           # as written
    kind: str = "pay"   # pay | fee | cost
    period: str = "month"

    def usd_month(self, rates: Mapping[str, float]) -> float | None:
        """The sum a month in US dollars; a range ("1200–1800$") by its middle, as a worker would expect it."""
        rate = rates.get(self.currency)
        return None if rate is None else (self.low + self.high) / 2 * rate * PER_MONTH[self.period]


class Scanner:
    """Built once from the content; :meth:`scan` keeps no state between calls.

    ``recogniser`` (see :func:`scanner_for`) gives the probability that a text is a job advert, learned from
    labelled adverts: an advert the rules' score misses (new wording, no contact, a friend's message) is still
    scanned when the recogniser is sure of it.
    """

    def __init__(self, content: AdvertContent, recogniser: Callable[[str], float] | None = None):
        self.content = content
        self.recogniser = recogniser
        self.flag_order = tuple(content.flags)
        users: dict[str, list[str]] = {}
        for country in content.countries.values():
            users.setdefault(country.currency, []).append(country.id)
        #: A currency used by one country only (not USD or EUR): that country.
        self._currency_owner = {currency: ids[0] for currency, ids in users.items() if len(ids) == 1}
        self.scan("Требуются рабочие в Москву, зарплата 3000$, звоните +7 900 000 00 00")  # compile the regexes now

    # -- entry points -----------------------------------------------------------------------------------------

    def is_advert(self, text: str, forwarded: bool = False) -> bool:
        return self._read(AdvertText(text or ""), forwarded)[0]

    def scan(self, text: str, forwarded: bool = False) -> Scan:
        at = AdvertText(text or "")
        advert, score, country, city, sums, spans = self._read(at, forwarded)
        if not advert:
            return Scan(False, score)
        findings = [Finding(flag_id, self._quotes(at, found)) for flag_id, found in spans.items() if found]
        level = level_of(findings, self.content)
        facts = self._facts(at, country, city, sums, spans["upfront_fee"])
        return Scan(True, score, tuple(findings), level, facts, self._missing(at, findings, facts))

    def _read(self, at: AdvertText, forwarded: bool) -> tuple[bool, float, str | None, str | None, list[_Sum],
                                                              dict[str, list[tuple[int, int]]]]:
        """Flags first, then the decision: a message full of warning signs reads as an advert (a question or a
        warning carries its own marks against it)."""
        if at.words < MIN_WORDS or not any(t.kind == "word" for t in at.tokens):
            return False, 0.0, None, None, [], {}
        country, city = self._place(at)
        sums = self._sums(at, country)
        spans = {flag_id: self._flag_spans(self.content.flags[flag_id], at, country, sums)
                 for flag_id in self.flag_order}
        advert, score = self._advert_score(at, forwarded, spans)
        if (not advert and self.recogniser is not None and score >= ADVERT_AT - RECOGNISER_MARGIN
                and not self._something_else(at) and self.recogniser(at.text) >= RECOGNISER_SURE):
            advert = True  # close to the line, and the recogniser has seen adverts like it
        return advert, score, country, city, sums, spans

    # -- recognition ------------------------------------------------------------------------------------------

    def _advert_score(self, at: AdvertText, forwarded: bool,
                      spans: dict[str, list[tuple[int, int]]]) -> tuple[bool, float]:
        rec = self.content.recognition
        kinds = {t.kind for t in at.tokens}
        invited = rec["invite"].found(at)
        score = 0.0
        score += RECRUIT if rec["recruit"].found(at) or invited else 0.0
        score += WORK if rec["work"].found(at) else 0.0
        score += FLAG * min(sum(1 for f, found in spans.items() if found and f != "vague_employer"), MAX_FLAGS)
        score += PAY if "money" in kinds or rec["pay"].found(at) or self._bare_sum(at) else 0.0
        score += NAMED if not spans["vague_employer"] else 0.0
        jobs = self.content.jobs.spans(at)
        score += JOB if jobs else 0.0
        offered = invited or jobs or rec["recruit"].found(at) or rec["work"].found(at)
        score -= NO_OFFER if not offered else 0.0
        score += PLACE if self.content.places.spans(at) or _REGIONAL_FLAG.search(at.text) else 0.0
        contact = rec["contact"].found(at)
        score += CONTACT if kinds & {"phone", "handle", "link"} or contact else 0.0
        score += CONDITION * min(rec["conditions"].count(at), MAX_CONDITIONS)
        score += FORWARDED if forwarded else 0.0
        score -= WARNING * min(rec["warning"].count(at), MAX_WARNINGS)
        score -= NEWS * min(rec["news"].count(at), MAX_NEWS)
        score -= QUESTION if rec["question"].found(at) else 0.0
        evidence = [span for flag, found in spans.items() if flag != "vague_employer" for span in found]
        told = [s for s in rec["story"].spans(at) if not any(_overlap(s, e) for e in evidence)]
        score -= STORY * min(len(told), MAX_STORY)  # "…лучше не говорить" is a flag's words, not a story
        score -= QUESTION_MARK if "?" in at.text and not invited else 0.0
        score -= SEEKER if rec["seeker"].found(at) else 0.0
        score -= SALE * min(rec["sale"].count(at), MAX_SALE)
        if not kinds & {"phone", "handle", "link"}:
            named = self._has_name(self.content.flags["vague_employer"], at)
            score -= NO_CONTACT_NAMED if named else NO_CONTACT_ASKED if contact else NO_CONTACT
        return score >= ADVERT_AT, round(score, 2)

    def _something_else(self, at: AdvertText) -> bool:
        """The message carries the marks of something else (a scam warning, news, a question, a job seeker, another
        trade): the rules' score already counted them, and the recogniser must not overrule it."""
        rec = self.content.recognition
        return "?" in at.text or any(rec[kind].found(at) for kind in ("warning", "news", "question", "seeker", "sale"))

    # -- flags ------------------------------------------------------------------------------------------------

    def _kept(self, rules: FlagRules, at: AdvertText, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Cue spans that no look-alike cancels (overlapping it or in the same part of the sentence)."""
        spans = list(spans)
        if not spans:
            return []
        exceptions = list(rules.exceptions.spans(at))
        sentences = {at.sentence_of(first) for first, _ in rules.sentence_exceptions.spans(at)}
        return [s for s in spans if not any(_overlap(s, n) or at.same_clause(s, n) for n in exceptions)
                and at.sentence_of(s[0]) not in sentences]

    def _flag_spans(self, rules: FlagRules, at: AdvertText, country: str | None,
                    sums: list[_Sum]) -> list[tuple[int, int]]:
        spans = self._kept(rules, at, rules.cues.spans(at))
        if rules.id == "no_work_permit" and not spans:
            visa_free = country is None or self.content.countries[country].visa_free
            if not visa_free:
                spans = self._kept(rules, at, rules.extra["no_visa"].spans(at))
        elif rules.id == "unrealistic_pay" and not spans:
            spans = self._too_much_pay(rules, at, country, sums)
        elif rules.id == "vague_employer":
            return [] if self._employer_named(rules, at) else (spans or self._vague_evidence(at))
        elif rules.id == "targets_young_women" and not spans:
            spans = self._aimed_at_young_women(rules, at)
        return spans

    def _too_much_pay(self, rules: FlagRules, at: AdvertText, country: str | None,
                      sums: list[_Sum]) -> list[tuple[int, int]]:
        pay = self.content.pay
        country = country or self._country_of_currency(sums)
        place = self.content.countries.get(country) if country else None
        limit = place.max_usd if place else pay.default_max_usd
        kinds = {kind for kind, _, _ in self.content.jobs.spans(at)} - {"workplace", "generic"}
        if "skilled" in kinds:
            limit *= pay.skilled_factor
        elif kinds == {"basic"} and place:
            limit = place.basic_max_usd  # cleaning, loading, picking: far below other work in the Gulf
        if rules.extra["easy"].found(at):
            limit *= pay.easy_factor
        too_much = [s for s in sums if s.kind == "pay" and (s.usd_month(pay.rates_usd) or 0) > limit]
        return [(s.index, s.index) for s in too_much]

    def _country_of_currency(self, sums: list[_Sum]) -> str | None:
        """No place named: the country whose own currency the pay is in ("£12.60 per hour" is paid in the UK).
        Dollars and euros are paid in many countries and say nothing."""
        owners = self._currency_owner
        found = {owners.get(s.currency) for s in sums if s.kind == "pay"} - {None}
        return found.pop() if len(found) == 1 else None

    def _employer_named(self, rules: FlagRules, at: AdvertText) -> bool:
        if rules.extra["named"].found(at) or self.content.facts["address"].found(at) or self._has_name(rules, at):
            return True
        return any(not _ANONYMOUS_DOMAINS.search(at.text[t.start:t.end]) for t in at.of_kind("link"))

    @staticmethod
    def _has_name(rules: FlagRules, at: AdvertText) -> bool:
        """The advert names someone by name: a company form, a quoted or CamelCase name, a first name and
        patronymic. (Questions and warnings seldom do; they say "an agency", "licensed agencies".)"""
        if (rules.legal_forms and rules.legal_forms.search(at.text)) or _QUOTED_NAME.search(at.text) \
                or _FULL_NAME.search(at.text):
            return True
        return any(m.group().lower() not in _PLATFORMS for m in _CAMEL_CASE.finditer(at.text))

    def _vague_evidence(self, at: AdvertText) -> list[tuple[int, int]]:
        """No employer is named, so show what stands in for one: the offer itself and who to call."""
        evidence = []
        recruit = next(iter(self.content.recognition["recruit"].spans(at)), None)
        if recruit is not None:
            evidence.append(recruit)
        contact = next((i for i, t in enumerate(at.tokens) if t.kind in ("phone", "handle")), None)
        if contact is not None:
            evidence.append((contact, contact))
        return evidence or [(0, 0)]

    def _aimed_at_young_women(self, rules: FlagRules, at: AdvertText) -> list[tuple[int, int]]:
        """Women or girls, and an age limit, looks or club work; each part may be cancelled by a look-alike ("men
        and women", "aged 20–50", "a young team")."""
        kept = {key: self._kept(rules, at, rules.extra[key].spans(at))
                for key in ("female", "age", "looks", "entertainment")}
        female = next(iter(kept["female"]), None)
        condition = next((s for key in ("age", "looks") for s in kept[key]), None)
        club = next(iter(kept["entertainment"]), None)
        if female is not None and (condition or club):
            return [female, condition or club]
        if club is not None and condition is not None:
            return [club, condition]
        return []

    # -- money ------------------------------------------------------------------------------------------------

    def _sums(self, at: AdvertText, country: str | None) -> list[_Sum]:
        """Every sum of money, with its period, and whether it is pay, a fee or another cost."""
        pay = self.content.pay
        period_at: dict[int, str] = {}
        period_before: dict[int, str] = {}
        for period, first, last in pay.periods.spans(at):
            period_at.setdefault(first, period)
            period_before.setdefault(last, period)
        sums = []
        for i, token in enumerate(at.tokens):
            if token.kind == "money":
                parsed = parse_money(at.text[token.start:token.end])
                if parsed:
                    sums.append(_Sum(i, parsed[0], parsed[1], parsed[2], at.text[token.start:token.end]))
        sums.extend(self._bare_pay(at, country, period_at, period_before))
        for s in sums:
            s.period = period_at.get(s.index + 1) or period_before.get(s.index - 1) or "month"
        costs = {i for first, last in pay.not_pay.spans(at) for i in range(first, last + 1)}
        after_pay_word = {last + 1 for _, last in pay.words_before.spans(at)}
        for s in sums:
            if s.index in costs and s.index not in after_pay_word:
                s.kind = "cost"
        return sorted(sums, key=lambda s: s.index)

    def _bare_sum(self, at: AdvertText) -> bool:
        """A number next to a pay period ("3000/смена", "рӯзе 3000", "mohona 95 hazor"): pay written without a
        currency."""
        kinds = [t.kind for t in at.tokens] + ["end"]
        return any(kinds[first - 1] == "num" or kinds[last + 1] == "num"
                   for _, first, last in self.content.pay.periods.spans(at))

    def _bare_pay(self, at: AdvertText, country: str | None, period_at: dict[int, str],
                  period_before: dict[int, str]) -> list[_Sum]:
        """Pay written without a currency ("ЗП 90 000", "платят 3500 в день"): in the destination's currency."""
        if country is None:
            return []
        currency = self.content.countries[country].currency
        after_pay_word = {last + 1 for _, last in self.content.pay.words_before.spans(at)}
        found = []
        for i, token in enumerate(at.tokens):
            if token.kind != "num" or not (i in after_pay_word or i + 1 in period_at or i - 1 in period_before):
                continue
            value = float(token.sk)
            following = at.tokens[i + 1].sk if i + 1 < len(at.tokens) else ""
            value *= _MULTIPLIERS.get(following, 1.0)
            if value >= 50:
                found.append(_Sum(i, value, value, currency, at.text[token.start:token.end]))
        return found

    # -- facts ------------------------------------------------------------------------------------------------

    def _place(self, at: AdvertText) -> tuple[str | None, str | None]:
        """The destination: the first country named that is not Tajikistan (where the advert is read), else the
        first at all; and the first city in it, as written."""
        countries: list[str] = []
        cities: list[tuple[str, str]] = []
        for name, first, last in self.content.places.spans(at):
            kind, _, cid = name.partition(":")
            if kind == "country":
                countries.append(cid)
            else:
                cities.append((cid, at.text[at.tokens[first].start:at.tokens[last].end]))
        for a, b in _REGIONAL_FLAG.findall(at.text):
            cid = chr(ord(a) - 0x1F1E6 + ord("a")) + chr(ord(b) - 0x1F1E6 + ord("a"))
            if cid in self.content.countries:
                countries.append(cid)
        countries.extend(cid for cid, _ in cities)
        abroad = [c for c in countries if c != "tj"]
        country = abroad[0] if abroad else (countries[0] if countries else None)
        city = next((words for cid, words in cities if cid == country), None)
        return country, city

    def _facts(self, at: AdvertText, country: str | None, city: str | None, sums: list[_Sum],
               fee_spans: list[tuple[int, int]]) -> Facts:
        for s in sums:
            if any(first <= s.index <= last or at.same_clause((s.index, s.index), (first, last))
                   for first, last in fee_spans):
                s.kind = "fee"
        found = [(kind, _clean(at.text[at.tokens[a].start:at.tokens[b].end]).lower())
                 for kind, a, b in self.content.jobs.spans(at)]
        jobs = list(dict.fromkeys(w for kind, w in found if kind != "workplace")) or \
            list(dict.fromkeys(w for kind, w in found if kind == "workplace"))
        pay_text = self._pay_phrases(at, [s for s in sums if s.kind == "pay"])
        contacts = [at.text[t.start:t.end] for t in at.tokens if t.kind in ("phone", "handle", "link")]
        return Facts(
            country=country,
            city=city,
            jobs=tuple(jobs[:MAX_FACTS]),
            pay=tuple(dict.fromkeys(pay_text)),
            fees=tuple(dict.fromkeys(s.text for s in sums if s.kind == "fee"))[:MAX_FACTS],
            contacts=tuple(dict.fromkeys(contacts))[:MAX_CONTACTS],
        )

    def _pay_phrases(self, at: AdvertText, pay: list[_Sum]) -> list[str]:
        """Pay as the advert words it: from the sum (and "от" / "from" before it) to the last sum of the same
        sentence and its period ("от 3000$ до 5000$ в месяц")."""
        period_end = {first: last for _, first, last in self.content.pay.periods.spans(at)}
        phrases: list[str] = []
        done: set[int] = set()
        for s in pay:
            if s.index in done or len(phrases) == MAX_FACTS:
                continue
            sentence = at.sentence_of(s.index)
            same = [p for p in pay if at.sentence_of(p.index) == sentence and p.index >= s.index]
            first, last = s.index, same[-1].index
            done.update(p.index for p in same)
            last = period_end.get(last + 1, last)
            if first > 0 and at.tokens[first - 1].sk in _RANGE_WORDS:
                first -= 1
            words = _clean(at.text[at.tokens[first].start:at.tokens[last].end])
            phrases.append(words if len(words) <= MAX_QUOTE else words[:MAX_QUOTE - 1].rsplit(" ", 1)[0] + "…")
        return phrases

    def _missing(self, at: AdvertText, findings: list[Finding], facts: Facts) -> tuple[str, ...]:
        have = {key: patterns.found(at) for key, patterns in self.content.facts.items()}
        flagged = {f.flag for f in findings}
        missing = []
        if "vague_employer" in flagged:
            missing.append("company")
        if not have["licence"] and ({"upfront_fee", "vague_employer"} & flagged or facts.country not in ("tj", None)):
            missing.append("licence")
        if not have["contract"]:
            missing.append("contract")
        if not have["permit"] and facts.country not in ("tj", None):
            missing.append("permit")
        if not facts.pay:
            missing.append("pay")
        if facts.city is None and not have["address"]:
            missing.append("place")
        if not have["hours"]:
            missing.append("hours")
        return tuple(missing)

    # -- quotes -----------------------------------------------------------------------------------------------

    def _quotes(self, at: AdvertText, spans: list[tuple[int, int]]) -> tuple[str, ...]:
        quotes: list[str] = []
        for span in spans:
            quote = quote_of(at, span)
            if quote and not any(quote in q or q in quote for q in quotes):
                quotes.append(quote)
            if len(quotes) == QUOTES_PER_FLAG:
                break
        return tuple(quotes)


def level_of(findings: Iterable[Finding], content: AdvertContent) -> str:
    """``high_risk`` when two or more signs together weigh enough, ``careful`` for any sign, else
    ``no_flags_found``."""
    flags = [f.flag for f in findings]
    weight = sum(content.flags[f].weight for f in flags)
    if weight >= HIGH_RISK_AT and len(flags) >= HIGH_RISK_FLAGS:
        return "high_risk"
    return "careful" if weight >= CAREFUL_AT else "no_flags_found"


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _clean(text: str) -> str:
    """One line, no emoji or punctuation hanging at either end."""
    text = " ".join(text.split())
    start, end = 0, len(text)
    while start < end and not (text[start].isalnum() or text[start] in "$€£₽₸₺¥«\"“+@"):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in _QUOTE_EDGE):
        end -= 1
    return text[start:end]


def quote_of(at: AdvertText, span: tuple[int, int], limit: int = MAX_QUOTE) -> str:
    """The advert's own words around a match: the whole sentence when it is short, else the match widened word by
    word up to ``limit`` characters, with "…" where it was cut."""
    first, last = span
    tokens: list[Token] = at.tokens
    while first < last and tokens[first].kind in ("mark", "comma"):
        first += 1
    while last > first and tokens[last].kind in ("mark", "comma"):
        last -= 1
    s_start, s_end = at.sentence_of(first)
    sentence = _clean(at.text[s_start:s_end])
    if len(sentence) <= limit and s_end >= tokens[last].end:
        return _balanced(sentence, at.text, s_end)
    lo, hi = first, last
    # The part of the sentence that holds the match (between commas, dashes, brackets), when it fits.
    while lo > 0 and tokens[lo - 1].kind not in ("mark", "comma"):
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1].kind not in ("mark", "comma"):
        hi += 1
    clause_fits = len(_clean(at.text[tokens[lo].start:tokens[hi].end])) <= limit
    if not clause_fits:
        lo, hi = first, last
    if len(_clean(at.text[tokens[lo].start:tokens[hi].end])) > limit:
        words = _clean(at.text[tokens[lo].start:tokens[hi].end])
        return words[:limit - 1].rsplit(" ", 1)[0] + "…"
    grew = not clause_fits
    while grew:
        grew = False
        for candidate in ((lo, hi + 1), (lo - 1, hi)):
            a, b = candidate
            if a < 0 or b >= len(tokens) or tokens[a].kind == "mark" or tokens[b].kind == "mark":
                continue  # commas may be inside a quote, sentence ends may not
            if len(_clean(at.text[tokens[a].start:tokens[b].end])) <= limit:
                lo, hi = a, b
                grew = True
    text = _clean(at.text[tokens[lo].start:tokens[hi].end])
    cut_left = tokens[lo].start > s_start
    cut_right = tokens[hi].end < s_end
    return _balanced(("…" if cut_left else "") + text + ("…" if cut_right else ""), at.text, tokens[hi].end)


def _balanced(quote: str, text: str, end: int) -> str:
    """Close a bracket the quote opened when the advert closes it right after ("(оплата заранее)")."""
    if quote.count("(") > quote.count(")") and text[end:end + 1] == ")":
        return quote + ")"
    return quote


def load_recogniser(content: Content):
    """The advert recogniser's model, checked against the content's labelled adverts (ModelError when stale)."""
    from bot.core.intent_model import ADVERT, IntentModel  # noqa: PLC0415 - keeps this module importable alone
    from bot.training_data import advert_examples  # noqa: PLC0415

    model = IntentModel.load(content.root / "model", ADVERT)
    model.check_trained_on(advert_examples(content), f"{content.root / 'model'} (advert)")
    return model


def scanner_for(content: Content) -> Scanner:
    """The scan with its learned recogniser (``content/model/advert.*``, trained by ``python -m bot train``); a
    missing or stale recogniser raises :class:`~bot.core.intent_model.ModelError`, never serves silently."""
    from bot.core.intent_model import ADVERT  # noqa: PLC0415 - keeps this module importable alone
    from bot.core.text import Message  # noqa: PLC0415

    if content.adverts is None:
        raise ValueError("the content has no advert scan")
    model = load_recogniser(content)
    column = model.labels.index(ADVERT)

    def recogniser(text: str) -> float:
        return float(model.predict(Message.of(text))[column])

    return Scanner(content.adverts, recogniser)
