"""The dialogue core: text and language in, reply text and buttons out. Knows nothing of Telegram."""
