"""The printable outreach kit: cards, posters and QR codes that open the bot on a topic (``python -m bot kit``)."""
