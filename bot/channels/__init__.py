"""Channel adapters: thin layers that carry messages between a channel and the dialogue core."""
