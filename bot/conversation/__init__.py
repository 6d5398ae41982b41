"""The case conversation: desk and reporter talk through the bot (issue 12)."""
