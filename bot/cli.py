"""``python -m bot``: the command line.

With no token the bot is still useful: ``chat`` talks in the terminal and ``ask`` answers one question. ``run``
starts the Telegram bot; ``check`` validates content and catalogues; ``match`` and ``scan`` are the batch modes for
evaluation (topics, job adverts).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from bot import LANGUAGES


def _load_dialogue():
    """Content is validated here: a broken file stops the command with the file and field named."""
    from bot.content import ContentError, load_content
    from bot.core.dialogue import Dialogue

    try:
        return Dialogue(load_content())
    except ContentError as exc:
        print("The content has errors; fix them and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.channels.terminal import run_chat

    return run_chat(_load_dialogue(), args.lang)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.channels.terminal import render

    dialogue = _load_dialogue()
    print(render(dialogue.respond(" ".join(args.text), args.lang)))
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from bot.content import ContentError, load_content

    try:
        content = load_content()
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    rows = [{
        "id": t.id,
        "languages": [lg for lg in LANGUAGES if t.title.get(lg)],
        "sources": list(t.sources),
        "reviewed": dict(t.reviewed),
        "title": dict(t.title),
    } for t in content.topics.values()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:<22} {','.join(row['languages']):<10} {', '.join(row['sources'])}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.content import ContentError, load_content
    from bot.i18n import check_catalogues

    problems: list[str] = []
    content = None
    try:
        content = load_content()
    except ContentError as exc:
        problems.extend(str(p) for p in exc.problems)
    problems.extend(check_catalogues())
    if problems:
        print(f"{len(problems)} problem(s) found:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    assert content is not None
    n_lines = sum(len(c.lines) for c in content.countries)
    n_questions = len(content.offer_check.questions) if content.offer_check else 0
    n_patterns = content.adverts.patterns if content.adverts else 0
    print(f"OK: {len(content.topics)} topics, {len(content.countries)} countries with {n_lines} phone lines, "
          f"{len(content.intents)} intents, a job-offer check of {n_questions} questions, "
          f"an advert scan of {n_patterns} patterns, catalogues for {', '.join(LANGUAGES)}.")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """Batch mode: JSON lines in, one JSON line out per input, in order; bad lines never stop the run."""
    from bot.content import load_content
    from bot.core.understanding import Understander

    understander = Understander(load_content())
    out = sys.stdout
    for raw in sys.stdin:
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            text = item.get("text", "") if isinstance(item, dict) else str(item)
            if not isinstance(text, str):
                text = str(text)
        except json.JSONDecodeError:
            text = raw
        u = understander.understand(text, args.lang)
        out.write(json.dumps({"topic": u.answered_topic, "lang": u.lang, "score": round(float(u.score), 4)},
                             ensure_ascii=False) + "\n")
    out.flush()
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    """Batch advert scan: JSON lines ``{"text": ...}`` in (``"forwarded": true`` optional), one line out per input,
    in order. A line that is not JSON is scanned as plain text; no line stops the run."""
    from bot.content import ContentError, load_content
    from bot.core.adverts import Scanner

    try:
        scanner = Scanner(load_content().adverts)
    except ContentError as exc:
        print("The content has errors; fix them and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    out = sys.stdout
    for raw in sys.stdin:
        if not raw.strip():
            continue
        forwarded = False
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            item = raw.rstrip("\n")
        if isinstance(item, dict):
            text, forwarded = item.get("text", ""), item.get("forwarded") is True
        else:
            text = item
        scan = scanner.scan(text if isinstance(text, str) else json.dumps(text, ensure_ascii=False), forwarded)
        row: dict = {"advert": scan.advert, "flags": list(scan.flags), "level": scan.level}
        if args.explain:
            row.update(score=scan.score, quotes={f.flag: list(f.quotes) for f in scan.findings},
                       facts={k: v for k, v in vars(scan.facts).items() if v}, missing=list(scan.missing))
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from bot.core.deeplink import link
    from bot.settings import bot_username_from_env

    username = args.bot_username or bot_username_from_env()
    if not username:
        print("Give the bot's username: --bot-username NAME (or set BOT_USERNAME).", file=sys.stderr)
        return 2
    content = _load_dialogue().content
    if args.topic not in content.topics and args.topic not in ("check",):
        print(f"Unknown topic {args.topic!r}. Topics: {', '.join(content.topics)}", file=sys.stderr)
        return 2
    print(link(username, args.topic, args.lang))
    return 0


def cmd_hotlines(args: argparse.Namespace) -> int:
    from bot.content import stale_lines

    content = _load_dialogue().content
    stale = list(stale_lines(content, args.stale_days))
    for country in content.countries:
        for line in country.lines:
            mark = " (RE-CHECK)" if (country, line) in stale else ""
            print(f"{country.id}  {line.number:<20} {line.kind:<10} checked {line.checked}{mark}  {line.name['en']}"
                  f"  [{line.source}]")
    print(f"\n{len(stale)} line(s) not checked in the last {args.stale_days} days.")
    return 1 if stale and args.fail_on_stale else 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.channels.telegram.app import run_from_env

    return run_from_env()


def cmd_kit(args: argparse.Namespace) -> int:
    from bot.kit.build import main as kit_main

    return kit_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Safe Road: safe labour migration bot.")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("chat", help="talk to the bot in the terminal")
    p.add_argument("--lang", choices=LANGUAGES)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("ask", help="print one reply")
    p.add_argument("--lang", choices=LANGUAGES)
    p.add_argument("text", nargs="+")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("topics", help="list the topics")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("check", help="validate content and catalogues")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("match", help="batch mode: JSON lines {\"text\": ...} on stdin")
    p.add_argument("--lang", choices=LANGUAGES, help="the user's chosen language, when the text is unclear")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("scan", help="batch advert scan: JSON lines {\"text\": ...} on stdin")
    p.add_argument("--explain", action="store_true", help="also print the score, quotes, facts and missing facts")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("link", help="print the t.me deep link for a topic")
    p.add_argument("topic")
    p.add_argument("lang", nargs="?", choices=LANGUAGES)
    p.add_argument("--bot-username")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("hotlines", help="list phone numbers and those due for re-checking")
    p.add_argument("--stale-days", type=int, default=180)
    p.add_argument("--fail-on-stale", action="store_true")
    p.set_defaults(func=cmd_hotlines)

    p = sub.add_parser("run", help="run the Telegram bot (needs BOT_TOKEN)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("kit", help="build the printable outreach kit")
    p.add_argument("--bot-username")
    p.add_argument("--out", default="kit-out")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no Chromium needed)")
    p.set_defaults(func=cmd_kit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # No command: run the Telegram bot when there is a token; without one, chat in the terminal.
        if os.environ.get("BOT_TOKEN", "").strip():
            args = parser.parse_args(["run"])
        else:
            print("No BOT_TOKEN set: chatting in the terminal (python -m bot --help lists all commands).\n")
            args = parser.parse_args(["chat"])
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
