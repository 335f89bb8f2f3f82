"""The container's entrypoint, ``careerbot run``, as its own process against the fake
Discord: it serves, answers /healthz, and exits 0 on SIGTERM (what ``docker stop``
sends, see STOPSIGNAL in the Dockerfile).

The child is ``careerbot.cli.main.main(["run"])`` with discord.py's two URLs pointed at the fake,
exactly what :meth:`FakeDiscord.patch_discord` does in-process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from careerbot.cli.invite import invite_url
from careerbot.cli.run import sync_commands
from careerbot.runtime.settings import Settings
from tests.bot.e2e import PHD, embed
from tests.fakediscord import FakeDiscord

CHILD = """
import sys, discord, yarl
discord.http.Route.BASE = sys.argv[1]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
from careerbot.cli.main import main
raise SystemExit(main(["run"]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_serves_reports_health_and_exits_0_on_sigterm(
    fake_discord: FakeDiscord, bot_settings: Settings, tmp_path: Path
) -> None:
    await sync_commands(bot_settings)  # `careerbot sync`, once, as the README says
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env |= {
        "CAREERBOT_DISCORD_TOKEN": bot_settings.token,
        "CAREERBOT_DATABASE_PATH": str(bot_settings.database_path),
        "CAREERBOT_HEALTH_PORT": str(port),
        "CAREERBOT_ASK_COOLDOWN_SECONDS": "0",
        "CAREERBOT_LOG_FORMAT": "json",
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, fake_discord.rest_base, str(fake_discord.gateway_url),
        env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake_discord.wait_until(
            lambda: fake_discord.identify_count or None, timeout=30, what="the child's login"
        )
        reply = await fake_discord.command_reply("ask", {"question": PHD})
        assert embed(reply)["title"] == PHD
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        assert response.status == 200
                        assert (await response.text()).startswith("ok\ndiscord ")
                    async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                        metrics = await response.text()
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        assert 'careerbot_questions_answered_total{kind="faq"} 1' in metrics
        child.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(child.communicate(), 30)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    log = err.decode()
    assert child.returncode == 0, log
    assert '"message": "shutting down"' in log and '"message": "stopped cleanly"' in log
    assert bot_settings.token not in log
    # The link that adds the bot to a server, for the admin who has not yet.
    assert f"invite link: {invite_url(fake_discord.application_id)}" in log
