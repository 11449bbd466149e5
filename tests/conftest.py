"""Shared fixtures: the real content is loaded once per test session (it is read-only)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.content import Content, load_content
from bot.core.dialogue import Dialogue


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def dialogue(content: Content) -> Dialogue:
    return Dialogue(content)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/, for tests that plant a mistake and expect it named."""
    root = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", root)
    return root
