"""The word vote that answered before the intent model, kept to compare against (bench/compare.py).

Words vote for topics by how specific they are (bot/core/matcher.py), and these are its old decision rules: danger
cues first, then thresholds on the vote's evidence and margin.
"""

from __future__ import annotations

from matcher import NON_TOPIC_PREFIX, Matcher

from bot import LANGUAGES
from bot.core.danger import danger_signal
from bot.core.text import Message

MIN_EVIDENCE = 0.30
CONFIDENT_EVIDENCE = 2.5
MIN_MARGIN = 0.05
DANGER_LEVEL = 1.0
SOME_DANGER = 0.6
EMERGENCY_SHARE = 0.5


def phrase_table(content) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for topic in content.topics.values():
        table[topic.id] = [p for lang in LANGUAGES for p in (*topic.match[lang], topic.title[lang])]
    for intent in content.intents.values():
        table[NON_TOPIC_PREFIX + intent.id] = [p for lang in LANGUAGES for p in intent.match[lang]]
    if content.offer_check is not None:
        table["red_flags"].extend(p for lang in LANGUAGES for p in content.offer_check.match[lang])
    return table


class WordVote:
    def __init__(self, content):
        self.matcher = Matcher(phrase_table(content))

    def topic(self, text: str) -> str | None:
        """The topic the old matcher answered with (a card or the emergency card), or None."""
        msg = Message.of(text)
        if not msg.has_letters:
            return None
        result = self.matcher.match(text, toks=list(msg.tokens))
        danger = danger_signal(msg)
        best = result.best
        vote = best is not None and best.label == "emergency" and result.evidence >= MIN_EVIDENCE
        leaning = danger.level >= SOME_DANGER and result.share("emergency") >= EMERGENCY_SHARE
        if danger.level >= DANGER_LEVEL or ((vote or leaning) and not danger.calm):
            return "emergency"
        if best is not None and best.label == "emergency":
            result = result.without("emergency")
            best = result.best
        if best is None or result.known_words == 0 or result.evidence < MIN_EVIDENCE:
            return None
        if best.label.startswith(NON_TOPIC_PREFIX):
            return None
        if result.evidence >= CONFIDENT_EVIDENCE or result.margin >= MIN_MARGIN:
            return best.label
        return None
