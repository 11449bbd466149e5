"""The intent model's training data: labelled messages in ``content/training/*.jsonl``.

Each line is one message written the way people type, with its label and how it was written::

    {"text": "...", "topic": "passport_taken", "lang": "tg", "style": "no_diacritics", "emergency": false}
    {"text": "...", "topic": null, "intent": "out_of_scope", "lang": "ru", "style": "near_domain", "emergency": false}

These files are training data only. The evaluation sets in ``tests/data/`` are kept apart: a tuning set the
thresholds are chosen on, and fresh test sets written after the model was frozen (see README).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot import LANGUAGES

if TYPE_CHECKING:
    from bot.content import Content, Problem

TRAINING_DIR = "training"
#: Labelled job adverts and messages that are not adverts, for the advert recogniser: {"text", "advert", ...}.
ADVERTS_DIR = "training/adverts"
INTENTS = ("out_of_scope", "greeting", "thanks")
STYLES = ("clean", "typo", "no_diacritics", "latin", "mixed", "long_story", "voice", "relative", "single_word",
          "scam_described", "near_domain", "indirect")
MAX_TEXT = 2000


@dataclass(frozen=True)
class TrainingRow:
    text: str
    label: str       # a topic id, or one of INTENTS
    lang: str
    style: str
    emergency: bool


def load_training(root: Path, topic_ids: set[str], problems: list[Problem]) -> tuple[TrainingRow, ...]:
    """Every row of ``content/training/*.jsonl``, validated; problems name the file and line."""
    from bot.content import Problem  # noqa: PLC0415 - bot.content imports this module

    rows: list[TrainingRow] = []
    seen: dict[str, str] = {}
    for path in sorted((root / TRAINING_DIR).glob("*.jsonl")):
        name = f"{root.name}/{TRAINING_DIR}/{path.name}"
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"line {n}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(Problem(name, where, f"invalid JSON: {exc.msg}"))
                    continue
                if not isinstance(data, dict):
                    problems.append(Problem(name, where, "expected a JSON object"))
                    continue
                text, topic, intent = data.get("text"), data.get("topic"), data.get("intent")
                errors = []
                if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
                    errors.append(f"text: expected 1-{MAX_TEXT} characters")
                if topic is None and intent not in INTENTS:
                    errors.append(f"intent: with topic null, expected one of {', '.join(INTENTS)}")
                if topic is not None and topic not in topic_ids:
                    errors.append(f"topic: unknown topic id {topic!r}")
                if data.get("lang") not in LANGUAGES:
                    errors.append(f"lang: expected one of {', '.join(LANGUAGES)}")
                if data.get("style") not in STYLES:
                    errors.append(f"style: expected one of {', '.join(STYLES)}")
                if data.get("emergency") is not (topic == "emergency"):
                    errors.append("emergency: true exactly when the topic is emergency")
                if errors:
                    problems.extend(Problem(name, where, e) for e in errors)
                    continue
                key = " ".join(text.lower().split())
                if key in seen:
                    problems.append(Problem(name, where, f"duplicate of {seen[key]}"))
                    continue
                seen[key] = f"{name} {where}"
                rows.append(TrainingRow(text.strip(), topic or intent, data["lang"], data["style"],
                                        bool(data["emergency"])))
    return tuple(rows)


@dataclass(frozen=True)
class AdvertRow:
    text: str
    advert: bool


def load_advert_training(root: Path, problems: list[Problem]) -> tuple[AdvertRow, ...]:
    """Every row of ``content/training/adverts/*.jsonl`` (only ``text`` and ``advert`` are read: the flags and
    levels beside them tune the scan's rules, see bench/adverts.py)."""
    from bot.content import Problem  # noqa: PLC0415 - bot.content imports this module

    rows: list[AdvertRow] = []
    for path in sorted((root / ADVERTS_DIR).glob("*.jsonl")):
        name = f"{root.name}/{ADVERTS_DIR}/{path.name}"
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(Problem(name, f"line {n}", f"invalid JSON: {exc.msg}"))
                    continue
                text = data.get("text") if isinstance(data, dict) else None
                if not isinstance(text, str) or not text.strip() or not isinstance(data.get("advert"), bool):
                    problems.append(Problem(name, f"line {n}", "expected a non-empty text and advert: true|false"))
                    continue
                rows.append(AdvertRow(text, data["advert"]))
    return tuple(rows)


def advert_examples(content: Content) -> list:
    """What the advert recogniser learns from: the labelled adverts and non-adverts, then every topic training
    message as a non-advert (questions, stories and described offers are not adverts)."""
    from bot.core.intent_model import ADVERT, NOT_ADVERT, Example  # noqa: PLC0415

    examples = [Example(row.text, ADVERT if row.advert else NOT_ADVERT) for row in content.advert_training]
    examples.extend(Example(row.text, NOT_ADVERT) for row in content.training)
    return examples


def model_examples(content: Content) -> list:
    """Everything the intent model learns from, in a fixed order: the training rows, then each topic's title and
    ``match`` phrases, the intents' phrases, and the job-offer check's phrases (those are red-flag questions)."""
    from bot.core.intent_model import Example  # noqa: PLC0415 - keeps this module free of numpy for `check`

    examples = [Example(row.text, row.label) for row in content.training]
    for topic in content.topics.values():
        for lang in LANGUAGES:
            examples.append(Example(topic.title[lang], topic.id))
            examples.extend(Example(p, topic.id) for p in topic.match[lang])
    for intent in content.intents.values():
        examples.extend(Example(p, intent.id) for lang in LANGUAGES for p in intent.match[lang])
    if content.offer_check is not None:
        examples.extend(Example(p, "red_flags") for lang in LANGUAGES for p in content.offer_check.match[lang])
    return examples
