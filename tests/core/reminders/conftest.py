"""The fake clock of the reminder tests, shared with the scheduler's rules."""

from tests.bot.reminders.conftest import *  # noqa: F403
