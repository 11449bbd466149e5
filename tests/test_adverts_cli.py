"""The advert scan from the command line and the terminal chat, run as a user runs them (real subprocesses)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from bot import PROJECT_ROOT
from bot.channels import terminal
from bot.channels.terminal import TerminalChat, render

ADVERT = ("СРОЧНО!!! Работа в Дубае для всех, зарплата 4000$ в месяц, опыт не нужен. За визу 500$ заранее на карту "
          "менеджера. Паспорт отдаёте нам. WhatsApp +971 50 000 11 22")


def run(*args: str, stdin: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=60)


def test_scan_batch_mode_keeps_order_and_survives_bad_lines():
    lines = [json.dumps({"text": ADVERT}, ensure_ascii=False),
             json.dumps({"text": "сколько стоит патент?"}, ensure_ascii=False),
             "",
             "{not json",
             json.dumps({"text": 42}),
             json.dumps(["a list"]),
             json.dumps({"no_text": True}),
             json.dumps({"text": "Склад в Подольске, 3500 в день, жильё. Пишите в личку", "forwarded": True},
                        ensure_ascii=False)]
    out = run("scan", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 7  # one per input; the blank line is not an input
    first = rows[0]
    assert set(first) == {"advert", "flags", "level"}
    assert first["advert"] is True and first["level"] == "high_risk"
    assert {"upfront_fee", "unrealistic_pay", "passport_handover"} <= set(first["flags"])
    for row in rows[1:6]:
        assert row == {"advert": False, "flags": [], "level": None}
    assert rows[6]["advert"] is True and rows[6]["level"] in ("careful", "high_risk", "no_flags_found")


def test_scan_explain_shows_quotes_and_facts():
    out = run("scan", "--explain", stdin=json.dumps({"text": ADVERT}, ensure_ascii=False) + "\n")
    row = json.loads(out.stdout)
    assert "500$" in " ".join(row["quotes"]["upfront_fee"])
    assert row["facts"]["country"] == "ae" and row["facts"]["contacts"] == ["+971 50 000 11 22"]
    assert "company" in row["missing"]


def test_terminal_chat_scans_a_pasted_advert():
    out = run("chat", "--lang", "ru", stdin=ADVERT + "\n/advert\n/quit\n")
    assert out.returncode == 0
    assert "Высокий риск" in out.stdout and "«" in out.stdout
    assert "Деньги до начала работы" in out.stdout and "Паспорт отдаёте чужим" in out.stdout
    assert "Перешлите мне объявление" in out.stdout  # /advert


def test_terminal_reads_a_multi_line_paste_as_one_message(dialogue):
    paste = "Требуются рабочие в Дубай!\nЗарплата 4000$ в месяц\nЗа визу 500$ заранее\nWhatsApp +971 50 000 11 22\n"
    read, write = os.pipe()
    os.write(write, paste.split("\n", 1)[1].encode())
    os.close(write)
    with os.fdopen(read) as rest:
        joined = paste.split("\n", 1)[0] + terminal._pasted_rest(rest)
    assert joined == paste.rstrip("\n")
    reply = TerminalChat(dialogue, "en").handle(joined)
    assert reply.kind == "scan" and "Money before the job" in render(reply)


def test_terminal_without_select_falls_back_to_single_lines():
    assert terminal._pasted_rest(io.StringIO("more\n")) == ""
