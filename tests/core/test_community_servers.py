"""Where a DM question may go, without Discord: the rule, and the membership lookup
that keeps its answers so a member's server list is asked for once."""

from __future__ import annotations

import asyncio

from careerbot.core.community.handoff import Question, may_post_in
from careerbot.core.community.servers import MAX_SERVERS, PARALLEL, SharedServers


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Directory:
    """Who is in which server, counting the questions asked about it."""

    def __init__(self, members: dict[int, set[int]]) -> None:
        self.members = members
        self.asked: list[tuple[int, int]] = []
        self.broken: set[int] = set()
        self.unsure: set[int] = set()

    async def __call__(self, server: int, member: int) -> bool | None:
        self.asked.append((server, member))
        await asyncio.sleep(0)
        if server in self.broken:
            raise RuntimeError("Discord said 500")
        if server in self.unsure:
            return None
        return member in self.members.get(server, set())


def test_a_server_question_goes_only_to_its_server_and_a_dm_one_to_a_shared_one() -> None:
    in_server = Question("q", 1, 10, "ephemeral")
    assert may_post_in(in_server, 10)
    assert not may_post_in(in_server, 11, shared=[11])
    in_dm = Question("q", 1, None, "dm")
    assert may_post_in(in_dm, 11, shared=[10, 11])
    assert not may_post_in(in_dm, 12, shared=[10, 11])
    assert not may_post_in(in_dm, 10)


async def test_answers_are_kept_yes_and_no_then_asked_again_once_old() -> None:
    clock = Clock()
    directory = Directory({10: {1}, 11: set(), 12: {1, 2}})
    servers = SharedServers(keep=60, clock=clock)
    assert await servers.of(1, [12, 10, 11], directory) == [12, 10]  # the order given
    assert len(directory.asked) == 3
    assert await servers.of(1, [10, 11, 12], directory) == [10, 12]
    assert len(directory.asked) == 3  # nothing asked again
    assert await servers.of(2, [10, 12], directory) == [12]  # per member
    clock.now = 60
    directory.members[11].add(1)
    assert await servers.of(1, [10, 11, 12], directory) == [10, 11, 12]
    assert len(directory.asked) == 5 + 3


async def test_failed_lookups_are_neither_counted_nor_kept() -> None:
    directory = Directory({10: {1}, 11: {1}, 12: {1}})
    directory.broken.add(11)
    directory.unsure.add(12)
    servers = SharedServers()
    assert await servers.of(1, [10, 11, 12], directory) == [10]
    directory.broken.clear()
    directory.unsure.clear()
    assert await servers.of(1, [10, 11, 12], directory) == [10, 11, 12]
    assert directory.asked.count((11, 1)) == 2 and directory.asked.count((10, 1)) == 1


async def test_at_most_a_select_menu_of_servers_and_a_few_at_a_time() -> None:
    in_flight = 0
    most = 0

    async def is_member(server: int, member: int) -> bool:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)
        in_flight -= 1
        return True

    servers = SharedServers()
    found = await servers.of(1, list(range(100, 140)), is_member)
    assert found == list(range(100, 100 + MAX_SERVERS))
    assert most == PARALLEL


async def test_a_hung_lookup_is_given_up_with_what_is_known() -> None:
    hung = asyncio.Event()

    async def is_member(server: int, member: int) -> bool:
        if server == 11:
            await hung.wait()  # never set: Discord never answers about this one
        return True

    servers = SharedServers(timeout=0.05)
    assert await servers.of(1, [10, 11], is_member) == [10]


async def test_forget_member_and_the_size_limit() -> None:
    servers = SharedServers(limit=3)
    directory = Directory({10: {1, 2}, 11: {1}})
    await servers.of(1, [10, 11], directory)
    await servers.of(2, [10, 11], directory)
    assert len(servers) == 3  # the oldest answer went first
    assert servers.forget_member(2) == 2
    assert len(servers) == 1
