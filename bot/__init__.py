"""careerbot on Discord: a thin layer of discord.py over ``knowledge`` and ``storage``.

Layout (one extension per feature area, like python-discord/bot):

* ``settings.py``  configuration (pydantic-settings, ``CAREERBOT_*``)
* ``client.py``    the ``commands.Bot`` subclass, intents, the error policy
* ``app.py``       ``run_bot`` / ``sync_commands`` for the command line
* ``replies.py``   answering interactions on time, without pings, apologising on errors
* ``render.py``    embeds and text (pure)
* ``wording.py``   what members read, shared with the console (no discord.py)
* ``terminal.py``  the same replies as terminal text (``ask``, ``chat``)
* ``cooldowns.py`` the per-member question cooldown (pure)
* ``custom_ids.py`` every persistent component's custom id (a contract: never change one)
* ``guilds.py``    cached per-guild settings
* ``exts/``        ask, skills, privacy, moderation, help
"""
