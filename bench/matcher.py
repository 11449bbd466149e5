"""The word-vote matcher that answered before the intent model (bench/word_vote.py compares against it).

Each topic (and each non-topic intent such as greetings or out-of-scope questions) is described by the phrases in
its content file. A message is folded to the matching skeleton (see :mod:`bot.core.normalize`), every word is
resolved to the known vocabulary (exactly, by its stem, or with rapidfuzz when misspelt), and each known word votes
for the topics whose phrases use it, weighted by how specific it is to them. The vote gives the ranking and an
evidence score; for short messages a rapidfuzz comparison against whole phrases refines the ranking among the
leaders, which is what catches single mistyped words. All of this is plain Python and rapidfuzz, built once at
start-up, so a message costs well under a millisecond.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.normalize import tokens

STEM_LEN = 5
#: Intent ids that are not guidance topics. Matching one of them means "do not answer with a topic".
NON_TOPIC_PREFIX = "_"


#: rapidfuzz ratio a misspelt word needs to count as a known word (short words must be closer).
FUZZY_CUTOFF_SHORT = 82
FUZZY_CUTOFF_LONG = 78
#: At most this many rapidfuzz searches for unseen words per message (bounds the cost of a long story).
MAX_SEARCHES = 12
#: How much a known word pair ("zabrali pasport") counts next to a single word.
PAIR_WEIGHT = 0.5


def stem(token: str) -> str:
    return token[:STEM_LEN]


def pair_features(stems: list[str]) -> list[str]:
    """Neighbouring word pairs, also across one word in between ("держит мой паспорт"), as features."""
    pairs = [f"^{a}|{b}" for a, b in zip(stems, stems[1:])]
    pairs += [f"^{a}|{b}" for a, b in zip(stems, stems[2:])]
    return pairs


@dataclass(frozen=True)
class Candidate:
    label: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """Ranked candidates with the evidence behind the best one.

    ``evidence`` is the summed vote of the best label (0 when nothing known was said); ``margin`` is how far the best
    is ahead of the runner-up, as a share of the best.
    """

    ranked: tuple[Candidate, ...]
    evidence: float
    known_words: int

    @property
    def best(self) -> Candidate | None:
        return self.ranked[0] if self.ranked else None

    def share(self, label: str) -> float:
        """The label's score as a share of the best one (0 when it is not among the ranked)."""
        top = self.ranked[0].score if self.ranked else 0.0
        score = next((c.score for c in self.ranked if c.label == label), 0.0)
        return score / top if top > 0 else 0.0

    def without(self, label: str) -> MatchResult:
        ranked = tuple(c for c in self.ranked if c.label != label)
        return MatchResult(ranked, ranked[0].score if ranked else 0.0, self.known_words)

    @property
    def margin(self) -> float:
        if not self.ranked:
            return 0.0
        if len(self.ranked) == 1:
            return 1.0
        top, second = self.ranked[0].score, self.ranked[1].score
        return (top - second) / top if top > 0 else 0.0


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key, value):
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)


class Matcher:
    """Word-vote matcher over labelled phrases (labels are topic ids, or ``_intent`` ids for non-topics)."""

    def __init__(self, phrases: Mapping[str, Iterable[str]]):
        doc_counts: dict[str, Counter[str]] = {}
        self._phrases: dict[str, list[str]] = {}
        for label, texts in phrases.items():
            counts: Counter[str] = Counter()
            kept = []
            for text in texts:
                toks = tokens(text)
                if not toks:
                    continue
                kept.append(" ".join(toks))
                feats = set(toks) | {"~" + stem(t) for t in toks if len(t) > STEM_LEN}
                feats |= set(pair_features([stem(t) for t in toks]))
                counts.update(feats)
            doc_counts[label] = counts
            self._phrases[label] = kept
        self._weights = self._build_weights(doc_counts)
        self._vocab = sorted(k for k in self._weights if k[0] not in "~^")
        self._stems = {k for k in self._weights if k.startswith("~")}
        self._near_length = self._length_buckets(self._vocab)
        self._cache: _LRU = _LRU(50_000)

    @staticmethod
    def _build_weights(doc_counts: Mapping[str, Counter[str]]) -> dict[str, dict[str, float]]:
        """weight(feature, label) = share of the feature's use that falls on the label x how specific it is."""
        n_labels = len(doc_counts)
        phrase_totals = {label: max(1, counts.total()) for label, counts in doc_counts.items()}
        by_feature: dict[str, dict[str, float]] = defaultdict(dict)
        for label, counts in doc_counts.items():
            for feat, c in counts.items():
                # Relative frequency within the label, so labels with more phrases do not win by volume.
                by_feature[feat][label] = c / phrase_totals[label] * 1000.0
        weights: dict[str, dict[str, float]] = {}
        log_n = math.log(n_labels) if n_labels > 1 else 1.0
        for feat, dist in by_feature.items():
            total = sum(dist.values())
            probs = {label: v / total for label, v in dist.items()}
            entropy = -sum(p * math.log(p) for p in probs.values() if p > 0)
            specificity = 1.0 - entropy / log_n
            raw_count = sum(dist.values())
            support = min(1.0, math.log1p(raw_count) / math.log1p(8.0))
            weights[feat] = {label: p * specificity * support for label, p in probs.items()}
        return weights

    @staticmethod
    def _length_buckets(vocab: list[str]) -> dict[int, list[str]]:
        """For each word length, the vocabulary words long or short enough to reach the fuzzy cutoff at all
        (ratio = 2*common/(len_a+len_b), so lengths must be within a factor of ~0.64): a misspelt word is then
        compared with a fifth of the vocabulary instead of all of it, and the answer is the same."""
        lowest = FUZZY_CUTOFF_LONG / (200 - FUZZY_CUTOFF_LONG)
        longest = max((len(w) for w in vocab), default=0)
        return {n: [w for w in vocab if lowest * n <= len(w) <= n / lowest] for n in range(4, longest + 8)}

    def _resolve(self, tok: str, fuzzy: bool = True) -> tuple[list[tuple[str, float]], str]:
        """Known features for one word, each with how sure the resolution is (1.0 exact), and the stem it stands
        for in word pairs (the corrected word's stem when rapidfuzz fixed a typo). ``fuzzy=False`` skips the
        rapidfuzz search (and does not cache the empty answer, so a later message may still search)."""
        cached = self._cache.get(tok)
        if cached is not None:
            return cached
        canon = stem(tok)
        feats: list[tuple[str, float]] = []
        if tok in self._weights:
            feats.append((tok, 1.0))
        st = "~" + stem(tok)
        if len(tok) > STEM_LEN and st in self._stems:
            feats.append((st, 0.8 if feats else 0.9))
        if not feats and not fuzzy:
            return feats, canon
        if not feats and len(tok) >= 4 and not tok.isdigit():
            cutoff = FUZZY_CUTOFF_SHORT if len(tok) < 7 else FUZZY_CUTOFF_LONG
            candidates = self._near_length.get(len(tok), self._vocab)
            hit = process.extractOne(tok, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
            if hit is not None:
                canon = stem(hit[0])
                feats.append((hit[0], (hit[1] / 100.0) ** 2))
                hit_stem = "~" + stem(hit[0])
                if len(hit[0]) > STEM_LEN and hit_stem in self._stems and hit_stem != st:
                    feats.append((hit_stem, 0.6 * (hit[1] / 100.0) ** 2))
        result = (feats, canon)
        self._cache.put(tok, result)
        return result

    def match(self, text: str, limit: int = 5, toks: list[str] | None = None) -> MatchResult:
        """Rank labels for ``text``; pass ``toks`` when the caller already folded it."""
        toks = tokens(text) if toks is None else toks
        scores: dict[str, float] = defaultdict(float)
        known = 0
        seen: set[str] = set()
        canons: list[str] = []
        # Unknown words cost a rapidfuzz search each; a long story full of names must not cost dozens. The
        # longest unknown words (the most telling) get the searches.
        searchable = sorted({t for t in toks if t not in self._cache}, key=len, reverse=True)[:MAX_SEARCHES]
        for tok in toks:
            resolved, canon = self._resolve(tok, fuzzy=tok in searchable)
            canons.append(canon)
            if tok in seen:
                continue
            seen.add(tok)
            if resolved:
                known += 1
            for feat, quality in resolved:
                for label, w in self._weights[feat].items():
                    scores[label] += w * quality
        for pair in set(pair_features(canons)):
            for label, w in self._weights.get(pair, {}).items():
                scores[label] += w * PAIR_WEIGHT
        if toks and len(toks) <= 4 and scores:
            self._phrase_bonus(" ".join(toks), scores)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:limit]
        cands = tuple(Candidate(label, score) for label, score in ranked)
        return MatchResult(cands, cands[0].score if cands else 0.0, known)

    def _phrase_bonus(self, query: str, scores: dict[str, float]) -> None:
        """Short messages: reward the leaders whose phrases look like the whole message (typos, word order)."""
        leaders = sorted(scores, key=scores.get, reverse=True)[:4]
        for label in leaders:
            hit = process.extractOne(query, self._phrases[label], scorer=fuzz.ratio, score_cutoff=70)
            if hit is not None:
                scores[label] += (hit[1] - 70) / 30.0 * 0.5
