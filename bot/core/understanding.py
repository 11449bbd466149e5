"""Deciding what a message is: an emergency, a topic, an unclear question, or something we do not cover.

The order is fixed on purpose: danger first (a person in trouble must never be told "did you mean"), then the
topic vote, then the thresholds that turn a weak vote into "I'm not sure" buttons or a polite out-of-scope answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot import LANGUAGES
from bot.content import Content
from bot.core.danger import danger_signal
from bot.core.language import Guess, LanguageDetector, has_cyrillic
from bot.core.matcher import NON_TOPIC_PREFIX, Matcher, MatchResult
from bot.core.normalize import has_letters, tokens

EMERGENCY = "emergency"

# Thresholds, tuned on tests/data/eval_queries.jsonl with bench/accuracy.py.
MIN_EVIDENCE = 0.30       # below this, nothing the bot knows was said
CONFIDENT_EVIDENCE = 2.5   # a vote this strong is answered even with a close runner-up
MIN_MARGIN = 0.05          # best vs runner-up (share of best): closer than this, ask "did you mean"
DANGER_LEVEL = 1.0         # danger cues this strong make an emergency on their own
SOME_DANGER = 0.6          # weaker cues ("won't let me", "now") make one when the topic vote also leans to it:
EMERGENCY_SHARE = 0.5      # the emergency topic scores at least this share of the best topic
LANG_CONFIDENCE = 0.25     # below this the user's chosen language is kept


@dataclass(frozen=True)
class Understanding:
    """What the core made of a message; ``kind`` is one of the constants below."""

    kind: str                  # "emergency" | "topic" | "unsure" | "intent" | "out_of_scope" | "empty"
    lang: str
    topic: str | None = None   # set for "emergency" and "topic"
    intent: str | None = None  # set for "intent" (greeting, thanks, ...)
    score: float = 0.0
    candidates: tuple[str, ...] = ()  # for "unsure": the closest topics, best first

    @property
    def answered_topic(self) -> str | None:
        """The topic the bot answers with (a card or the emergency card), or None: what `match` reports."""
        return self.topic if self.kind in ("topic", "emergency") else None


def _phrase_table(content: Content) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for topic in content.topics.values():
        phrases: list[str] = []
        for lang in LANGUAGES:
            phrases.extend(topic.match[lang])
            phrases.append(topic.title[lang])
        table[topic.id] = phrases
    for intent in content.intents.values():
        table[NON_TOPIC_PREFIX + intent.id] = [p for lang in LANGUAGES for p in intent.match[lang]]
    if content.offer_check is not None:
        # "Is this job offer real?" is a red-flags question; its card then offers the job-offer check.
        table["red_flags"].extend(p for lang in LANGUAGES for p in content.offer_check.match[lang])
    return table


def _language_samples(content: Content) -> Mapping[str, list[str]]:
    samples: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for topic in content.topics.values():
        for lang in LANGUAGES:
            samples[lang].extend(topic.match[lang])
            samples[lang].append(topic.title[lang])
            samples[lang].extend(p.text[lang] for p in topic.answer)
    for intent in content.intents.values():
        for lang in LANGUAGES:
            samples[lang].extend(intent.match[lang])
    return samples


class Understander:
    """Built once from the content; :meth:`understand` is then cheap and has no side effects."""

    def __init__(self, content: Content):
        self.content = content
        self.matcher = Matcher(_phrase_table(content))
        self.languages = LanguageDetector(_language_samples(content))
        self.understand("warm-up: салом, привет, hello")  # lazy initialisation happens now, not in a user's chat

    def language(self, text: str, preferred: str | None = None, toks: list[str] | None = None) -> Guess:
        """The language to answer in: the message's own when it is clear, else the user's chosen one.

        A single word ("ok", "паспорт") does not make a Russian speaker an English or Tajik one, so with a chosen
        language one word only switches when its letters cannot be that language (Cyrillic for English, Tajik
        letters for anything but Tajik).
        """
        guess = self.languages.detect(text, default=preferred or "tg", toks=toks)
        if preferred not in LANGUAGES or guess.lang == preferred or guess.tajik_letters:
            return guess
        n_words = len(toks) if toks is not None else len(tokens(text))
        cyrillic_for_english = preferred == "en" and has_cyrillic(text[:200])
        if guess.confidence < LANG_CONFIDENCE or (n_words <= 1 and not cyrillic_for_english):
            return Guess(preferred, guess.confidence, guess.tajik_letters)
        return guess

    def understand(self, text: str, preferred_lang: str | None = None) -> Understanding:
        toks = tokens(text)
        lang = self.language(text, preferred_lang, toks).lang
        if not has_letters(text):
            return Understanding("empty", lang)

        result = self.matcher.match(text, toks=toks)
        danger = danger_signal(text, toks)
        leaning = danger.level >= SOME_DANGER and result.share(EMERGENCY) >= EMERGENCY_SHARE
        if danger.level >= DANGER_LEVEL or ((self._emergency_vote(result) or leaning) and not danger.calm):
            return Understanding("emergency", lang, topic=EMERGENCY, score=max(danger.level, result.evidence))
        if result.best is not None and result.best.label == EMERGENCY:
            # Danger words in a story about the past: answer with the best non-emergency topic.
            result = result.without(EMERGENCY)

        best = result.best
        topics = tuple(c.label for c in result.ranked if not c.label.startswith(NON_TOPIC_PREFIX))[:3]
        if best is None or result.known_words == 0:
            return Understanding("out_of_scope", lang, score=result.evidence)
        if result.evidence < MIN_EVIDENCE and not best.label.startswith(NON_TOPIC_PREFIX):
            # Words from our field but too vague to pick ("документы", "pul"): offer the closest topics.
            return Understanding("unsure", lang, score=best.score, candidates=topics) if topics else \
                Understanding("out_of_scope", lang, score=result.evidence)
        if best.label.startswith(NON_TOPIC_PREFIX):
            intent = best.label[len(NON_TOPIC_PREFIX):]
            if intent == "out_of_scope":
                return Understanding("out_of_scope", lang, score=best.score)
            return Understanding("intent", lang, intent=intent, score=best.score)
        if result.evidence >= CONFIDENT_EVIDENCE or result.margin >= MIN_MARGIN:
            return Understanding("topic", lang, topic=best.label, score=best.score)
        return Understanding("unsure", lang, score=best.score, candidates=topics)

    @staticmethod
    def _emergency_vote(result: MatchResult) -> bool:
        best = result.best
        return best is not None and best.label == EMERGENCY and result.evidence >= MIN_EVIDENCE
