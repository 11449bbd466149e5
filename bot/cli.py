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
    """Content is validated here: a broken file stops the command with the file and field named, and a missing or
    stale intent model stops it with the command that fixes it."""
    from bot.content import ContentError, load_content
    from bot.core.dialogue import Dialogue
    from bot.core.intent_model import ModelError

    try:
        return Dialogue(load_content())
    except ContentError as exc:
        print("The content has errors; fix them and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None
    except ModelError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
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
    from bot.glossary import check_glossary
    from bot.i18n import check_catalogues

    problems: list[str] = []
    content = None
    try:
        content = load_content()
    except ContentError as exc:
        problems.extend(str(p) for p in exc.problems)
    problems.extend(check_catalogues())
    model = None
    if content is not None:
        model = _checked_model(content, problems)
        warnings, glossary_problems = check_glossary(content)
        problems.extend(str(p) for p in glossary_problems)
        if warnings:  # words to change, not errors: a variant can be right in a quotation, so check still passes
            print(f"{len(warnings)} glossary warning(s): the bot's own text uses a variant to avoid "
                  "(content/glossary.yaml):")
            for warning in warnings:
                print(f"  {warning}")
    if problems:
        print(f"{len(problems)} problem(s) found:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    assert content is not None
    n_lines = sum(len(c.lines) for c in content.countries)
    n_questions = len(content.offer_check.questions) if content.offer_check else 0
    n_rules = sum(1 for _ in content.rules.all()) if content.rules else 0
    n_dest = len(content.rules.destinations) if content.rules else 0
    home = "".join(f" and {c}" for c in content.rules.home_countries) if content.rules else ""
    n_patterns = content.adverts.patterns if content.adverts else 0
    print(f"OK: {len(content.topics)} topics, {len(content.countries)} countries with {n_lines} phone lines, "
          f"{n_rules} rules for {n_dest} destinations{home}, {len(content.intents)} intents, a job-offer check of "
          f"{n_questions} questions, an advert scan of {n_patterns} patterns, {len(content.training)} training "
          f"messages and an intent model trained on them ({model.meta.get('features')} features), catalogues for "
          f"{', '.join(LANGUAGES)}.")
    return 0


def _checked_model(content, problems: list[str]):
    """The intent model, if it and the advert recogniser exist and were trained on exactly this content with
    today's settings."""
    from bot.core.adverts import load_recogniser
    from bot.core.intent_model import ADVERT, INTENT, IntentModel, ModelError
    from bot.core.understanding import check_fresh
    from bot.training import SETTINGS

    try:
        model = IntentModel.load(content.root / "model")
        check_fresh(model, content)
        recogniser = load_recogniser(content)
    except ModelError as exc:
        problems.append(str(exc))
        return None
    for name, loaded in ((INTENT, model), (ADVERT, recogniser)):
        settings = loaded.meta.get("settings")
        if settings != SETTINGS:
            problems.append(f"{content.root.name}/model/{name}: trained with settings {settings}, but "
                            f"bot/training.py now says {SETTINGS}; run `python -m bot train`")
    return model


def cmd_train(args: argparse.Namespace) -> int:
    """Fit the intent model (content/training and the topics' phrases) and the advert recogniser (the labelled
    adverts and the training messages); write both to content/model/."""
    import time

    from bot.content import ContentError, load_content
    from bot.core.intent_model import ADVERT, INTENT
    from bot.training import train
    from bot.training_data import advert_examples, model_examples

    try:
        content = load_content()
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    folder = content.root / "model"
    for name, examples, made_of in (
            (INTENT, model_examples(content),
             f"{len(content.training)} training messages, the rest the topics' titles and phrases"),
            (ADVERT, advert_examples(content),
             f"{len(content.advert_training)} labelled adverts and non-adverts, the rest training messages")):
        started = time.perf_counter()
        model = train(examples)
        model.save(folder, name)
        print(f"{name}: {len(examples)} examples ({made_of}), {len(model.labels)} labels, "
              f"{model.meta['features']} features, {time.perf_counter() - started:.0f} s.")
    print(f"Wrote {folder}.")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """Batch mode: JSON lines in, one JSON line out per input, in order; bad lines never stop the run."""
    understander = _load_dialogue().understander
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
    scanner = _load_dialogue().adverts.scanner
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
    """Every number with both dates (read in its source; its last test call, or "never called") and what users
    reported over the last days when they called it (from DATA_DIR's anonymous counts)."""
    from pathlib import Path

    from bot.content import stale_lines
    from bot.core.hotline_feedback import FEEDBACK_DAYS, report_note, tallies
    from bot.storage import read_totals

    content = _load_dialogue().content
    stale = list(stale_lines(content, args.stale_days))
    reports = tallies(read_totals(Path(os.environ.get("DATA_DIR", "").strip() or "data"), FEEDBACK_DAYS))
    for country in content.countries:
        for line in country.lines:
            mark = " (RE-CHECK)" if (country, line) in stale else ""
            mark += report_note(reports, country.id, line.number)
            call = line.last_call
            called = f"called {call.date} by {call.by}: {call.result}" if call else "never test-called"
            print(f"{country.id}  {line.number:<20} {line.kind:<10} read {line.read}{mark}; {called}  "
                  f"{line.name['en']}  [{line.source_date}: {line.source}]")
            if line.note:
                print(f"    note: {line.note['en']}")
    print(f"\n{len(stale)} line(s) not read in their source in the last {args.stale_days} days.")
    failing = sum(t.mostly_fails for t in reports.values())
    print(f"Users' reports over {FEEDBACK_DAYS} days (DATA_DIR): {len(reports)} number(s) reported on, {failing} "
          "mostly failing (fewer than half of at least 3 callers reached a person).")
    return 1 if stale and args.fail_on_stale else 0


def cmd_rules(args: argparse.Namespace) -> int:
    """Every country rule with its sources, their dates and the checked date; flags the stale ones."""
    from bot.rules import short_name, stale_rules

    content = _load_dialogue().content
    book = content.rules
    stale = stale_rules(book, args.stale_days)
    for rule in book.all():
        mark = " (RE-CHECK)" if rule in stale else ""
        print(f"{rule.country}  {rule.id:<22} checked {rule.checked}{mark}  cards: {', '.join(rule.topics)}")
        print(f"    {rule.text['en']}")
        for sid in rule.sources:
            src = content.sources[sid]
            print(f"    source {sid} ({src.get('kind')}, {src.get('date')}): {short_name(content.sources, sid)}"
                  f"  {src.get('url')}")
        if rule.conflict:
            print(f"    CONFLICT: {rule.conflict['en']}")
    n = sum(1 for _ in book.all())
    home = "".join(f" and {c}" for c in book.home_countries)
    print(f"\n{n} rules for {len(book.destinations)} destinations{home}; {len(stale)} not checked in the last "
          f"{args.stale_days} days.")
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

    p = sub.add_parser("train", help="train the intent model on content/training (needs scikit-learn)")
    p.set_defaults(func=cmd_train)

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

    p = sub.add_parser("rules", help="list the country rules with their sources, and those due for re-checking")
    p.add_argument("--stale-days", type=int, default=180)
    p.add_argument("--fail-on-stale", action="store_true")
    p.set_defaults(func=cmd_rules)

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
