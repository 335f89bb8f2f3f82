"""Smoke tests: the real discord.py client against the fake Discord.

The bots here are small and defined in this file (not careerbot's code): their only job
is to exercise every path careerbot's tests will rely on -- login and READY, command
sync, slash commands with options and subcommands, defer + followup, ephemeral
responses, allowed mentions, persistent views across a restart, selects, autocomplete,
modals, DMs with and without the message content intent, files, permissions, failure
injection, gateway resume and the error net. If discord.py changes what it sends or
expects, these fail first.
"""

from __future__ import annotations

import io
import json
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import (
    BotRunner,
    CommandNotAvailable,
    ErrorCollector,
    FakeDiscord,
    payloads,
)

# --------------------------------------------------------------------- test bots ---


class ChoiceView(discord.ui.View):
    """A persistent view: no timeout and fixed custom_ids, so it survives a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="smoke:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(
            content=f"yes from {interaction.user.id}", view=self
        )

    @discord.ui.button(label="No", custom_id="smoke:no")
    async def no(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"no from {interaction.user.id}", ephemeral=True)

    @discord.ui.select(
        custom_id="smoke:pick",
        options=[discord.SelectOption(label=x.upper(), value=x) for x in ("a", "b", "c")],
        max_values=2,
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}")


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput = discord.ui.TextInput(
        label="Your feedback", custom_id="feedback:text"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks for: {self.text.value}", ephemeral=True)


TOPICS = ["python", "pytorch", "statistics", "linear algebra", "mlops"]


class SmokeBot(commands.Bot):
    """A commands.Bot with an app command tree, as careerbot will have."""

    def __init__(self, *, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents or discord.Intents.default(),
            help_command=None,
        )
        self.ready_calls = 0
        self.seen_messages: list[discord.Message] = []
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_view(ChoiceView())
        await self.tree.sync()

    async def on_ready(self) -> None:
        self.ready_calls += 1

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id == self.user.id:  # Discord echoes the bot's own messages
            return
        self.seen_messages.append(message)
        if message.guild is None:
            await message.channel.send(f"echo: {message.content}")

    def _add_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Echo text back")
        @app_commands.describe(text="What to echo")
        async def echo(interaction: discord.Interaction, text: str, times: int = 1) -> None:
            await interaction.response.send_message(" ".join([text] * times))

        @tree.command(description="Say who and where")
        async def whoami(interaction: discord.Interaction) -> None:
            guild = interaction.guild.id if interaction.guild else None
            channel_type = interaction.channel.type.name if interaction.channel else None
            await interaction.response.send_message(
                f"user={interaction.user.id} guild={guild} channel={interaction.channel_id} "
                f"type={channel_type} member={isinstance(interaction.user, discord.Member)} "
                f"manage_guild={interaction.permissions.manage_guild}"
            )

        @tree.command(description="Think, then answer")
        async def slow(interaction: discord.Interaction, private: bool = False) -> None:
            await interaction.response.defer(ephemeral=private, thinking=True)
            await interaction.followup.send("done thinking")
            await interaction.followup.send("and one more thing")

        @tree.command(description="Secret answer")
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("only you can see this", ephemeral=True)
            await interaction.edit_original_response(content="only you, edited")

        @tree.command(description="Mention a user without pinging")
        async def mention(interaction: discord.Interaction, who: discord.User) -> None:
            await interaction.response.send_message(
                f"hello {who.mention}", allowed_mentions=discord.AllowedMentions.none()
            )
            await interaction.followup.send(
                f"hello again {who.mention}",
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[who]),
            )

        @tree.command(description="Show the buttons")
        async def menu(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pick one", view=ChoiceView())

        @tree.command(description="Pick a topic")
        async def topic(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"topic: {name}")

        @topic.autocomplete("name")
        async def topic_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if current in t][:25]

        @tree.command(description="Export as a file")
        async def export(interaction: discord.Interaction) -> None:
            data = json.dumps({"user": interaction.user.id, "done": ["python"]}).encode()
            await interaction.response.send_message(
                "your export", file=discord.File(io.BytesIO(data), filename="export.json")
            )

        @tree.command(description="Import a file")
        async def load(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(f"{file.filename}: {len(data)} bytes")

        @tree.command(description="Give feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

        @tree.command(description="DM me")
        async def dmme(interaction: discord.Interaction) -> None:
            try:
                await interaction.user.send("here is your reminder", view=ChoiceView())
            except discord.Forbidden as exc:
                await interaction.response.send_message(f"cannot DM you ({exc.code})")
            else:
                await interaction.response.send_message("sent you a DM")

        @tree.command(description="Moderators only")
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.guild_only()
        async def reload(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("reloaded", ephemeral=True)

        @tree.command(description="Always fails")
        async def boom(interaction: discord.Interaction) -> None:
            raise RuntimeError("boom on purpose")

        progress = app_commands.Group(name="progress", description="Your progress")

        @progress.command(name="show", description="Show progress")
        async def progress_show(interaction: discord.Interaction, skill: str) -> None:
            await interaction.response.send_message(f"progress for {skill}")

        tree.add_command(progress)


class DmBot(discord.Client):
    """A plain Client with a CommandTree and no privileged intents: DMs still carry
    content, guild messages do not."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = False
        super().__init__(intents=intents)
        self.tree = app_commands.CommandTree(self)
        self.seen: list[discord.Message] = []

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return
        self.seen.append(message)
        if message.guild is None:
            await message.channel.send(f"you wrote: {message.content}")


# ------------------------------------------------------------------------- tests ---


async def start_smoke(bot_runner: BotRunner, **kwargs: Any) -> SmokeBot:
    return await bot_runner.start(SmokeBot(**kwargs))


async def test_login_reaches_ready_with_the_guild(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await start_smoke(bot_runner)
    assert bot.ready_calls == 1
    assert bot.user is not None and bot.user.id == fake_discord.bot_user.id
    assert bot.application_id == fake_discord.application_id
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None and guild.name == "ML Careers"
    assert isinstance(guild.get_channel(fake_discord.channel.id), discord.TextChannel)
    assert guild.get_role(fake_discord.moderator_role.id) is not None
    assert guild.me is not None and guild.me.guild_permissions.send_messages
    login = [(r.method, r.path) for r in fake_discord.requests[:2]]
    assert login == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    assert all(r.authorized and "Authorization" not in r.headers for r in fake_discord.requests)
    assert fake_discord.identify_count == 1
    identify = next(f for f in fake_discord.gateway_received if f["op"] == 2)
    assert identify["d"]["token"] == "<present>"  # never the token itself
    assert not fake_discord.requests_matching("GET", "/gateway/bot")


async def test_sync_global_and_guild_commands_land_as_puts(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await start_smoke(bot_runner)
    put = fake_discord.requests_matching("PUT", "/applications/{app}/commands")
    assert len(put) == 1
    names = {c["name"] for c in put[0].json}
    assert {"echo", "menu", "topic", "progress", "reload"} <= names
    echo = next(c for c in put[0].json if c["name"] == "echo")
    assert [(o["name"], o["type"], o["required"]) for o in echo["options"]] == [
        ("text", 3, True),
        ("times", 4, False),
    ]
    reload = next(c for c in put[0].json if c["name"] == "reload")
    assert reload["default_member_permissions"] == payloads.MANAGE_GUILD  # an int, not a str
    stored = fake_discord.find_command("reload")
    assert stored is not None and stored["default_member_permissions"] == "32"

    @app_commands.command(description="Guild only command")
    async def local(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("local")

    guild = discord.Object(id=fake_discord.guild.id)
    bot.tree.add_command(local, guild=guild)
    synced = await bot.tree.sync(guild=guild)
    request = await fake_discord.wait_for_request(
        "PUT", f"/applications/{fake_discord.application_id}/guilds/{guild.id}/commands"
    )
    assert [c["name"] for c in request.json] == ["local"]
    assert [c.id for c in synced] == [int(c["id"]) for c in request.response]
    assert fake_discord.registered_commands(fake_discord.guild)[0]["guild_id"] == str(guild.id)
    ix = await fake_discord.send_slash_command("local")
    assert ix.payload["data"]["guild_id"] == str(guild.id)  # routes to the guild command
    assert (await ix.wait_for_reply())["content"] == "local"


async def test_slash_command_with_options_answers_with_a_message(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("echo", {"text": "hi", "times": 2})
    response = await ix.wait_for_response()
    assert response["type"] == payloads.CHANNEL_MESSAGE_WITH_SOURCE
    assert response["data"]["content"] == "hi hi"
    assert ix.callback_request is not None and ix.callback_request.query["with_response"] == "1"
    reply = await ix.wait_for_reply()
    assert reply["content"] == "hi hi" and reply["author"]["id"] == str(fake_discord.bot_user.id)
    assert reply["type"] == payloads.MESSAGE_CHAT_INPUT_COMMAND
    assert fake_discord.messages_in(fake_discord.channel)[-1]["id"] == reply["id"]
    with pytest.raises(ValueError, match="missing required"):
        await fake_discord.send_slash_command("echo", {"times": 2})
    with pytest.raises(ValueError, match="no option"):
        await fake_discord.send_slash_command("echo", {"text": "x", "nope": 1})


async def test_interaction_user_guild_and_channel(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("whoami", user=fake_discord.moderator)
    content = (await ix.wait_for_reply())["content"]
    assert content == (
        f"user={fake_discord.moderator.id} guild={fake_discord.guild.id} "
        f"channel={fake_discord.channel.id} type=text member=True manage_guild=True"
    )
    dm = await fake_discord.send_slash_command("whoami", guild=None)
    content = (await dm.wait_for_reply())["content"]
    dm_channel = fake_discord.dm_channel(fake_discord.member)
    assert content == (
        f"user={fake_discord.member.id} guild=None channel={dm_channel.id} "
        "type=private member=False manage_guild=False"
    )


async def test_defer_then_followups(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("slow", {"private": True})
    assert (await ix.wait_for_response()) == {"type": 5, "data": {"flags": 64}}
    first = await ix.wait_for_reply(0)
    second = await ix.wait_for_reply(1)
    # The first followup replaces the "thinking" message; later ones are new messages.
    assert first["id"] == str(ix.original_message_id) and first["content"] == "done thinking"
    assert not int(first["flags"]) & payloads.FLAG_LOADING
    assert int(first["flags"]) & payloads.FLAG_EPHEMERAL
    assert second["content"] == "and one more thing" and second["id"] != first["id"]
    posts = fake_discord.requests_matching("POST", f"/webhooks/{{app}}/{ix.token}")
    assert len(posts) == 2 and all(r.query["wait"] == "1" for r in posts)


async def test_ephemeral_response_has_flag_64_and_can_be_edited(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("secret")
    response = await ix.wait_for_response()
    assert response["data"]["flags"] == 64 and ix.ephemeral
    edit = await fake_discord.wait_for_request(
        "PATCH", "/webhooks/{app}/{token}/messages/@original"
    )
    assert edit.json["content"] == "only you, edited"
    assert ix.original_message is not None
    assert ix.original_message["content"] == "only you, edited"
    assert ix.original_message["flags"] & payloads.FLAG_EPHEMERAL


async def test_allowed_mentions_reach_the_payload(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("mention", {"who": fake_discord.moderator})
    first = await ix.wait_for_reply(0)
    second = await ix.wait_for_reply(1)
    assert ix.response_data["allowed_mentions"] == {"parse": []}
    assert first["mentions"] == []  # mentioned in text, but nobody pinged
    followup = fake_discord.requests_matching("POST", "/webhooks/{app}/{token}")[-1]
    # discord.py sends user ids as ints and adds replied_user (default True).
    assert followup.json["allowed_mentions"] == {
        "parse": [],
        "users": [fake_discord.moderator.id],
        "replied_user": True,
    }
    assert [u["id"] for u in second["mentions"]] == [str(fake_discord.moderator.id)]


async def test_persistent_view_click_and_restart(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("menu")
    menu = await ix.wait_for_reply()
    # The callback response carries the message, so discord.py binds the view to it.
    assert ix.callback_request is not None
    assert ix.callback_request.response["resource"]["message"]["id"] == menu["id"]
    assert [c["custom_id"] for c in menu["components"][0]["components"]] == [
        "smoke:yes",
        "smoke:no",
    ]

    click = await fake_discord.click_button(menu, "smoke:yes", user=fake_discord.moderator)
    assert (await click.wait_for_response())["type"] == payloads.UPDATE_MESSAGE
    updated = await click.wait_for_reply()
    assert updated["id"] == menu["id"]
    assert updated["content"] == f"yes from {fake_discord.moderator.id}"

    # A new process: new client object, same fake; the view is re-registered by add_view.
    await bot_runner.stop(bot)
    await start_smoke(bot_runner)
    assert fake_discord.identify_count == 2
    click = await fake_discord.click_button(menu, "smoke:no")
    response = await click.wait_for_response()
    assert response["type"] == payloads.CHANNEL_MESSAGE_WITH_SOURCE
    assert response["data"]["content"] == f"no from {fake_discord.member.id}"
    assert response["data"]["flags"] == 64

    pick = await fake_discord.select(menu, "smoke:pick", ["a", "c"])
    assert (await pick.wait_for_reply())["content"] == "picked a,c"
    with pytest.raises(ValueError, match="not an option"):
        await fake_discord.select(menu, "smoke:pick", ["z"])
    with pytest.raises(LookupError):
        await fake_discord.click_button(menu, "smoke:missing")


async def test_autocomplete_returns_choices(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    choices = await fake_discord.autocomplete("topic", "name", "py")
    assert choices == [
        {"name": "python", "value": "python"},
        {"name": "pytorch", "value": "pytorch"},
    ]
    request = fake_discord.requests_matching("POST", "/interactions/{id}/{token}/callback")[-1]
    assert request.json["type"] == payloads.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT


async def test_dm_reaches_on_message_and_reply_posts_to_dm_channel(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await bot_runner.start(DmBot())
    assert not bot.intents.message_content
    sent = await fake_discord.send_dm(fake_discord.member, "hello bot")
    dm = fake_discord.dm_channel(fake_discord.member)
    reply = await fake_discord.wait_for_bot_message(dm)
    assert reply["content"] == "you wrote: hello bot"
    request = fake_discord.requests_matching("POST", f"/channels/{dm.id}/messages")[0]
    assert request.json["content"] == "you wrote: hello bot"
    assert len(bot.seen) == 1 and bot.seen[0].id == int(sent["id"])
    assert isinstance(bot.seen[0].channel, discord.DMChannel) and bot.seen[0].guild is None

    # Guild messages lose their content without the intent, unless they mention the bot.
    await fake_discord.send_message(fake_discord.member, "no content for you")
    await fake_discord.send_message(fake_discord.member, f"{fake_discord.bot_user.mention} hi")
    await fake_discord.wait_until(lambda: len(bot.seen) == 3 or None, what="guild messages")
    assert bot.seen[1].content == "" and bot.seen[2].content.endswith(" hi")


async def test_message_content_intent_is_privileged(fake_discord: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    fake_discord.allowed_privileged_intents = 0
    client = discord.Client(intents=intents)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await client.start(fake_discord.token)
    await client.close()


async def test_file_response_and_attachment_option(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("export")
    reply = await ix.wait_for_reply()
    request = ix.callback_request
    assert request is not None and request.multipart
    assert request.json["data"]["content"] == "your export"
    assert request.json["data"]["attachments"] == [{"id": 0, "filename": "export.json"}]
    [upload] = request.files
    assert upload.filename == "export.json" and upload.field_name == "files[0]"
    assert upload.json() == {"user": fake_discord.member.id, "done": ["python"]}
    [attachment] = reply["attachments"]
    assert attachment["filename"] == "export.json" and attachment["size"] == len(upload.data)
    async with aiohttp.ClientSession() as session, session.get(attachment["url"]) as resp:
        assert await resp.read() == upload.data

    upload_by_user = fake_discord.make_attachment("notes.txt", b"hello world")
    ix = await fake_discord.send_slash_command("load", {"file": upload_by_user})
    assert (await ix.wait_for_reply())["content"] == "notes.txt: 11 bytes"


async def test_modal_submit(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    await start_smoke(bot_runner)
    opened = await fake_discord.send_slash_command("feedback")
    modal = await opened.wait_for_modal()
    assert modal["title"] == "Feedback"
    submitted = await fake_discord.submit_modal(opened, {"feedback:text": "great bot"})
    assert (await submitted.wait_for_reply())["content"] == "thanks for: great bot"


async def test_subcommand_path(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    await start_smoke(bot_runner)
    reply = await fake_discord.command_reply("progress show", {"skill": "python"})
    assert reply["content"] == "progress for python"
    with pytest.raises(ValueError, match="needs a subcommand"):
        await fake_discord.send_slash_command("progress")


async def test_moderator_only_command(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    await start_smoke(bot_runner)
    with pytest.raises(CommandNotAvailable):
        await fake_discord.send_slash_command("reload", user=fake_discord.member)
    with pytest.raises(CommandNotAvailable):
        await fake_discord.send_slash_command("reload", user=fake_discord.moderator, guild=None)
    ix = await fake_discord.send_slash_command("reload", user=fake_discord.moderator)
    assert (await ix.wait_for_reply())["content"] == "reloaded"


async def test_blocked_dm_deleted_channel_and_rate_limit(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await start_smoke(bot_runner)
    ix = await fake_discord.send_slash_command("dmme")
    assert (await ix.wait_for_reply())["content"] == "sent you a DM"
    dm = await fake_discord.wait_for_dm(fake_discord.member)
    assert dm["content"] == "here is your reminder"
    assert [m["id"] for m in fake_discord.dms_to(fake_discord.member)] == [dm["id"]]
    # A button on a DM: the click comes from the recipient, without guild_id.
    click = await fake_discord.click_button(dm, "smoke:yes")
    assert "guild_id" not in click.payload and click.user is fake_discord.member
    assert (await click.wait_for_reply())["content"] == f"yes from {fake_discord.member.id}"

    fake_discord.block_dms(fake_discord.member)
    ix = await fake_discord.send_slash_command("dmme")
    assert (await ix.wait_for_reply())["content"] == "cannot DM you (50007)"

    fake_discord.rate_limit("POST", "/channels/{id}/messages", retry_after=0.01)
    channel = bot.get_channel(fake_discord.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("after a rate limit")
    statuses = [r.status for r in fake_discord.requests_matching("POST", "/channels/{id}/messages")]
    assert statuses[-2:] == [429, 200] and message.content == "after a rate limit"

    await fake_discord.delete_channel(fake_discord.channel)
    with pytest.raises(discord.NotFound) as info:
        await channel.send("into the void")
    assert info.value.code == 10003


async def test_gateway_resume_keeps_the_session(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await start_smoke(bot_runner)
    await fake_discord.disconnect_gateway()
    ix = await fake_discord.send_slash_command("echo", {"text": "still here"})
    assert (await ix.wait_for_reply())["content"] == "still here"
    assert fake_discord.resume_count == 1 and fake_discord.identify_count == 1


async def test_command_errors_are_collected(
    fake_discord: FakeDiscord, bot_runner: BotRunner, discord_errors: ErrorCollector
) -> None:
    await start_smoke(bot_runner)
    discord_errors.expect("boom on purpose")
    ix = await fake_discord.send_slash_command("boom")
    await fake_discord.wait_until(lambda: discord_errors.errors or None, what="the error")
    assert ix.callback is None
    [tree_error] = [e for e in discord_errors.errors if e.source == "tree"]
    assert isinstance(tree_error.exc, app_commands.CommandInvokeError)
    assert discord_errors.matching(exc_type=RuntimeError)
    assert not discord_errors.unexpected()


async def test_unknown_routes_and_invalid_payloads_are_recorded(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await start_smoke(bot_runner)
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/voice/regions"))
    assert [r.path for r in fake_discord.unhandled_requests] == ["/voice/regions"]
    channel = bot.get_channel(fake_discord.channel.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.status == 400 and info.value.code == 50035
    assert len(fake_discord.invalid_requests) == 1
    fake_discord.unhandled_requests.clear()
    fake_discord.invalid_requests.clear()


async def test_op7_reconnect_also_resumes(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    await start_smoke(bot_runner)
    await fake_discord.request_reconnect()
    await fake_discord.wait_until(lambda: fake_discord.resume_count == 1 or None, what="resume")
    ix = await fake_discord.send_slash_command("echo", {"text": "after op 7"})
    assert (await ix.wait_for_reply())["content"] == "after op 7"


async def test_auto_sharded_client_uses_gateway_bot(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    client = discord.AutoShardedClient(intents=discord.Intents.default())
    await bot_runner.start(client)
    assert fake_discord.requests_matching("GET", "/gateway/bot")
    assert client.shard_count == 1 and client.get_guild(fake_discord.guild.id) is not None
    identify = next(f for f in fake_discord.gateway_received if f["op"] == 2)
    assert identify["d"]["shard"] == [0, 1]


class UnsyncedBot(discord.Client):
    """Registers a command but never syncs it."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(description="Never synced")
        async def hidden(interaction: discord.Interaction, count: int) -> None:
            await interaction.response.send_message(f"count={count}")


@pytest.mark.fake_discord(require_registered_commands=False)
async def test_marker_configures_the_fake(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    await bot_runner.start(UnsyncedBot())
    assert not fake_discord.require_registered_commands
    ix = await fake_discord.send_slash_command("hidden", {"count": 3})  # type inferred: int
    assert (await ix.wait_for_reply())["content"] == "count=3"


async def test_unsynced_command_is_refused_by_default(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    await bot_runner.start(UnsyncedBot())
    with pytest.raises(LookupError, match=r"did the bot call tree\.sync"):
        await fake_discord.send_slash_command("hidden", {"count": 3})


async def test_patch_discord_restores_the_globals() -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    fake = FakeDiscord()
    await fake.start()
    try:
        with fake.patch_discord():
            assert fake.rest_base == discord.http.Route.BASE
            assert fake.gateway_url == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
            assert discord.http.Route("GET", "/users/@me").url.startswith("http://127.0.0.1:")
    finally:
        await fake.stop()
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert before[0] == "https://discord.com/api/v10"


class PanelView(discord.ui.View):
    """A view posted with channel.send (no interaction): deferred update, then edits."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Refresh", custom_id="panel:refresh")
    async def refresh(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # type 6: acknowledge, edit later
        original = await interaction.original_response()  # the panel message itself
        await interaction.edit_original_response(content=f"{original.content} (refreshed)")
        note = await interaction.followup.send("refreshed", ephemeral=True, wait=True)
        await note.delete()

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="panel:who")
    async def who(self, interaction: discord.Interaction, select: discord.ui.UserSelect) -> None:
        picked = select.values[0]
        await interaction.response.send_message(
            f"picked {picked.id} member={isinstance(picked, discord.Member)}"
        )


class AllIntentsBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.all(), help_command=None)
        self.seen: list[discord.Message] = []

    async def setup_hook(self) -> None:
        self.add_view(PanelView())

    async def on_message(self, message: discord.Message) -> None:
        if message.author != self.user:
            self.seen.append(message)


async def test_channel_views_edits_fetches_and_privileged_intents(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await bot_runner.start(AllIntentsBot())
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None and guild.chunked and guild.member_count == 4
    member = guild.get_member(fake_discord.moderator.id)
    assert member is not None and member.guild_permissions.manage_guild

    channel = bot.get_channel(fake_discord.channel.id)
    assert isinstance(channel, discord.TextChannel)
    embed = discord.Embed(title="Panel", description="status")
    panel = await channel.send("panel", embed=embed, view=PanelView())
    stored = fake_discord.get_message(panel.id)
    assert stored["embeds"][0]["title"] == "Panel" and stored["components"]

    click = await fake_discord.click_button(stored, "panel:refresh")
    assert (await click.wait_for_response())["type"] == payloads.DEFERRED_UPDATE_MESSAGE
    edited = await click.wait_for_reply()
    assert edited["id"] == str(panel.id) and edited["content"] == "panel (refreshed)"
    await fake_discord.wait_until(lambda: fake_discord.deleted_message_ids or None)
    assert not fake_discord.requests_matching("GET", "/channels/{cid}/messages/{mid}")

    pick = await fake_discord.select(stored, "panel:who", [fake_discord.moderator])
    content = (await pick.wait_for_reply())["content"]
    assert content == f"picked {fake_discord.moderator.id} member=True"

    await panel.edit(content="panel v2")
    assert fake_discord.get_message(panel.id)["content"] == "panel v2"
    assert (await bot.fetch_user(fake_discord.member.id)).name == "alice"
    fetched = await guild.fetch_member(fake_discord.member.id)
    assert fetched.id == fake_discord.member.id
    assert (await bot.fetch_channel(fake_discord.channel.id)).id == fake_discord.channel.id
    await panel.delete()
    assert panel.id in fake_discord.deleted_message_ids

    await fake_discord.send_message(fake_discord.member, "full content with the intent")
    await fake_discord.wait_until(lambda: bot.seen or None, what="the guild message")
    assert bot.seen[0].content == "full content with the intent"
    assert isinstance(bot.seen[0].author, discord.Member)

    fake_discord.fail("POST", "/users/@me/channels", status=403, code=50007)
    user = bot.get_user(fake_discord.member.id)
    assert user is not None
    with pytest.raises(discord.Forbidden) as info:
        await user.send("hi")
    assert info.value.code == 50007
