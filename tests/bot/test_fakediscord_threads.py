"""The fake Discord's threads behave as Discord's do, for discord.py's own calls."""

from __future__ import annotations

import discord

from tests.fakediscord import BotRunner, FakeDiscord, FakeThread, threads_in


class Plain(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True))
        self.created: list[discord.Thread] = []

    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.created.append(thread)


async def test_threads_with_and_without_a_starter_message(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    fake = fake_discord
    bot = await bot_runner.start(Plain())
    channel = bot.get_channel(fake.channel.id)
    assert isinstance(channel, discord.TextChannel)

    # Without a type, discord.py asks for a private thread, as Discord defaults to.
    private = await channel.create_thread(name="secret")
    assert private.type is discord.ChannelType.private_thread
    public = await channel.create_thread(
        name="open", type=discord.ChannelType.public_thread, auto_archive_duration=10080
    )
    assert public.type is discord.ChannelType.public_thread and public.parent_id == channel.id
    sent = await public.send("hello in the thread")
    assert fake.get_message(sent.id)["channel_id"] == str(public.id)

    starter = await channel.send("start one here")
    from_message = await starter.create_thread(name="from a message")
    assert from_message.id == starter.id
    assert fake.get_message(starter.id)["thread"]["id"] == str(starter.id)
    await fake.wait_until(lambda: len(bot.created) == 3 or None, what="three THREAD_CREATEs")
    assert [t.id for t in threads_in(fake, fake.channel)] == [private.id, public.id, starter.id]
    assert all(isinstance(t, FakeThread) for t in threads_in(fake, fake.channel))

    # Discord's refusals: a bad name, a second thread on one message, no permission.
    try:
        await channel.create_thread(name="x" * 101, type=discord.ChannelType.public_thread)
    except discord.HTTPException as exc:
        assert exc.status == 400
    else:
        raise AssertionError("a 101-character name was accepted")
    fake.invalid_requests.clear()
    try:
        await starter.create_thread(name="again")
    except discord.HTTPException as exc:
        assert exc.code == 160004
    else:
        raise AssertionError("a second thread on one message was accepted")
    fake.invalid_requests.clear()  # both 400s were provoked on purpose
    fake.channel.bot_can_send = False
    try:
        await channel.create_thread(name="nope", type=discord.ChannelType.public_thread)
    except discord.Forbidden as exc:
        assert exc.code == 50013
    else:
        raise AssertionError("a thread was created without permission")
