"""End-to-end tests of the community hand-over and the moderators\x27 corpus writer."""
