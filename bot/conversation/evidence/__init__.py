"""Evidence: files the reporter gives, copied into the case thread by the bot."""
