"""careerbot on Discord: the only package that imports discord.py, a thin skin over
``careerbot.core`` (what every door does), ``knowledge`` and ``storage``.

Layout (one extension per feature area, like python-discord/bot):

* ``client.py``    the ``commands.Bot`` subclass, intents, the error policy
* ``replies.py``   answering interactions on time, without pings, apologising on errors
* ``render.py``    embeds and text (pure); the words are ``careerbot.core.wording``'s
* ``expiry.py``    interactions too old to answer
* ``modlog.py``    the moderator log channel
* ``custom_ids.py`` every persistent component's custom id (a contract: never change one)
* ``guilds.py``    cached per-guild settings
* ``reminders/``   the reminder and digest messages
* ``exts/``        ask, skills, reminders, privacy, moderation, help

The command line and the process wiring are in ``careerbot.cli``, settings, logs and
services in ``careerbot.runtime``.
"""
