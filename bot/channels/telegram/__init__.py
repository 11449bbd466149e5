"""The Telegram channel (python-telegram-bot v22): a thin adapter between updates and the dialogue core."""
