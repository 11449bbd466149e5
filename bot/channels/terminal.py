"""The command-line channel: the bot in a terminal, for trying it without a Telegram token.

Buttons are shown as numbers; typing a number presses the button, anything else is sent as a message. A pasted
job advert arrives as several lines at once; they are read as one message, so the advert is scanned whole.
"""

from __future__ import annotations

import select
import sys
from collections.abc import Callable
from typing import TextIO

from bot import LANGUAGES
from bot.core.dialogue import Dialogue
from bot.core.reply import Reply


def render(reply: Reply) -> str:
    """A reply as the user would see it: the text, then the buttons numbered."""
    lines = [reply.text]
    buttons = reply.all_buttons()
    if buttons:
        lines.append("")
        lines.extend(f"  [{i}] {b.label}" for i, b in enumerate(buttons, 1))
    return "\n".join(lines)


class TerminalChat:
    """One conversation; keeps only the chosen language and destination, and the buttons on screen, like the Telegram
    chat does (in memory here: nothing is written to disk)."""

    def __init__(self, dialogue: Dialogue, lang: str | None = None):
        self.dialogue = dialogue
        self.lang = lang if lang in LANGUAGES else None
        self.destination: str | None = None
        self.buttons: list = []

    def start(self) -> Reply:
        reply = self.dialogue.welcome(self.lang) if self.lang is None else self.dialogue.menu(self.lang)
        return self._shown(reply)

    def handle(self, line: str) -> Reply | None:
        """One line typed by the user; ``None`` means the user asked to quit."""
        text = line.strip()
        lang = self.lang or "tg"
        if text in ("/quit", "/exit"):
            return None
        if text.isdigit() and self.buttons:
            index = int(text) - 1
            if 0 <= index < len(self.buttons):
                action = self.buttons[index].action
                if action.startswith("l:"):
                    self.lang = action[2:]
                return self._shown(self.dialogue.act(action, self.lang or lang, self.destination))
        command = text.split()[0] if text.startswith("/") else ""
        if command == "/start":
            return self._shown(self.dialogue.welcome(self.lang))
        if command == "/menu":
            return self._shown(self.dialogue.menu(lang))
        if command == "/language":
            return self._shown(self.dialogue.language_choice(lang))
        if command == "/hotlines":
            return self._shown(self.dialogue.hotlines(lang))
        if command == "/check":
            return self._shown(self.dialogue.act("check", lang))
        if command == "/forget":
            had = self.destination is not None or self.lang is not None
            self.lang = self.destination = None
            return self._shown(self.dialogue.forgotten(lang, had))
        if command == "/advert":
            return self._shown(self.dialogue.act("ad", lang))
        if command == "/help":
            return self._shown(self.dialogue.help(lang))
        if command == "/about":
            return self._shown(self.dialogue.about(lang))
        reply = self.dialogue.respond(text, self.lang, self.destination)
        return self._shown(reply)

    def _shown(self, reply: Reply) -> Reply:
        if reply.destination:
            self.destination = reply.destination
        self.buttons = reply.all_buttons()
        return reply


def run_chat(dialogue: Dialogue, lang: str | None = None, stdin: TextIO = sys.stdin,
             write: Callable[[str], None] = print) -> int:
    chat = TerminalChat(dialogue, lang)
    write(render(chat.start()))
    interactive = stdin.isatty()
    while True:
        if interactive:
            try:
                line = input("\n> ") + _pasted_rest(stdin)
            except (EOFError, KeyboardInterrupt):
                write("")
                return 0
        else:
            line = stdin.readline()
            if not line:
                return 0
            write(f"\n> {line.rstrip()}")
        reply = chat.handle(line)
        if reply is None:
            return 0
        write("\n" + render(reply))


#: How long to wait for the next line of a paste: lines of one paste arrive together, a person types slower.
PASTE_GAP = 0.05


def _pasted_rest(stdin: TextIO) -> str:
    """The lines of a paste that are already waiting after the first one, joined with new lines ("" if none)."""
    rest = []
    try:
        while select.select([stdin], [], [], PASTE_GAP)[0]:
            line = stdin.readline()
            if not line:
                break
            rest.append(line.rstrip("\n"))
    except (OSError, ValueError):  # no select() on this kind of stdin (Windows console): one line at a time
        pass
    return "".join("\n" + line for line in rest)
