"""Safe Road: a bot that helps people in Tajikistan prepare for labour migration safely."""

from pathlib import Path

__version__ = "0.1.0"

#: The repository root, where content/ and locales/ live next to the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES: tuple[str, ...] = ("tg", "ru", "en")
