"""End-to-end tests of the bot extensions against the fake Discord."""
