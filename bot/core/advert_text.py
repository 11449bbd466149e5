"""An advert as matchable text: skeleton tokens that remember where they came from, and the patterns that read them.

The scan has to quote the advert's own words back, so unlike topic matching it cannot throw the original away. Each
token keeps its span in the original text. Words become the same skeleton the rest of the core uses
(:func:`bot.core.normalize.skeleton`: ``ВИЗУ``, ``визу`` and ``vizu`` are one word; Tajik with or without its
letters and in Latin letters too). Things that are not words are found first and become one token each: sums of
money with their currency (``MONEY``), phone numbers (``PHONE``), @handles (``HANDLE``), links and e-mails
(``LINK``) and other numbers (their digits). Sentence ends (``.`` ``!`` ``?`` new lines, emoji bullets) become a
``.`` token, so a pattern never joins the end of one sentence to the start of the next.

Patterns (in ``content/adverts.yaml``) are written the way adverts are, in any script, and compiled to one regular
expression over the skeleton string::

    оплат*|плат* ~2 виз*|документ*      # "оплат..." or "плат...", up to 2 words, then "виз..." or "документ..."
    без предоплат*                      # exact word "без", then a word starting "предоплат"
    MONEY ~3 за оформлен*               # a sum of money, up to 3 words, "за", "оформлен..."
    AGE лет|сола|years                  # a number from 14 to 35, then an age word
    AGE OLD                             # an age range that reaches past 35 ("20–50"): not a young-only condition

Slots are separated by spaces; ``|`` separates one-word alternatives; ``(за свой счёт|оплачиваете сами)`` is a slot
whose alternatives are phrases; ``*`` ends a stem; ``~N`` skips 0 to N words (``~`` is ``~3``); ``?`` after a slot
makes it optional; ``MONEY PHONE HANDLE LINK NUM AGE OLD ID`` are the special tokens (``OLD`` is a number from 36
to 99, ``ID`` one of six digits or more: a registration or licence number) and ``BREAK`` is a sentence end.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.core.normalize import fold_unicode, skeleton

#: Longest advert read: a Telegram message is at most 4,096 characters; a paste of a whole channel is cut here.
MAX_ADVERT_CHARS = 5000

SENTENCE = "."
CLAUSE = ","
SPECIAL_SLOTS = {
    "MONEY": "xmoneyx",
    "PHONE": "xphonex",
    "HANDLE": "xhandlex",
    "LINK": "xlinkx",
    "NUM": r"\d+",
    "AGE": r"(?:1[4-9]|2\d|3[0-5])",
    "OLD": r"(?:3[6-9]|[4-9]\d)",
    "ID": r"\d{6,}",
    "BREAK": r"\.",
}

# -- things that are not words -----------------------------------------------------------------------------------

# Every pattern here starts only where a run of digits or word characters starts (a look-behind), and runs are
# bounded: a long run ("1111…", "a.b.a.b…") is then read once, not once per character.
_NUMBER = (r"(?<![\d])(?:\d{1,3}(?:[ \u00a0\u202f.,’']\d{3}){1,4}(?![\d])(?:[.,]\d{1,2}(?!\d))?"
           r"|\d{1,12}(?![\d])(?:[.,]\d{1,2}(?!\d))?)")
_MULT = (r"(?:\s?(?:тыс\.?|тысяч[аи]?|тыщ\w*|млн\.?|миллион\w*|mln|million|ming|ҳазор|хазор|hazor|thousand)"
         r"|[kк](?![\w]))")
_RANGE = rf"(?:{_NUMBER}){_MULT}?(?:\s?[-–—]\s?|\s(?:до|to|та|то)\s)(?:{_NUMBER})"
_AMOUNT = rf"(?:{_RANGE}|{_NUMBER}){_MULT}?"
# Currency words after an amount. Longer forms first where one is a prefix of another.
CURRENCY_WORDS = {
    "USD": r"\$|usd|us\$|долл\w*|доллар\w*|dollar\w*|doll\w*|бакс\w*|у\.\s?е\.?",
    "EUR": r"€|eur|euro\w*|евро|evro",
    "GBP": r"£|gbp|фунт\w*|funt\w*|pound\w*",
    "RUB": r"₽|rub\w*|roubl\w*|rubl\w*|руб\w*|р\.|р(?![\w])",
    "TJS": r"сомон\w*|somon\w*|tjs|смн",
    "KZT": r"₸|kzt|тенге|tenge|тг(?![\w])",
    "AED": r"aed|дирхам\w*|dirham\w*|dhs?(?![\w])",
    "SAR": r"sar|sr(?![\w])|риял\w*|риал\w*|riyal\w*|rial\w*",
    "QAR": r"qar",
    "TRY": r"₺|try|лир[аы]?|lira\w*|lir(?![\w])",
    "PLN": r"pln|zł|злот\w*|zlot\w*",
    "CZK": r"czk|крон\w*|kc(?![\w])",
    "CHF": r"chf|франк\w*|frank\w*|franc\w*",
    "KRW": r"krw|вон(?![\w])|won(?![\w])",
    "JPY": r"jpy|¥|иен\w*|йен\w*|yen",
    "MYR": r"myr|ринггит\w*|ringgit\w*|rm(?![\w])",
    "AZN": r"azn|манат\w*|manat\w*",
    "UZS": r"uzs|сум(?![\w])|sum(?![\w])|so['’]m",
    "KGS": r"kgs|сом(?![\w])|som(?![\w])",
    "ILS": r"ils|₪|шекел\w*|shekel\w*",
    "CNY": r"cny|юан\w*|yuan\w*",
    "HUF": r"huf|форинт\w*|forint\w*",
    "NOK": r"nok",
    "CAD": r"cad|c\$",
}
_CURRENCY_CODES = "USD|EUR|GBP|RUB|TJS|KZT|AED|SAR|QAR|TRY|PLN|CZK|CHF|KRW|JPY|MYR|AZN|UZS|KGS|ILS|CNY|HUF|NOK|CAD"
_SYMBOLS_BEFORE = r"[$€£₽₸₺¥₪]|us\$|c\$"
_CUR_AFTER = "|".join(f"(?:{v})" for v in CURRENCY_WORDS.values())
_MONEY = (rf"(?:(?:{_SYMBOLS_BEFORE}|(?:{_CURRENCY_CODES})(?![\w]))\s?{_AMOUNT}"
          rf"|{_AMOUNT}\s?(?:тыс\.?\s?)?(?:{_CUR_AFTER}))")
_PHONE = (r"(?<![\w+])\+\s?\d[\d\s().\-]{6,18}\d(?!\d)"
          r"|(?<![\w])8\s?[\s(\-]*\d{3}[\s)\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)")
_LINK = (r"https?://\S{1,200}|www\.\S{1,200}|\b(?:t\.me|wa\.me)/\S{1,100}"
         r"|(?<![\w.+\-])[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,4}"
         r"|(?<![\w.\-])[A-Za-z0-9][\w\-]{1,62}(?:\.[\w\-]{1,63}){0,4}\.[a-z]{2,6}\b(?:/[^\s,;)]{0,200})?")
_HANDLE = r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{2,31}"

_SPECIAL = re.compile(
    rf"(?P<link>{_LINK})|(?P<handle>{_HANDLE})|(?P<phone>{_PHONE})|(?P<money>{_MONEY})|(?P<num>{_NUMBER})",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’ʼ`][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’ʼ`]")

# -- sentence ends ------------------------------------------------------------------------------------------------

#: Words after which a full stop is an abbreviation, not a sentence end ("ул. Ленина", "г. Москва", "тыс. руб.").
_ABBREVIATIONS_AS_WRITTEN = ("г ул пр д руб тыс тел т р кат мкр стр ст им обл пос с корп кв оф млн мин макс др "
                             "ш к st ave rd no tel ltd co inc dr mr mrs vs etc approx min max")
_BREAK_CHARS = set("!?;\n•●▪▶►➡➤✔✅☑❗❕‼⁉")


def _is_emoji(ch: str) -> bool:
    return ord(ch) >= 0x2190 and unicodedata.category(ch) in ("So", "Sk") and ch not in "№™"


def _breaks_sentence(gap: str, text: str, gap_end: int, previous_word: str) -> bool:
    """Does the text between two tokens end a sentence? Commas, dashes and brackets do not."""
    for i, ch in enumerate(gap):
        if ch in _BREAK_CHARS or _is_emoji(ch):
            return True
        if ch == ".":
            if previous_word in _ABBREVIATIONS or i != gap.find("."):
                continue
            if gap[i + 1:i + 2] == "/":
                continue  # "руб./мес."
            following = text[gap_end:gap_end + 1]
            if not following or following.isupper() or following.isdigit() or not following.isalpha() \
                    or "\n" in gap[i:]:
                return True
    return False


# -- tokens -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    """One word or special item: its matching form and where it is in the original text."""

    sk: str
    start: int
    end: int
    kind: str = "word"  # word | money | phone | handle | link | num | mark


class AdvertText:
    """The advert's tokens and the skeleton string the patterns run over, built once per message."""

    def __init__(self, text: str):
        self.text = text[:MAX_ADVERT_CHARS]
        self.tokens: list[Token] = list(_tokens(self.text))
        parts, self.offsets = [], []
        position = 1
        for token in self.tokens:
            self.offsets.append(position)
            parts.append(token.sk)
            position += len(token.sk) + 1
        self.skeleton = " " + " ".join(parts) + " "
        self.clause = _clause_ids(self.tokens)
        self._matches: dict[int, list[list[tuple[int, int]]]] = {}

    def matches(self, index: PatternIndex) -> list[list[tuple[int, int]]]:
        """All lists' matches in this text, found once per index (see :class:`PatternIndex`)."""
        found = self._matches.get(id(index))
        if found is None:
            found = self._matches[id(index)] = index.run(self)
        return found

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices ``[first, last]`` of the tokens a match over :attr:`skeleton` covers."""
        if self.skeleton[start:start + 1] == " ":
            start += 1  # pattern matches begin with the space before their first token
        first = bisect.bisect_right(self.offsets, start) - 1
        last = bisect.bisect_right(self.offsets, max(start, end - 1)) - 1
        return max(first, 0), max(last, 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of a match over :attr:`skeleton`."""
        first, last = self.token_range(start, end)
        words = [t for t in self.tokens[first:last + 1] if t.kind not in ("mark", "comma")] or [self.tokens[first]]
        return words[0].start, words[-1].end

    def sentence_of(self, index: int) -> tuple[int, int]:
        """Original-text span of the sentence holding token ``index`` (between sentence marks)."""
        lo = index
        while lo > 0 and self.tokens[lo - 1].kind != "mark":
            lo -= 1
        hi = index
        while hi + 1 < len(self.tokens) and self.tokens[hi + 1].kind != "mark":
            hi += 1
        return self.tokens[lo].start, self.tokens[hi].end

    def same_clause(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        """Do two token ranges share a part of a sentence (between commas, dashes, brackets or sentence ends)?"""
        return not (self.clause[a[1]] < self.clause[b[0]] or self.clause[b[1]] < self.clause[a[0]])

    def of_kind(self, kind: str) -> list[Token]:
        return [t for t in self.tokens if t.kind == kind]

    @property
    def words(self) -> int:
        return sum(1 for t in self.tokens if t.kind not in ("mark", "comma"))


_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–«»\"“”]|\s-\s")
_RANGE_DASH = re.compile(r"\s?[-–—]\s?")


def _clause_ids(tokens: list[Token]) -> list[int]:
    ids, current = [], 0
    for token in tokens:
        if token.kind in ("mark", "comma"):
            current += 1
        ids.append(current)
    return ids


# -- sums of money ------------------------------------------------------------------------------------------------

#: Checked in this order: a more specific currency before one whose words it contains ("c$" before "$").
_CURRENCY_ORDER = ("CAD", "TJS", "KZT", "AED", "SAR", "QAR", "TRY", "PLN", "CZK", "CHF", "KRW", "JPY", "MYR", "AZN",
                   "UZS", "KGS", "ILS", "CNY", "HUF", "NOK", "GBP", "EUR", "RUB", "USD")
_CURRENCY_RES = {code: re.compile(rf"(?<![^\W\d_])(?:{CURRENCY_WORDS[code]})", re.IGNORECASE)
                 for code in _CURRENCY_ORDER}
_THOUSANDS = re.compile(r"(?:тыс|тысяч|тыщ|ҳазор|хазор|hazor|thousand|ming|(?<=\d)[kк](?![\w])|(?<=\d )[kк](?![\w]))",
                        re.IGNORECASE)
_MILLIONS = re.compile(r"(?:млн|миллион|mln|million)", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+")


def _number_value(raw: str) -> float:
    raw = raw.strip()
    m = re.fullmatch(r"(\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+)(?:[.,](\d{1,2}))?", raw)
    if m:
        whole = float(re.sub(r"\D", "", m.group(1)))
        return whole + (float("0." + m.group(2)) if m.group(2) else 0.0)
    return float(raw.replace(",", "."))


def parse_money(raw: str) -> tuple[float, float, str] | None:
    """``(low, high, currency code)`` of a sum as written ("110 000–140 000 руб", "$3,500", "150к руб")."""
    code = next((c for c in _CURRENCY_ORDER if _CURRENCY_RES[c].search(raw)), None)
    numbers = [_number_value(n) for n in re.findall(_NUMBER, raw)]
    if code is None or not numbers:
        return None
    factor = 1_000_000.0 if _MILLIONS.search(raw) else 1000.0 if _THOUSANDS.search(raw) else 1.0
    return numbers[0] * factor, numbers[-1] * factor, code


@lru_cache(maxsize=65536)
def word_skeleton(word: str) -> str:
    """The matching form of one word as written (any case, script or apostrophes)."""
    return skeleton(_APOSTROPHES.sub("", fold_unicode(word)))


_ABBREVIATIONS = frozenset(word_skeleton(w) for w in _ABBREVIATIONS_AS_WRITTEN.split())


def _tokens(text: str):
    previous_end, previous_word, previous_kind = 0, "", ""
    pending_mark = False

    def words_in(segment_start: int, segment_end: int):
        for m in _WORD.finditer(text, segment_start, segment_end):
            sk = word_skeleton(m.group())
            if sk:
                yield Token(sk, m.start(), m.end())

    def with_marks(token: Token):
        nonlocal previous_end, previous_word, previous_kind, pending_mark
        gap = text[previous_end:token.start]
        if pending_mark or (previous_end and _breaks_sentence(gap, text, token.start, previous_word)):
            yield Token(SENTENCE, token.start, token.start, "mark")
        elif previous_end and _CLAUSE_BREAK.search(gap) and not (previous_kind == token.kind == "num"
                                                                   and _RANGE_DASH.fullmatch(gap)):
            yield Token(CLAUSE, token.start, token.start, "comma")  # but "20–30" is one range, not two parts
        pending_mark = False
        previous_end, previous_word = token.end, token.sk if token.kind == "word" else ""
        previous_kind = token.kind
        yield token

    cursor = 0
    for m in _SPECIAL.finditer(text):
        for token in words_in(cursor, m.start()):
            yield from with_marks(token)
        kind = m.lastgroup or "num"
        if kind == "num":
            digits = re.sub(r"[.,]\d{1,2}$", "", m.group()) if re.search(r"[.,]\d{1,2}$", m.group()) else m.group()
            sk = re.sub(r"\D", "", digits) or "0"
        else:
            sk = f"x{kind}x"
        yield from with_marks(Token(sk, m.start(), m.end(), kind))
        cursor = m.end()
        if m.group().endswith(".") and text[cursor:cursor + 2].strip()[:1].isupper():
            pending_mark = True  # "100 000 р. Для оформления": the currency's full stop also ends the sentence
    for token in words_in(cursor, len(text)):
        yield from with_marks(token)


# -- patterns -----------------------------------------------------------------------------------------------------

class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says which slot and why."""


_GAP = re.compile(r"^~(\d)?$")


def _word_regex(alt: str, slot: str) -> str:
    """One word of a slot: a special token, an exact word or a stem."""
    if not alt:
        raise PatternError(f"{slot!r}: empty alternative")
    if alt in SPECIAL_SLOTS:
        return SPECIAL_SLOTS[alt]
    stem = alt.endswith("*")
    word = alt[:-1] if stem else alt
    if "*" in word or "~" in word or "(" in word or ")" in word:
        raise PatternError(f"{slot!r}: '*' only ends a stem, '~N' is a slot of its own, brackets enclose a slot")
    if [m.group() for m in _WORD.finditer(word)] != [word]:
        raise PatternError(f"{alt!r}: one word per alternative (use '(a b|c d)' for phrases)")
    sk = word_skeleton(word)
    if not sk:
        raise PatternError(f"{alt!r}: nothing left to match after folding")
    if not stem:
        return re.escape(sk)
    if len(sk) < 2:
        raise PatternError(f"{alt!r}: a stem needs at least 2 letters")
    return _stem_regex(sk, written_c=word[-1].lower() == "c")


def _slot_regex(slot: str, within_clause: bool, first: bool = False) -> str:
    optional = slot.endswith("?") and len(slot) > 1
    body = slot[:-1] if optional else slot
    gap = _GAP.match(body)
    if gap:
        if optional:
            raise PatternError(f"{slot!r}: a gap is already optional")
        n = int(gap.group(1) or 3)
        return f"(?: [^ .,]+){{0,{n}}}" if within_clause else f"(?:(?: ,)* [^ .,]+){{0,{n}}}"
    if body.startswith("(") and body.endswith(")"):
        phrases = [p.split() for p in body[1:-1].split("|")]
        if any(not words for words in phrases):
            raise PatternError(f"{slot!r}: empty alternative")
    else:
        phrases = [[alt] for alt in body.split("|")]
    joint = " " if within_clause or first else "(?: ,)* "
    alternatives = ["".join(joint + _word_regex(w, slot) for w in words) for words in phrases]
    group = "(?:" + "|".join(dict.fromkeys(alternatives)) + ")"
    return f"{group}?" if optional else group


def _slots(pattern: str) -> list[str]:
    """Split on spaces outside brackets: ``a (b c|d) e?`` is three slots."""
    slots, depth, current = [], 0, []
    for ch in pattern.strip():
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise PatternError("')' without '('")
        if ch.isspace() and depth == 0:
            if current:
                slots.append("".join(current))
                current = []
            continue
        current.append(" " if ch.isspace() else ch)
    if depth:
        raise PatternError("'(' without ')'")
    if current:
        slots.append("".join(current))
    return slots


#: A stem's last letter can merge with the letter after it in the skeleton ("оплачивает" + "ся": t+s -> s; Latin
#: "servic" + "e": c -> s): the stem then also matches the merged form.
_MERGES = {"t": "[ts]", "k": "[kh]", "z": "[zj]", "d": "[dj]", "p": "[pf]"}


def _stem_regex(sk: str, written_c: bool) -> str:
    if written_c:
        return re.escape(sk[:-1]) + "[ksj][^ ]*"
    last = _MERGES.get(sk[-1])
    return (re.escape(sk[:-1]) + last if last else re.escape(sk)) + "[^ ]*"


def pattern_regex(pattern: str, within_clause: bool = False) -> str:
    """One pattern as a regular expression over :attr:`AdvertText.skeleton` (tokens between single spaces).

    Commas, dashes and brackets are ``,`` tokens in the skeleton. A pattern reads across them ("Оформление визы —
    400$") unless ``within_clause``: look-alikes must stay inside one part of a sentence ("Жильё бесплатно, виза
    500$" is not "free visa").
    """
    slots = _slots(pattern)
    if not slots:
        raise PatternError("empty pattern")
    if _GAP.match(slots[0]) or _GAP.match(slots[-1]):
        raise PatternError("a pattern cannot start or end with a gap")
    if all(s.endswith("?") for s in slots):
        raise PatternError("at least one slot must be required")
    regex = "".join(_slot_regex(s, within_clause, i == 0) for i, s in enumerate(slots))
    # Each slot regex starts with the space before its token; the match ends before the space after the last one.
    return regex + "(?= )"


# -- one index over every pattern list ------------------------------------------------------------------------------

class PatternIndex:
    """Every pattern of every list, indexed by the words it can start with.

    Trying hundreds of alternatives at every token is what makes a big alternation slow. Here each pattern keeps
    its own regular expression, and a pattern is tried only at tokens that its first word can match: an exact word
    is a dict lookup, a stem a lookup of the token's first letters. One pass over the tokens finds the matches of
    all lists at once (see :meth:`AdvertText.matches`).
    """

    def __init__(self) -> None:
        self._regexes: list[re.Pattern[str]] = []
        self._list_of: list[int] = []
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._numbers: list[int] = []
        self._stem_lengths: tuple[int, ...] = ()
        self.lists = 0

    @property
    def size(self) -> int:
        """How many patterns are indexed."""
        return len(self._regexes)

    def new_list(self) -> int:
        self.lists += 1
        return self.lists - 1

    def add(self, list_id: int, pattern: str, within_clause: bool = False) -> None:
        """Compile and index one pattern; :class:`PatternError` says what is wrong with it."""
        regex = re.compile(pattern_regex(pattern, within_clause))
        keys = _first_keys(_slots(pattern))
        pid = len(self._regexes)
        self._regexes.append(regex)
        self._list_of.append(list_id)
        for kind, key in keys:
            if kind == "num":
                self._numbers.append(pid)
            else:
                (self._exact if kind == "exact" else self._stems).setdefault(key, []).append(pid)
        self._stem_lengths = tuple(sorted({len(k) for k in self._stems}))

    def run(self, text: AdvertText) -> list[list[tuple[int, int]]]:
        """Per list, the token ranges ``(first, last)`` of its matches: left to right, longest first, no overlaps."""
        found: list[list[tuple[int, int]]] = [[] for _ in range(self.lists)]
        skeleton, offsets, lengths = text.skeleton, text.offsets, self._stem_lengths
        for i, token in enumerate(text.tokens):
            if token.kind in ("mark", "comma"):
                continue
            sk = token.sk
            candidates = list(self._exact.get(sk, ()))
            for n in lengths:
                if n > len(sk):
                    break
                stems = self._stems.get(sk[:n])
                if stems:
                    candidates.extend(stems)
            if token.kind == "num":
                candidates.extend(self._numbers)
            position = offsets[i] - 1
            for pid in candidates:
                m = self._regexes[pid].match(skeleton, position)
                if m:
                    found[self._list_of[pid]].append((i, text.token_range(m.start(), m.end())[1]))
        return [_leftmost_longest(spans) for spans in found]


def _leftmost_longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    kept: list[tuple[int, int]] = []
    for first, last in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or first > kept[-1][1]:
            kept.append((first, last))
    return kept


def _first_keys(slots: list[str]) -> list[tuple[str, str]]:
    """What a pattern's first token can be: ("exact", skeleton), ("stem", prefix) or ("num", "")."""
    keys: list[tuple[str, str]] = []
    for slot in slots:
        optional = slot.endswith("?") and len(slot) > 1
        body = slot[:-1] if optional else slot
        if _GAP.match(body):
            raise PatternError("a gap cannot come before the first required word")
        if body.startswith("(") and body.endswith(")"):
            words = [phrase.split()[0] for phrase in body[1:-1].split("|")]
        else:
            words = body.split("|")
        for word in words:
            if word in ("NUM", "AGE", "OLD", "ID"):
                keys.append(("num", ""))
            elif word in SPECIAL_SLOTS:
                keys.append(("exact", "." if word == "BREAK" else SPECIAL_SLOTS[word]))
            elif word.endswith("*"):
                sk = word_skeleton(word[:-1])
                merges = word[-2].lower() == "c" or sk[-1] in _MERGES
                keys.append(("stem", sk[:-1] if merges else sk))
            else:
                keys.append(("exact", word_skeleton(word)))
        if not optional:
            break
    return keys
