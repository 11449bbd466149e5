"""Shared fixtures: the real content is loaded once per test session (it is read-only)."""

from __future__ import annotations

import pytest

from bot.content import Content, load_content
from bot.core.dialogue import Dialogue


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def dialogue(content: Content) -> Dialogue:
    return Dialogue(content)
