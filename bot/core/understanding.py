"""Deciding what a message is: an emergency, a topic, an unclear question, or something we do not cover.

The message is normalised once (:class:`~bot.core.text.Message`); the language detector, the danger cues and the
trained intent model (:mod:`bot.core.intent_model`) all read that one object.

The order is fixed on purpose: danger first (a person in trouble must never be told "did you mean"), and danger is
recall-first: cues alone, the model alone, or weaker cues with the model leaning that way make an emergency, and a
confident topic never overrides them. Then the model's probabilities give three answers: the card when the best
topic is clear, "did you mean" buttons when it is not, and a polite out-of-scope note when nothing we cover fits.
The thresholds are chosen on the tuning set (tests/data/eval_queries.jsonl and holdout_queries.jsonl) with
``bench/tune.py``, never on a test set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bot import LANGUAGES
from bot.content import Content
from bot.core.danger import DangerSignal, danger_signal
from bot.core.intent_model import GREETING, NON_TOPICS, OUT_OF_SCOPE, THANKS, IntentModel, ModelError
from bot.core.language import Guess, LanguageDetector
from bot.core.text import Message
from bot.training_data import model_examples

EMERGENCY = "emergency"
LANG_CONFIDENCE = 0.25     # below this the user's chosen language is kept


@dataclass(frozen=True)
class Thresholds:
    """Where the model's probabilities turn into answers (see the module docstring)."""

    card: float = 0.25            # the best topic's probability needed to answer with its card
    unsure: float = 0.1           # below `card` but at least this: "did you mean" buttons
    candidate: float = 0.05       # a topic offered among "did you mean" needs at least this
    intent: float = 0.35          # greeting / thanks
    danger_level: float = 1.4     # danger cues this strong make an emergency on their own
    some_danger: float = 0.8      # weaker cues make one when the model also leans to it:
    emergency_lean: float = 0.2   # ... the emergency probability at least this
    emergency_model: float = 0.3  # the model alone, with no calming words ("last year", "safe now")
    emergency_sure: float = 0.8   # the model alone, whatever the words: "I escaped but they are looking for me"
    out_of_scope_veto: float = 0.7  # "this heat is killing me", "how to kill time": the model is this sure that the
    #                                  message is out of scope, and not leaning to an emergency at all
    single_word_card: float = 0.8  # one word ("деньги", "pul") is vague: a card only when the model is this sure


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Understanding:
    """What the core made of a message; ``kind`` is one of the constants below."""

    kind: str                  # "emergency" | "topic" | "unsure" | "intent" | "out_of_scope" | "empty"
    lang: str
    topic: str | None = None   # set for "emergency" and "topic"
    intent: str | None = None  # set for "intent" (greeting, thanks)
    score: float = 0.0
    candidates: tuple[str, ...] = ()  # for "unsure": the closest topics, best first

    @property
    def answered_topic(self) -> str | None:
        """The topic the bot answers with (a card or the emergency card), or None: what `match` reports."""
        return self.topic if self.kind in ("topic", "emergency") else None


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


def check_fresh(model: IntentModel, content: Content) -> None:
    """Raise :class:`ModelError` unless ``model`` was trained on exactly the content's examples and settings."""
    model.check_trained_on(model_examples(content), f"{content.root / 'model'} (intent)")
    missing = (set(content.topics) | set(NON_TOPICS)) - set(model.labels)
    if missing:
        raise ModelError(f"the intent model knows no label {', '.join(sorted(missing))}; run `python -m bot train`")


class Understander:
    """Built once from the content and its trained model; :meth:`understand` is then cheap and has no side
    effects. A missing or stale model raises :class:`ModelError` here, never answers silently."""

    def __init__(self, content: Content, model: IntentModel | None = None,
                 thresholds: Thresholds = DEFAULT_THRESHOLDS):
        self.content = content
        self.model = model if model is not None else IntentModel.load(content.root / "model")
        check_fresh(self.model, content)
        self.thresholds = thresholds
        self.languages = LanguageDetector(_language_samples(content))
        labels = self.model.labels
        self._emergency = labels.index(EMERGENCY)
        self._out_of_scope = labels.index(OUT_OF_SCOPE)
        self._topic_mask = np.array([lb in content.topics and lb != EMERGENCY for lb in labels])
        self._labels = np.array(labels, dtype=object)
        self.understand("warm-up: салом, привет, hello")  # lazy initialisation happens now, not in a user's chat

    def language(self, text: str | Message, preferred: str | None = None) -> Guess:
        """The language to answer in: the message's own when it is clear, else the user's chosen one.

        A single word ("ok", "паспорт") does not make a Russian speaker an English or Tajik one, so with a chosen
        language one word only switches when its letters cannot be that language (Cyrillic for English, Tajik
        letters for anything but Tajik).
        """
        msg = text if isinstance(text, Message) else Message.of(text)
        guess = self.languages.detect(msg, default=preferred or "tg")
        if preferred not in LANGUAGES or guess.lang == preferred or guess.tajik_letters:
            return guess
        cyrillic_for_english = preferred == "en" and msg.has_cyrillic
        if guess.confidence < LANG_CONFIDENCE or (len(msg.tokens) <= 1 and not cyrillic_for_english):
            return Guess(preferred, guess.confidence, guess.tajik_letters)
        return guess

    def understand(self, text: str | Message, preferred_lang: str | None = None) -> Understanding:
        msg = text if isinstance(text, Message) else Message.of(text)
        lang = self.language(msg, preferred_lang).lang
        if not msg.has_letters or not msg.tokens:
            return Understanding("empty", lang)
        probs = self.model.predict(msg)
        danger = danger_signal(msg)
        p_emergency = float(probs[self._emergency])
        if self._is_emergency(danger, p_emergency, float(probs[self._out_of_scope])):
            return Understanding("emergency", lang, topic=EMERGENCY, score=max(danger.level, p_emergency))
        return self._decide(probs, lang, single_word=len(msg.tokens) == 1)

    def _is_emergency(self, danger: DangerSignal, p_emergency: float, p_out_of_scope: float = 0.0) -> bool:
        th = self.thresholds
        if p_out_of_scope >= th.out_of_scope_veto and p_emergency < th.emergency_lean:
            return False  # an idiom or a recipe, not a person in danger
        if danger.level >= th.danger_level or p_emergency >= th.emergency_sure:
            return True  # the cues' level already discounts calming words; a sure model is not talked out of it
        if danger.calm:
            return False
        return p_emergency >= th.emergency_model or (danger.level >= th.some_danger
                                                     and p_emergency >= th.emergency_lean)

    def _decide(self, probs: np.ndarray, lang: str, single_word: bool = False) -> Understanding:
        th = self.thresholds
        card = max(th.card, th.single_word_card) if single_word else th.card
        probs = probs.copy()
        probs[self._emergency] = 0.0  # no emergency by now: the danger check above had the final word on it
        best = int(probs.argmax())
        label, p_best = str(self._labels[best]), float(probs[best])
        topic_order = [int(i) for i in np.argsort(-probs) if self._topic_mask[i]]
        top_topic = topic_order[0]
        if label in (GREETING, THANKS) and p_best >= th.intent:
            return Understanding("intent", lang, intent=label, score=p_best)
        if label in self.content.topics and p_best >= card:
            return Understanding("topic", lang, topic=label, score=p_best)
        if label != OUT_OF_SCOPE and probs[top_topic] >= th.unsure:
            likely = [i for i in topic_order[:3] if probs[i] >= th.candidate]
            candidates = tuple(str(self._labels[i]) for i in (likely if len(likely) >= 2 else topic_order[:2]))
            return Understanding("unsure", lang, score=float(probs[top_topic]), candidates=candidates)
        return Understanding("out_of_scope", lang, score=float(probs[best]))

    def ranked_topics(self, text: str, limit: int = 5) -> list[str]:
        """Topics best first by the model (inline search offers these)."""
        probs = self.model.predict(Message.of(text))
        return [str(self._labels[i]) for i in np.argsort(-probs) if self._labels[i] in self.content.topics][:limit]
