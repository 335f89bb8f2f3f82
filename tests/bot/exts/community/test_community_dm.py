"""Issue 18 for DM questions, through the fake Discord: "Ask the community" offered only
when the member shares a server with a help channel with the bot, the server chosen,
consent, and nobody else's crafted clicks posting the question."""

from __future__ import annotations

import copy
from typing import Any

from bot.exts.community import _render as say
from tests.bot.e2e import PHD, component, custom_ids, embed
from tests.bot.exts.community.test_community import UNANSWERED, World, crafted, world
from tests.fakediscord import FakeChannel, FakeDiscord, FakeGuild, FakeRole, threads_in

__all__ = ["world"]  # the fixture, shared with the guild-side tests

MEMBER_LOOKUP = r"^/guilds/[0-9]+/members/[0-9]+$"


class Server:
    """Another server the bot is in, with its own help channel and mentor role."""

    def __init__(self, fake: FakeDiscord, name: str) -> None:
        self.fake = fake
        self.guild: FakeGuild = fake.add_guild(name)
        self.help: FakeChannel = fake.add_channel(self.guild, f"help-{name.split()[0].lower()}")
        self.mentors: FakeRole = fake.add_role(self.guild, f"{name} mentors", 0)

    async def configure(self) -> None:
        """Its owner sets the help channel and mentor role, with the same commands."""
        for name, options in (
            ("config help-channel", {"channel": self.help}),
            ("config mentor-role", {"role": self.mentors}),
        ):
            await self.fake.command_reply(name, options, user=self.fake.owner, guild=self.guild)


async def dm_question(world: World, user: Any, text: str) -> dict[str, Any]:
    """``user`` asks in a DM; the bot's reply (once the question is logged)."""
    fake = world.fake
    sent = await fake.send_dm(user, text)
    reply = await fake.wait_for_bot_message(
        fake.dm_channel(user),
        lambda m: str((m.get("message_reference") or {}).get("message_id")) == sent["id"],
    )
    await world.harness.logged()
    return reply


def community_button(message: dict[str, Any]) -> str | None:
    found = [c for c in custom_ids(message) if c.startswith("careerbot:community:")]
    return found[0] if found else None


def forged(
    message: dict[str, Any], custom_id: str, values: list[str] | None = None
) -> dict[str, Any]:
    """``message`` as if it carried ``custom_id`` (a select offering ``values``): what a
    client other than Discord's could claim, to reach a step out of turn."""
    if values is None:
        item: dict[str, Any] = {"type": 2, "style": 1, "label": "x", "custom_id": custom_id}
    else:
        options = [{"label": v, "value": v} for v in values]
        item = {"type": 3, "custom_id": custom_id, "options": options}
    return {**copy.deepcopy(message), "components": [{"type": 1, "components": [item]}]}


def member_lookups(fake: FakeDiscord) -> int:
    return len(fake.requests_matching("GET", MEMBER_LOOKUP))


async def test_a_dm_question_goes_to_the_server_the_member_picks_without_their_name(
    world: World,
) -> None:
    fake = world.fake
    second = Server(fake, "Second Server")
    fake.add_member(second.guild, fake.member)
    elsewhere = Server(fake, "Elsewhere Club")  # a help channel, but alice is not in it
    await world.start()
    await second.configure()
    await elsewhere.configure()

    reply = await dm_question(world, fake.member, UNANSWERED)
    ask_id = community_button(reply)
    assert ask_id is not None, custom_ids(reply)
    # One lookup per server with a help channel, then none: the answers are kept.
    assert member_lookups(fake) == 3
    press = await fake.click_button(reply, ask_id, user=fake.member)
    choose = await press.wait_for_reply()
    assert choose["content"] == say.CHOOSE_SERVER
    where_id = f"careerbot:community-where:{ask_id.rsplit(':', 1)[1]}"
    options = component(choose, where_id)["options"]
    assert {o["label"]: o["value"] for o in options} == {
        "ML Careers": str(fake.guild.id),
        "Second Server": str(second.guild.id),
    }
    assert member_lookups(fake) == 3

    picked = await fake.select(choose, where_id, [str(second.guild.id)], user=fake.member)
    consent = await picked.wait_for_reply()
    assert "**Second Server**" in consent["content"]
    assert not threads_in(fake, second.help) and not threads_in(fake, world.help)
    anon = next(c for c in custom_ids(consent) if c.endswith(f":{second.guild.id}:anon"))
    post = await fake.click_button(consent, anon, user=fake.member)
    told = await post.wait_for_reply()

    [thread] = threads_in(fake, second.help)
    assert threads_in(fake, world.help) == [] and threads_in(fake, elsewhere.help) == []
    assert f"https://discord.com/channels/{second.guild.id}/{thread.id}" in told["content"]
    assert told["channel_id"] == str(fake.dm_channel(fake.member).id)  # kept in the DM
    opening = await fake.wait_for_bot_message(thread)
    assert embed(opening)["description"] == UNANSWERED
    shown = str(opening["content"]) + str(opening["embeds"])
    assert "alice" not in shown.lower()
    assert "Asked privately" in embed(opening)["footer"]["text"]
    assert opening["mention_roles"] == [str(second.mentors.id)]
    assert opening["mentions"] == [] and opening["mention_everyone"] is False
    record = await world.harness.db.community_thread(thread.id)
    assert record is not None and record.guild_id == second.guild.id

    # The same rate limit as every hand-over: a private question in a server right after.
    _, private = await world.ask("my cat walked on the keyboard and now what", private=True)
    press = await fake.click_button(private, community_button(private) or "", user=fake.member)
    consent = await press.wait_for_reply()
    anon = next(c for c in custom_ids(consent) if c.endswith(":anon"))
    again = await fake.click_button(consent, anon, user=fake.member)
    assert "once every 10 minutes" in (await again.wait_for_reply())["content"]
    assert len(threads_in(fake, world.help)) == 0


async def test_only_members_of_a_server_with_a_help_channel_get_the_button(
    world: World,
) -> None:
    """Alice shares no server with a help channel with the bot; Bob does."""
    fake = world.fake
    club = Server(fake, "Elsewhere Club")
    bob = fake.add_user("bob")
    fake.add_member(club.guild, bob)
    await world.start(mentor=False)
    await world.bot.guild_config.update(fake.guild.id, help_channel_id=None)
    await club.configure()

    reply = await dm_question(world, fake.member, UNANSWERED)
    assert community_button(reply) is None
    answered = await dm_question(world, fake.member, PHD)
    down = next(c for c in custom_ids(answered) if c.endswith(":down"))
    vote = await fake.click_button(answered, down, user=fake.member)
    voted = await vote.wait_for_reply()
    assert "didn't help" in voted["content"] and not custom_ids(voted)

    bobs = await dm_question(world, bob, UNANSWERED)
    assert community_button(bobs) is not None
    answered = await dm_question(world, bob, PHD)
    down = next(c for c in custom_ids(answered) if c.endswith(":down"))
    vote = await fake.click_button(answered, down, user=bob)
    voted = await vote.wait_for_reply()
    assert "in a server we share" in voted["content"], voted["content"]
    assert community_button(voted) is not None


async def test_not_helpful_in_a_dm_with_one_shared_server_names_it_and_can_show_the_name(
    world: World,
) -> None:
    fake = world.fake
    await world.start()
    answered = await dm_question(world, fake.member, PHD)
    down = next(c for c in custom_ids(answered) if c.endswith(":down"))
    vote = await fake.click_button(answered, down, user=fake.member)
    voted = await vote.wait_for_reply()
    press = await fake.click_button(voted, community_button(voted) or "", user=fake.member)
    consent = await press.wait_for_reply()
    assert "**ML Careers**" in consent["content"]  # one server: no choice to make
    named = next(c for c in custom_ids(consent) if c.endswith(f":{fake.guild.id}:named"))
    post = await fake.click_button(consent, named, user=fake.member)
    told = await post.wait_for_reply()
    [thread] = threads_in(fake, world.help)
    assert f"https://discord.com/channels/{fake.guild.id}/{thread.id}" in told["content"]
    opening = await fake.wait_for_bot_message(thread)
    assert embed(opening)["description"] == PHD
    assert "Alice" in embed(opening)["footer"]["text"]  # she chose to show it; no ping
    assert opening["mentions"] == [] and opening["mention_roles"] == [str(world.mentors.id)]

    # Which servers she is in is about her too: /privacy forget drops it.
    assert len(world.bot.shared_servers) == 1
    prompt = await (await fake.send_slash_command("privacy forget")).wait_for_reply()
    confirm = await fake.click_button(prompt, f"careerbot:forget:{fake.member.id}:confirm")
    assert "Done" in (await confirm.wait_for_reply())["content"]
    assert len(world.bot.shared_servers) == 0


async def test_crafted_interactions_cannot_post_a_dm_question_elsewhere_or_for_someone_else(
    world: World,
) -> None:
    fake = world.fake
    second = Server(fake, "Second Server")
    elsewhere = Server(fake, "Elsewhere Club")
    bob = fake.add_user("bob")
    for guild in (fake.guild, second.guild):
        fake.add_member(guild, bob)
    fake.add_member(second.guild, fake.member)
    await world.start()
    await second.configure()
    await elsewhere.configure()
    reply = await dm_question(world, fake.member, UNANSWERED)
    ask_id = community_button(reply)
    assert ask_id is not None
    log_id = ask_id.rsplit(":", 1)[1]

    # Bob replays Alice's ids: every step refuses him, whatever server he names.
    for custom_id, values in (
        (ask_id, None),
        (f"careerbot:community-where:{log_id}", [str(fake.guild.id)]),
        (f"careerbot:community-dm:{log_id}:{fake.guild.id}:anon", None),
        (f"careerbot:community-dm:{log_id}:{second.guild.id}:named", None),
        (f"careerbot:community-post:{log_id}:anon", None),
    ):
        ix = await crafted(fake, bob, forged(reply, custom_id, values), custom_id, values=values)
        refused = await ix.wait_for_reply()
        assert ix.ephemeral and refused["content"] == say.NOT_THE_ASKER, custom_id

    # Alice cannot post into a server she is not in, nor one without a help channel,
    # nor through the server-only consent button.
    bare = fake.add_guild("No Help Here")
    fake.add_member(bare, fake.member)
    await fake.wait_until(lambda: world.bot.get_guild(bare.id), 5.0, "the bot sees the guild")
    nope = say.NOT_A_SHARED_SERVER
    for custom_id, values, expected in (
        (f"careerbot:community-where:{log_id}", [str(elsewhere.guild.id)], nope),
        (f"careerbot:community-where:{log_id}", ["not-a-server"], nope),
        (f"careerbot:community-dm:{log_id}:{elsewhere.guild.id}:anon", None, nope),
        (f"careerbot:community-dm:{log_id}:{bare.id}:anon", None, nope),
        (f"careerbot:community-post:{log_id}:anon", None, say.NO_HELP_CHANNEL),
    ):
        message = forged(reply, custom_id, values)
        ix = await crafted(fake, fake.member, message, custom_id, values=values)
        assert (await ix.wait_for_reply())["content"] == expected, custom_id
    for server in (world.help, second.help, elsewhere.help):
        assert threads_in(fake, server) == []
    assert fake.requests_matching("POST", r"^/channels/[0-9]+/threads$") == []
