"""What the core answers: channel-neutral text and buttons.

Adapters render these as Telegram inline keyboards or numbered terminal choices; the core never sees either.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """A choice offered to the user; ``action`` is a short machine string the core understands back."""

    label: str
    action: str


@dataclass
class Reply:
    """One answer to the user.

    ``kind`` tells adapters and counters what happened (``topic``, ``emergency``, ``unsure``, ``out_of_scope``, ...)
    without them parsing text; ``topic`` is set when the answer is a topic card; ``destination`` when the user just
    chose a destination country, which the adapter remembers for them as it remembers the language.
    """

    text: str
    lang: str
    kind: str
    buttons: list[list[Button]] = field(default_factory=list)
    topic: str | None = None
    destination: str | None = None

    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]
