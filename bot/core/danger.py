"""Spotting a person in immediate danger, before anything else is decided.

A missed emergency is the worst mistake the bot can make, so this check runs first and leans towards caution: a
message that carries a danger cue (beaten, locked in, kidnapped, "they will kill me") is an emergency unless the
rest of the message clearly tells a past story ("last year", "two years ago") or that the person is safe now.
The cues are word stems in the matching skeleton, so they hold for Tajik with or without its letters, for Latin
spellings, and for Russian. A few cues are read in the word as typed instead, where the skeleton merges a danger word
with a harmless one: "нож" (knife) and "ночь" (night) both fold to ``noj``, so "с утра до ночи" is no knife.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.normalize import skeleton
from bot.core.text import Message

# Cue stems (written naturally, folded at import). A token matches a cue when it starts with the cue's skeleton.
# Strong cues alone make an emergency; weak ones need a second cue or a "now" word.
_STRONG = """
убь убив убит убет убют убьют убей убило бьют избил избив избиваю бьет бьёт изнасил насилу похит похищ запер заперт
заперли спасит sos сос пистолет ружь стреля душат задуш утащ затолк запихн
кушанд мекушанд мекушад кушад кушт куштан куштанд мезананд мезанад заданд латукӯб латукуб
рабуд таҷовуз тачовуз наҷот начот
kill killing beat beating beaten kidnap kidnapped abduct rape raped locked trapped gun stab hostage
rescue
"""
_WEAK = """
угрож угрожа грозят держат выпуска выпускают отпуска страшно боюсь опасно бьют бежать сбежать помощь срочно
таҳдид тахдид метарсам тарсам хатар ҳабс хабс бастанд баста намемонанд намегузоранд қулф кулф гурехт гурезам
ёрӣ ёри yordam kumak кумак madad мадад помогите помогит халос дуздиданд дуздидан зад= намегузор
увезли увезти везут закрыли неизвестн преслед гонятся следит таъқиб такиб пайи
зӯр= зур= насильно силой кровь кровью кровь= хун= blood bleeding кричит кричал кричала фарёд
follow following chasing stalking
threat threaten threatened scared afraid danger escape hit= hurt help= urgent= emergency held= hold= lock=
knife knives
"""
_NOW = """
сейчас щас прямо срочно немедленно сегодня быстрее ҳозир хозир ҳоло холо алҳол алхол имрӯз имруз зуд тез
now right today tonight quickly hurry asap please пожалуйста лутфан lutfan iltimos
"""
_PAST = """
год году года раньше прошлом прошлого когда-то
сол соли солҳо гузашта буд буданд будам будем
year years
"""
# The person is out of danger now: the story is about getting help afterwards, not an emergency.
# Escaping is not on this list: "I escaped but they are looking for me" is an emergency; the model tells the two apart.
_SAFE = """
безопасности вернулся вернулась вернулись баргашт баргаштам баргашта
safe safely returned
"""
# Plans and hearsay: the person is preparing or asking in general ("before leaving", "I read that...").
_GENERAL = """
отъезд отъездом поездк собираюсь планирую читала читал слышала слышал
рафтан= меравам мерафтам шунидам
flight planning leaving heard read= whether
"""
_HELP_PHRASES = ("help me", "madad kuned")
# Someone cannot be reached: a weak cue that, with a threat or the model leaning, makes an emergency ("my brother
# hasn't answered for 3 days and the employer threatens us"). Written naturally, folded at import.
_UNREACHABLE = ("не отвечает", "не отвечают", "не выходит на связь", "телефон выключен", "телефон отключен",
                "пропал без вести", "ҷавоб намедиҳад", "ҷавоб намедиҳанд", "телефонаш хомӯш", "дастрас нест",
                "hasn't answered", "hasnt answered", "not answering", "phone is off", "phone is switched off",
                "gone missing", "went missing")
# Word pairs that are danger on their own: someone hit me / us, someone is hitting me now.
_STRONG_PHRASES = ("maro zad", "moro zad", "maro mezan", "moro mezan", "menia bil", "menia bi", "menia izbi",
                   "hit me", "beat me", "beats me", "pulled a knife", "with a knife")
_NOW_PHRASES = ("tolko jto", "just now", "hamin hozir", "hamin dam")


# "занг задан" is to phone someone, "гап/ҳарф задан" to talk and "даст задан" to touch: not a beating (touching is
# sexual_exploitation).
_NOT_VIOLENT_BEFORE = frozenset({"zang", "dast", "gap", "harf", "gapi", "gaphoi"})
_YEAR = re.compile(r"^(19|20)[0-9][0-9]$")


def _cue_pattern(words: str) -> re.Pattern[str]:
    """One pattern for a list of cues, folded like the text. A cue of 4+ letters matches as a word's beginning
    ("избил" in "избили"); shorter ones, and those written with a trailing "=", only as a whole word ("help=" is
    not "helpline")."""
    parts = set()
    for word in words.split():
        folded = re.escape(skeleton(word.lower().rstrip("=")))
        parts.add(folded if len(folded) >= 4 and not word.endswith("=") else folded + "$")
    return re.compile("(?:" + "|".join(sorted(parts, key=len, reverse=True)) + ")")


#: Strong cues read in the lowercased word as typed (Cyrillic or Latin), where the skeleton would merge them with
#: harmless words: нож/ножом/ножи (knife), not ночь/ночи/ночью (night); "nozh", not "noch".
#: A knife is a weak cue: kitchens have them too ("нарезать мясо ножом"), so it needs a second cue or the model.
_KNIFE_TYPED = re.compile(r"^(?:нож(?:ом|и|ей|а|у)?|ножик\w*|nozh\w*|корд(?:и|ро)?|kord(?:i|ro)?)$")

_UNREACHABLE_FOLDED = tuple(" ".join(skeleton(w) for w in re.findall(r"[^\W_]+", p.lower().replace("'", "")))
                            for p in _UNREACHABLE)
_STRONG_CUES = _cue_pattern(_STRONG)
_WEAK_CUES = _cue_pattern(_WEAK)
_NOW_CUES = _cue_pattern(_NOW)
_PAST_CUES = _cue_pattern(_PAST)
_SAFE_CUES = _cue_pattern(_SAFE)
_GENERAL_CUES = _cue_pattern(_GENERAL)


def _has_cue(tok: str, cues: re.Pattern[str]) -> bool:
    return cues.match(tok) is not None


@lru_cache(maxsize=65536)
def _classify(tok: str) -> tuple[bool, ...]:
    """(strong, weak, now, past, safe, general) for one word; cached: people reuse the same few hundred words."""
    return (_has_cue(tok, _STRONG_CUES), _has_cue(tok, _WEAK_CUES), _has_cue(tok, _NOW_CUES),
            _has_cue(tok, _PAST_CUES), _has_cue(tok, _SAFE_CUES), _has_cue(tok, _GENERAL_CUES))


@dataclass(frozen=True)
class DangerSignal:
    strong: int
    weak: int
    now: int
    past: int
    safe: int = 0
    general: int = 0

    @property
    def level(self) -> float:
        """0 = no sign of danger; >= 1 = treat as an emergency."""
        score = self.strong * 1.0 + self.weak * 0.4 + (0.3 if self.now and (self.strong or self.weak) else 0.0)
        score -= 0.6 * min(self.past, 2) + 1.0 * min(self.safe, 1) + 0.6 * min(self.general, 1)
        return max(0.0, score)

    @property
    def calm(self) -> bool:
        """The message tells of the past, of being safe now, or of plans and hearsay: danger words in it are not a
        live emergency."""
        return bool(self.past or self.safe or self.general)


def danger_signal(msg: Message) -> DangerSignal:
    """Danger cues in a message."""
    toks = msg.tokens
    counts = [0, 0, 0, 0, 0, 0]
    for prev, tok, typed in zip(("", *toks), toks, msg.originals):
        if prev in _NOT_VIOLENT_BEFORE:
            continue
        if _YEAR.match(tok):  # "in 2022": a story from the past
            counts[3] += 1
            continue
        for i, hit in enumerate(_classify(tok)):
            counts[i] += hit
        if _KNIFE_TYPED.match(typed):
            counts[1] += 1
    joined = msg.folded
    counts[1] += sum(1 for p in _HELP_PHRASES if p in joined)
    counts[1] += any(f" {p} " in f" {joined} " for p in _UNREACHABLE_FOLDED)
    counts[0] += sum(1 for p in _STRONG_PHRASES if f" {p}" in f" {joined}")
    counts[2] += sum(1 for p in _NOW_PHRASES if p in joined)
    return DangerSignal(*counts)
