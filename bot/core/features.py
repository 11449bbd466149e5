"""What the intent model sees of a message: hashed words, word pairs and letter n-grams of its skeleton.

The skeleton (see :mod:`bot.core.normalize`) already merges the ways people spell one word: Tajik with or without
its letters, Latin or Cyrillic. Letter n-grams inside each word then carry a misspelt or inflected word
("паспортамро", "pasportam", "паспорта") to the same features, and words and word pairs carry whole-word meaning
("zabrali pasport"). Each feature string is hashed with CRC-32, so the model ships as a sorted array of 32-bit
hashes instead of a dictionary of strings: smaller, faster to load, and the same function serves training and
inference, so the two cannot drift apart.
"""

from __future__ import annotations

from functools import lru_cache
from zlib import crc32

from bot.core.text import Message

#: Bump when the features change: a model trained on other features must not be loaded.
FEATURES_VERSION = 1
NGRAM_SIZES = (2, 3, 4, 5)


def word_features(tok: str) -> list[str]:
    """The features one word brings on its own: the word and its letter n-grams."""
    padded = f" {tok} "
    feats = ["w" + tok]
    for n in NGRAM_SIZES:
        feats.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return feats


def feature_strings(msg: Message) -> list[str]:
    """The feature strings of a message, with repeats (term counts matter)."""
    toks = msg.tokens
    feats = [f for tok in toks for f in word_features(tok)]
    feats.extend(f"b{a}_{b}" for a, b in zip(toks, toks[1:]))
    return feats


@lru_cache(maxsize=65536)
def _word_hashes(tok: str) -> tuple[int, ...]:
    return tuple(crc32(f.encode()) for f in word_features(tok))


def feature_hashes(msg: Message) -> list[int]:
    """:func:`feature_strings` as CRC-32 hashes (per-word hashes are cached: people reuse the same words)."""
    toks = msg.tokens
    hashes = [h for tok in toks for h in _word_hashes(tok)]
    hashes.extend(crc32(f"b{a}_{b}".encode()) for a, b in zip(toks, toks[1:]))
    return hashes
