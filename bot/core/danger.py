"""Spotting a person in immediate danger, before anything else is decided.

A missed emergency is the worst mistake the bot can make, so this check runs first and leans towards caution: a
message that carries a danger cue (beaten, locked in, kidnapped, "they will kill me") is an emergency unless the
rest of the message clearly tells a past story ("last year", "two years ago") or that the person is safe now.
The cues are word stems in the matching skeleton, so they hold for Tajik with or without its letters, for Latin
spellings, and for Russian.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.core.normalize import skeleton, tokens

# Cue stems (written naturally, folded at import). A token matches a cue when it starts with the cue's skeleton.
# Strong cues alone make an emergency; weak ones need a second cue or a "now" word.
_STRONG = """
убь убив убит убет убют убьют убей убило бьют избил избив избиваю бьет бьёт изнасил насилу похит похищ запер заперт
заперли закрыли спасит sos сос нож пистолет ружь стреля душат задуш утащ
кушанд мекушанд мекушад кушад кушт куштан куштанд мезананд мезанад заданд латукӯб латукуб
рабуд таҷовуз тачовуз наҷот начот
kill killing beat beating beaten kidnap kidnapped abduct rape raped locked trapped gun knife stab hostage
rescue
"""
_WEAK = """
угрож угрожа грозят держат выпуска выпускают отпуска страшно боюсь опасно бьют бежать сбежать помощь срочно
таҳдид тахдид метарсам тарсам хатар ҳабс хабс бастанд баста намемонанд намегузоранд қулф кулф гурехт гурезам
ёрӣ ёри yordam kumak кумак madad мадад помогите помогит халос дуздиданд зад=
threat threaten threatened scared afraid danger escape hit= hurt help= urgent= emergency held= hold= lock=
"""
_NOW = """
сейчас щас прямо срочно немедленно сегодня ҳозир хозир алҳол алхол имрӯз имруз now right today tonight
please пожалуйста лутфан lutfan iltimos
"""
_PAST = """
год году года лет раньше прошлом прошлого назад когда-то
сол соли солҳо гузашта пеш буд буданд будам будем
year years ago
"""
# The person is out of danger now: the story is about getting help afterwards, not an emergency.
_SAFE = """
безопасности сбежал сбежала сбежали вернулся вернулась вернулись баргашт баргаштам баргашта гурехтам
safe safely escaped returned
"""
_HELP_PHRASES = ("help me", "madad kuned")


def _stems(words: str) -> tuple[str, ...]:
    """Folded cues, longest first; a cue written with a trailing "=" matches the whole word only ("help=" is not
    "helpline")."""
    return tuple(sorted({skeleton(w.lower().rstrip("=")) + ("=" if w.endswith("=") else "") for w in words.split()},
                        key=len, reverse=True))


_STRONG_STEMS = _stems(_STRONG)
_WEAK_STEMS = _stems(_WEAK)
_NOW_STEMS = _stems(_NOW)
_PAST_STEMS = _stems(_PAST)
_SAFE_STEMS = _stems(_SAFE)


def _has_cue(tok: str, stems: tuple[str, ...]) -> bool:
    return any(tok == st.rstrip("=") or (len(st) >= 4 and not st.endswith("=") and tok.startswith(st)) for st in stems)


@lru_cache(maxsize=65536)
def _classify(tok: str) -> tuple[bool, bool, bool, bool, bool]:
    """(strong, weak, now, past, safe) for one word; cached because people reuse the same few hundred words."""
    return (_has_cue(tok, _STRONG_STEMS), _has_cue(tok, _WEAK_STEMS), _has_cue(tok, _NOW_STEMS),
            _has_cue(tok, _PAST_STEMS), _has_cue(tok, _SAFE_STEMS))


@dataclass(frozen=True)
class DangerSignal:
    strong: int
    weak: int
    now: int
    past: int
    safe: int = 0

    @property
    def level(self) -> float:
        """0 = no sign of danger; >= 1 = treat as an emergency."""
        score = self.strong * 1.0 + self.weak * 0.4 + (0.3 if self.now and (self.strong or self.weak) else 0.0)
        score -= 0.6 * min(self.past, 2) + 1.0 * min(self.safe, 1)
        return max(0.0, score)

    @property
    def calm(self) -> bool:
        """The message tells of the past or of being safe now, so danger words in it are not a live emergency."""
        return bool(self.past or self.safe)


def danger_signal(text: str, toks: list[str] | None = None) -> DangerSignal:
    """Danger cues in a message; pass ``toks`` when the caller already folded the text."""
    toks = tokens(text) if toks is None else toks
    counts = [0, 0, 0, 0, 0]
    for prev, tok in zip(["", *toks], toks):
        if prev == "zang":  # "занг задан" is to phone someone, not to hit
            continue
        for i, hit in enumerate(_classify(tok)):
            counts[i] += hit
    joined = " ".join(toks)
    counts[1] += sum(1 for p in _HELP_PHRASES if p in joined)
    return DangerSignal(*counts)
