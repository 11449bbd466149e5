"""The command line, run as a user runs it (a real subprocess, no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot import PROJECT_ROOT


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=full_env, timeout=60)


def test_ask_prints_the_card_with_buttons():
    out = run("ask", "забрали", "паспорт")
    assert out.returncode == 0
    assert "Источник" in out.stdout and "[1]" in out.stdout


def test_topics_json():
    out = run("topics", "--json")
    rows = json.loads(out.stdout)
    assert len(rows) >= 20
    row = next(r for r in rows if r["id"] == "passport_taken")
    assert row["languages"] == ["tg", "ru", "en"] and row["sources"]


def test_check_ok_and_broken(tmp_path: Path):
    assert run("check").returncode == 0
    import shutil
    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "topics" / "health.yaml").write_text("id: health\n", encoding="utf-8")
    out = run("check", env={"CONTENT_DIR": str(tmp_path / "content")})
    assert out.returncode == 1
    assert "topics/health.yaml" in out.stderr and "title" in out.stderr


def test_match_batch_mode_keeps_order_and_survives_bad_lines():
    lines = [json.dumps({"text": t}, ensure_ascii=False) for t in
             ["zabrali pasport", "курс доллара", "маро мезананд ёрӣ диҳед", "", "my salary is not paid"]]
    lines.insert(4, "{not json")
    out = run("match", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["topic"] for r in rows] == ["passport_taken", None, "emergency", None, None, "unpaid_wages"]
    assert [r["lang"] for r in rows][:3] == ["ru", "ru", "tg"]
    assert all(isinstance(r["score"], float) for r in rows)


def test_chat_in_the_terminal():
    out = run("chat", stdin="2\nзабрали паспорт\n/quit\n")
    assert out.returncode == 0
    assert "Выберите язык" in out.stdout or "Choose your language" in out.stdout
    assert "Источник" in out.stdout


def test_no_command_and_no_token_chats():
    out = run(stdin="/quit\n")
    assert out.returncode == 0 and "BOT_TOKEN" in out.stdout


def test_link():
    out = run("link", "passport_taken", "tg", "--bot-username", "SafeRoadBot")
    assert out.stdout.strip() == "https://t.me/SafeRoadBot?start=passport_taken-tg"


def test_run_without_token_explains():
    out = run("run")
    assert out.returncode == 2 and "BOT_TOKEN" in out.stderr
