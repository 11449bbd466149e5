"""Which language to answer in: Tajik, Russian or English.

Script alone does not tell: Tajik is typed in Cyrillic without its own letters, Russian and Tajik are both typed in
Latin letters, and people mix Tajik and Russian in one sentence. So the decision is a small naive-Bayes model over
the matching skeleton (words and letter trigrams), trained on the same phrases the topic matcher uses plus a seed of
everyday words, with the Tajik letters ғ ӣ қ ӯ ҳ ҷ as strong evidence when present.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot import LANGUAGES
from bot.core.normalize import tokens
from bot.core.text import Message

# Everyday words that tell the languages apart, beyond those in the topic phrases (function words, pronouns,
# verb forms). Written as people type them; they are folded like any other text.
SEED_WORDS: Mapping[str, str] = {
    "tg": (
        "ман ту ӯ мо шумо онҳо вай чӣ чи чаро куҷо кай чанд чӣ хел чи тавр барои бо аз ба дар ки ҳам не нест ҳаст "
        "аст буд шуд кард мекунам мекунанд намекунанд медиҳанд намедиҳанд гирифт гирифтанд рафтам омадам "
        "метавонам мехоҳам лозим кор пул маош модар падар бародар хоҳар духтар писар зан шавҳар ҳуҷҷат шартнома "
        "ёрӣ диҳед кунед гуфт гуфтанд мегӯяд бисёр хуб бад ҳозир баъд пеш дигар ин он ҳамин намедонам "
        "man tu mo shumo chi chiba kujo kay chand baroi ba dar ki ham nest hast ast shud kard mekunam medihand "
        "namedihand giriftand raftam omadam metavonam mekhoham lozim kor pul maosh modar bodar hohar dukhtar "
        "hujjat shartnoma yori dihed kuned guftand hozir namedonam chi kor kunam"
    ),
    "ru": (
        "я ты он она мы вы они меня мне мой моя мои у в на с по за из к от до что как где когда почему зачем "
        "кто сколько это этот не нет да есть был была были можно нужно надо хочу могу помогите скажите "
        "делать сделать работа работаю работать деньги зарплата паспорт документы забрали дали платят "
        "очень уже еще ещё если или и но а же ли бы только все всё мама брат сестра дочь сын муж жена "
        "ya menya mne moi moya chto kak gde kogda pochemu kto eto ne net da est nado mogu pomogite delat "
        "rabota rabotayu dengi zarplata zabrali platyat uzhe esli ili tolko vse"
    ),
    "en": (
        "i you he she we they me my mine your our their what how where when why who which is are was were be "
        "been do does did not no yes have has had can could should would will the a an to of in on at for "
        "with from about and or but if this that there here help please want need work job money pay paid "
        "passport documents took taken boss company agency friend brother sister mother father daughter son "
        "wife husband police embassy call number"
    ),
}


@dataclass(frozen=True)
class Guess:
    lang: str
    confidence: float  # 0..1: how far ahead the best language is
    tajik_letters: bool = False


#: Words looked at to tell the language: more would not change the answer for a story, only its cost.
MAX_WORDS = 30


def _features(toks: Iterable[str]) -> list[str]:
    feats: list[str] = []
    for tok in list(toks)[:MAX_WORDS]:
        feats.append("w:" + tok)
        padded = f"^{tok}$"
        feats.extend("c:" + padded[i:i + 3] for i in range(len(padded) - 2))
    return feats


class LanguageDetector:
    """Naive Bayes over skeleton words and letter trigrams; see the module docstring for why."""

    def __init__(self, samples: Mapping[str, Iterable[str]]):
        self._counts: dict[str, Counter[str]] = {}
        self._totals: dict[str, int] = {}
        vocab: set[str] = set()
        for lang in LANGUAGES:
            counts: Counter[str] = Counter()
            for text in list(samples.get(lang, ())) + [SEED_WORDS[lang]]:
                counts.update(_features(tokens(text)))
            self._counts[lang] = counts
            self._totals[lang] = sum(counts.values())
            vocab.update(counts)
        self._vocab_size = len(vocab) + 1

    def _log_likelihoods(self, feats: list[str]) -> dict[str, float]:
        scores = {}
        for lang in LANGUAGES:
            counts, denom = self._counts[lang], self._totals[lang] + self._vocab_size
            score = 0.0
            for f in feats:
                # Words weigh more than trigrams: one clear word ("намедиҳанд", "please") should decide.
                weight = 3.0 if f.startswith("w:") else 1.0
                score += weight * math.log((counts.get(f, 0) + 0.5) / denom)
            scores[lang] = score
        return scores

    def detect(self, msg: Message, default: str = "tg") -> Guess:
        """Best language for the message; ``confidence`` near 0 means "cannot tell", so the caller keeps its
        default."""
        feats = _features(msg.tokens)
        if not feats:
            return Guess(default, 0.0, msg.tajik_letters)
        if msg.tajik_letters:
            # ғ ӣ қ ӯ ҳ ҷ exist in no Russian or English word: whatever else is mixed in, the writer is Tajik.
            return Guess("tg", 1.0, True)
        scores = self._log_likelihoods(feats)
        if msg.has_cyrillic and not msg.has_latin:
            scores.pop("en")  # Cyrillic letters and no Latin ones: Russian or Tajik, whatever the words
        n_words = max(1, sum(1 for f in feats if f.startswith("w:")))
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        best, second = ranked[0], ranked[1]
        margin = (best[1] - second[1]) / n_words
        confidence = 1.0 - math.exp(-margin / 2.0)
        return Guess(best[0], confidence, False)
