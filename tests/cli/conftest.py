"""The bot tests' fixtures (a fake Discord, a bot runner, a store, the corpus), shared
with the layers under it that moved out of ``bot/``."""

from tests.bot.conftest import *  # noqa: F403
