"""Spotting a person in immediate danger, before anything else is decided.

A missed emergency is the worst mistake the bot can make, so this check runs first and leans towards caution: a
message that carries a danger cue (beaten, locked in, kidnapped, "help me", "they will kill me") is an emergency
unless the rest of the message clearly tells a past story or a general question ("last year", "how do I know").
The cues are word stems in the matching skeleton, so they hold for Tajik with or without its letters, for Latin
spellings, and for Russian.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.normalize import skeleton, tokens

# Cue stems (written naturally, folded at import). A token matches a cue when it starts with the cue's skeleton.
# Strong cues alone make an emergency; weak ones need a second cue or a "now" word.
_STRONG = """
убь убив убит убет убют убьют убей убило бьют избил избив избиваю бьет бьёт изнасил насилу похит похищ запер заперт
заперли закрыли спасит помогите помогит sos сос нож пистолет ружь стреля душат задуш утащ
кушанд мекушанд мекушад кушад кушт куштан куштанд мезананд мезанад заданд задан зад латукӯб латукуб
дуздид дуздиданд рабуд таҷовуз тачовуз наҷот начот халос ёрӣдиҳед
kill killing beat beating beaten kidnap kidnapped abduct rape raped locked trapped gun knife stab hostage
rescue
"""
_WEAK = """
угрож угрожа грозят держат выпуска выпускают отпуска страшно боюсь опасно бьют бежать сбежать помощь срочно
таҳдид тахдид метарсам тарсам хатар ҳабс хабс бастанд баста намемонанд намегузоранд қулф кулф гурехт гурезам
ёрӣ ёри yordam kumak кумак madad мадад
threat threaten threatened scared afraid danger escape hit hurt help urgent emergency held hold lock
"""
_NOW = """
сейчас щас прямо срочно немедленно сегодня ҳозир хозир алҳол алхол имрӯз имруз now right today tonight
please пожалуйста лутфан lutfan iltimos
"""
_PAST_OR_GENERAL = """
год году лет раньше прошлом прошлого был бывает бывают когда-то месяц назад если как узнать
сол пеш соли гузашта гузашта буд мешавад агар чӣтавр чи тавр
year years ago last before used was were if how whether ever
"""
_HELP_PHRASES = ("yori dihed", "eri dihed", "emergency", "help me", "pomogite", "spasite", "madad kuned")


def _stems(words: str) -> tuple[str, ...]:
    return tuple(sorted({skeleton(w.lower()) for w in words.split()}, key=len, reverse=True))


_STRONG_STEMS = _stems(_STRONG)
_WEAK_STEMS = _stems(_WEAK)
_NOW_STEMS = _stems(_NOW)
_PAST_STEMS = _stems(_PAST_OR_GENERAL)


def _hits(toks: list[str], stems: tuple[str, ...], exact_short: bool = True) -> int:
    n = 0
    for tok in toks:
        for st in stems:
            if tok == st or (len(st) >= 4 and tok.startswith(st)):
                n += 1
                break
    return n


@dataclass(frozen=True)
class DangerSignal:
    strong: int
    weak: int
    now: int
    past: int

    @property
    def level(self) -> float:
        """0 = no sign of danger; >= 1 = treat as an emergency."""
        score = self.strong * 1.0 + self.weak * 0.4 + (0.3 if self.now and (self.strong or self.weak) else 0.0)
        if self.past and not self.now:
            score -= 0.6 * min(self.past, 2)
        return max(0.0, score)


def danger_signal(text: str) -> DangerSignal:
    toks = tokens(text)
    joined = " ".join(toks)
    strong = _hits(toks, _STRONG_STEMS) + sum(1 for p in _HELP_PHRASES if p in joined)
    return DangerSignal(strong, _hits(toks, _WEAK_STEMS), _hits(toks, _NOW_STEMS), _hits(toks, _PAST_STEMS))
