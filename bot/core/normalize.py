"""Fold the many ways people spell the same word into one comparable form.

Migrants type Tajik without ғ ӣ қ ӯ ҳ ҷ (no Tajik keyboard), Russian and Tajik in Latin letters, with doubled or
missing letters. Everything is mapped to one lowercase Latin *skeleton* in which the usual substitutions collapse:
``паспортамро``, ``пасспортамро`` and ``pasportamro`` all become ``pasportamro``; ``куҷо``, ``кучо`` and ``kujo``
become ``kujo``. The skeleton is only for matching; users always see proper text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Longest text we look at. Stories are a few hundred characters; 100 KB pastes must not cost 100 KB of work.
MAX_CHARS = 2000
MAX_TOKENS = 80

# One class per sound that people spell in several ways. ч, ҷ and ж share "j": Tajik without a Tajik keyboard
# writes ҷ as ч, and Latin-letter Tajik writes ҷ as j; Russian ж is zh or j in Latin.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "ӣ": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f", "х": "h", "ҳ": "h", "ц": "s", "ч": "j",
    "ҷ": "j", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Letters from neighbouring alphabets that sometimes turn up in Tajik or Uzbek-influenced typing.
    "ң": "n", "ү": "u", "ө": "o", "ә": "a", "і": "i", "ї": "i", "є": "e", "ў": "u", "қ̣": "k",
}

# Latin spellings, longest first, applied after lowercasing and stripping accents (ū -> u, ş -> s).
_LATIN_SEQUENCES = [
    ("shch", "sh"), ("sch", "sh"), ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("ch", "j"), ("kh", "h"), ("gh", "g"),
    ("ts", "s"), ("tz", "s"), ("yu", "iu"), ("ya", "ia"), ("yo", "e"), ("ph", "f"), ("ck", "k"),
]
_LATIN_SINGLE = {"x": "h", "q": "k", "y": "i", "w": "v", "ç": "j", "ş": "sh", "ı": "i"}
_SOFT_C = re.compile(r"c(?=[eiy])")
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_REPEATS = re.compile(r"([^\W\d_])\1+")  # doubled letters, not digits: "5000" stays
_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`´‘](?=\w)")
# Chat spelling of Russian in Latin letters: 4 for ч, 6 for ш ("4to", "6kola"), 3 for з.
_DIGIT_LETTERS = re.compile(r"(?<=[a-z])[436]|[436](?=[a-z])")
_DIGIT_MAP = {"4": "j", "6": "sh", "3": "z"}


def fold_unicode(text: str) -> str:
    """Lowercase and strip accents from Latin letters, but keep Cyrillic letters (й, ё, ӣ, ӯ) intact."""
    text = unicodedata.normalize("NFC", text).lower()
    out = []
    for ch in text:
        if "a" <= ch <= "z" or ch in _CYRILLIC or not ch.isalpha():
            out.append(ch)
            continue
        if ch in _LATIN_SINGLE:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        stripped = "".join(c for c in base if not unicodedata.combining(c))
        out.append(stripped if stripped.isascii() else ch)
    return "".join(out)


def _latin_skeleton(word: str) -> str:
    word = _DIGIT_LETTERS.sub(lambda m: _DIGIT_MAP[m.group(0)], word)
    word = _SOFT_C.sub("s", word)
    for seq, rep in _LATIN_SEQUENCES:
        if seq in word:
            word = word.replace(seq, rep)
    word = "".join(_LATIN_SINGLE.get(ch, ch) for ch in word).replace("c", "k")
    return word


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The matching form of one already-lowercased word."""
    if any(ch in _CYRILLIC for ch in word):
        word = "".join(_CYRILLIC.get(ch, ch) for ch in word)
    word = _latin_skeleton(word)
    return _REPEATS.sub(r"\1", word)


def raw_tokens(text: str) -> list[str]:
    """Lowercased words of the message (accents folded), capped so huge pastes stay cheap.

    Apostrophes inside words are dropped first: Latin-letter Tajik and Russian use them for ъ/ь ("va'da", "b'yut").
    """
    text = _APOSTROPHE.sub("", fold_unicode(text[:MAX_CHARS]))
    return _TOKEN_RE.findall(text)[:MAX_TOKENS]


#: Stands for "a child's age was mentioned" ("15-летняя", "16 сола", "14 years old"), whatever the number.
MINOR_AGE = "xminoragex"
_AGE_WORDS = ("let", "sol", "iear", "god")


def skeleton_pairs(words: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """Each typed word's skeleton with the word itself, in order, ready for matching.

    An age under 18 followed by an age word adds :data:`MINOR_AGE` (paired with ``""``), so "my 15-year-old niece"
    and "духтари 16 сола" share a word with every other child's age instead of each number standing alone.
    """
    result: list[tuple[str, str]] = []
    for raw in words:
        sk = skeleton(raw)
        if not sk:
            continue
        previous = result[-1][0] if result else ""
        if previous.isascii() and previous.isdecimal() and 0 < int(previous) < 18 and sk.startswith(_AGE_WORDS):
            result.append((MINOR_AGE, ""))
        result.append((sk, raw))
    return result


def tokens(text: str) -> list[str]:
    """The skeleton words of a message, in order (see :func:`skeleton_pairs`)."""
    return [sk for sk, _ in skeleton_pairs(raw_tokens(text))]
