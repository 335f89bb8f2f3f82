"""End-to-end tests of one extension against the fake Discord."""
