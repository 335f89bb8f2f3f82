"""Settings: where values come from, clear errors, and a token that never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from careerbot.runtime.settings import Settings, SettingsError, load_settings
from knowledge import DEFAULT_KNOWLEDGE_PATH, MAX_QUESTION_CHARS

SECRET = "MTIzNDU2Nzg5.secret-token-value"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CAREERBOT_*/DISCORD_TOKEN from the machine, and no .env in the working dir."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("CAREERBOT_") or name.upper() == "DISCORD_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings(discord_token=SECRET)
    assert settings.knowledge_path == DEFAULT_KNOWLEDGE_PATH
    assert settings.database_path == Path("careerbot.sqlite3")
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.confidence_threshold is None
    assert settings.ask_cooldown_seconds == 3.0
    assert settings.max_question_chars == MAX_QUESTION_CHARS


def test_environment_with_prefix_and_both_token_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "plain-name")
    monkeypatch.setenv("CAREERBOT_LOG_LEVEL", "debug")
    monkeypatch.setenv("CAREERBOT_DEV_GUILD_ID", "123456789012345678")
    monkeypatch.setenv("CAREERBOT_CONFIDENCE_THRESHOLD", "55.5")
    settings = load_settings()
    assert settings.token == "plain-name"
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.confidence_threshold == 55.5
    monkeypatch.setenv("CAREERBOT_DISCORD_TOKEN", "prefixed")
    assert load_settings().token == "prefixed"  # the careerbot-specific name wins


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"CAREERBOT_DISCORD_TOKEN={SECRET}\nCAREERBOT_ASK_COOLDOWN_SECONDS=0\n"
    )
    settings = load_settings()
    assert settings.token == SECRET and settings.ask_cooldown_seconds == 0


def test_missing_token_says_which_variable_to_set() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings()
    [problem] = info.value.problems
    assert problem.startswith(
        "CAREERBOT_DISCORD_TOKEN or DISCORD_TOKEN: the Discord bot token is missing"
    )
    assert "https://discord.com/developers/applications" in problem  # how to get one


def test_commands_without_discord_need_no_token() -> None:
    assert load_settings(require_token=False).discord_token is None
    # A blank token is no token: `health` and `chat` work right after copying .env.example.
    assert load_settings(require_token=False, discord_token=" ").discord_token is None
    with pytest.raises(SettingsError):  # but a broken one is still reported
        load_settings(require_token=False, discord_token="abc def")


def test_the_empty_token_of_env_example_says_how_to_fill_it_in(tmp_path: Path) -> None:
    """Right after `cp .env.example .env`, the token line is there with nothing after =."""
    example = Path(__file__).resolve().parents[2] / ".env.example"
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings()
    [problem] = info.value.problems
    assert problem.startswith(
        "CAREERBOT_DISCORD_TOKEN or DISCORD_TOKEN: the Discord bot token is empty"
    )
    assert "Reset Token" in problem and "paste the value after CAREERBOT_DISCORD_TOKEN=" in problem
    assert load_settings(require_token=False).discord_token is None


def test_missing_token_is_reported_with_the_other_problems() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(log_level="loud")
    assert [p.split(":")[0] for p in info.value.problems] == [
        "CAREERBOT_DISCORD_TOKEN or DISCORD_TOKEN",
        "CAREERBOT_LOG_LEVEL",
    ]


def test_an_unusable_database_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "db.sqlite3"
    with pytest.raises(SettingsError) as info:
        load_settings(discord_token=SECRET, database_path=missing)
    assert str(missing.parent) in str(info.value) and "does not exist" in str(info.value)
    with pytest.raises(SettingsError) as info:
        load_settings(discord_token=SECRET, database_path=tmp_path)
    assert "is a folder" in str(info.value)


def test_operations_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERBOT_LOG_FORMAT", "JSON")
    monkeypatch.setenv("CAREERBOT_HEALTH_PORT", "8080")
    monkeypatch.setenv("CAREERBOT_WATCH_KNOWLEDGE", "true")
    settings = load_settings(discord_token=SECRET)
    assert settings.log_format == "json" and settings.health_port == 8080
    assert settings.watch_knowledge and settings.health_host == "127.0.0.1"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(
            discord_token=SECRET,
            log_level="loud",
            confidence_threshold=150,
            ask_cooldown_seconds=-1,
            max_question_chars=MAX_QUESTION_CHARS + 1,
            knowledge_path="/no/such/folder",
            dev_guild_id=0,
        )
    fields = sorted(p.split(":")[0] for p in info.value.problems)
    assert fields == [
        "CAREERBOT_ASK_COOLDOWN_SECONDS",
        "CAREERBOT_CONFIDENCE_THRESHOLD",
        "CAREERBOT_DEV_GUILD_ID",
        "CAREERBOT_KNOWLEDGE_PATH",
        "CAREERBOT_LOG_LEVEL",
        "CAREERBOT_MAX_QUESTION_CHARS",
    ]


def test_the_token_never_shows() -> None:
    settings = load_settings(discord_token=SECRET)
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert SECRET not in settings.model_dump_json()
    bad = SECRET + " \n"
    with pytest.raises(SettingsError) as info:
        load_settings(discord_token=bad)
    assert "contains spaces" in str(info.value)
    assert SECRET not in str(info.value)
    with pytest.raises(Exception) as raw:  # even pydantic's own error hides the input
        Settings(discord_token=bad, _env_file=None)  # type: ignore[call-arg]
    assert SECRET not in str(raw.value)


def test_shards_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERBOT_SHARDS", "2-3")
    monkeypatch.setenv("CAREERBOT_SHARD_COUNT", "4")
    settings = load_settings(discord_token=SECRET)
    assert settings.sharded and settings.shard_ids == (2, 3)


def test_no_shard_settings_is_unsharded_and_a_count_alone_means_all_shards() -> None:
    plain = load_settings(discord_token=SECRET)
    assert not plain.sharded and plain.shard_ids == (0,)
    assert load_settings(discord_token=SECRET, shard_count=3).shard_ids == (0, 1, 2)


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"shards": "0-1"}, "CAREERBOT_SHARDS needs CAREERBOT_SHARD_COUNT"),
        (
            {"shards": "2-4", "shard_count": 4},
            "shard 4 does not exist with CAREERBOT_SHARD_COUNT=4",
        ),
        ({"shards": "1-x", "shard_count": 4}, "CAREERBOT_SHARDS: '1-x' is not a shard id"),
        ({"shards": "3-1", "shard_count": 4}, "CAREERBOT_SHARDS: '3-1' is not a range"),
        ({"shard_count": 0}, "CAREERBOT_SHARD_COUNT: "),
    ],
)
def test_shard_settings_that_cannot_work_are_named(changes: dict[str, object], said: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(discord_token=SECRET, **changes)
    assert len(info.value.problems) == 1
    assert said in info.value.problems[0]


def test_the_reminder_lease_stays_inside_discords_nonce_window() -> None:
    assert load_settings(discord_token=SECRET).reminder_lease_seconds == 120
    for outside in (9, 151):
        with pytest.raises(SettingsError) as info:
            load_settings(discord_token=SECRET, reminder_lease_seconds=outside)
        assert info.value.problems[0].startswith("CAREERBOT_REMINDER_LEASE_SECONDS: ")
