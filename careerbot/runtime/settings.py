"""How the bot is configured: one pydantic-settings model, read from the environment.

Every value comes from an environment variable with the ``CAREERBOT_`` prefix (the
token may also be given as plain ``DISCORD_TOKEN``, the name most hosting guides use),
or from a ``.env`` file in the working directory. Values passed to ``Settings(...)``
win over both, which is what tests and the command line use.

Two rules hold whatever is added here later:

* The token is a ``SecretStr``: ``repr``, ``str`` and validation errors show
  ``**********`` (``hide_input_in_errors``), and :func:`load_settings` reports problems
  without the values that were typed, so a typo in the token never reaches a log
  (and :mod:`careerbot.runtime.logs` redacts it from every log line as a last line of defence).
* Problems are reported all at once, one line per setting, naming the environment
  variable to fix (:class:`SettingsError`).

Units: ``confidence_threshold`` is a percentage (0-100), the scale the matcher and
``careerbot ask`` print. Storage keeps the per-guild override as a fraction (0-1);
:mod:`bot.guilds` converts between the two in one place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from careerbot.runtime.shards import parse_shard_ids
from knowledge import DEFAULT_KNOWLEDGE_PATH, MAX_QUESTION_CHARS
from storage.locations import is_postgres_url, redact

ENV_PREFIX = "CAREERBOT_"
TOKEN_ENV_NAMES = ("CAREERBOT_DISCORD_TOKEN", "DISCORD_TOKEN")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["plain", "json"]

#: Where an operator gets a token: said whenever one is missing or refused.
TOKEN_HELP = (
    "create an application at https://discord.com/developers/applications, open its "
    "Bot page, press Reset Token and put the value in .env as CAREERBOT_DISCORD_TOKEN=..."
)

#: Said when the token is set but blank: the state right after ``cp .env.example .env``.
EMPTY_TOKEN_HELP = (
    "the Discord bot token is empty (the line is there, as in .env.example, but nothing "
    "follows the =). To get a token: open https://discord.com/developers/applications, "
    "pick your application (or create one), open its Bot page and press Reset Token; "
    "then paste the value after CAREERBOT_DISCORD_TOKEN= in .env, with no quotes or "
    "spaces, and run the command again."
)


class SettingsError(ValueError):
    """The configuration is incomplete or invalid; ``problems`` has one line per setting."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))


_CONFIG = SettingsConfigDict(
    env_prefix=ENV_PREFIX,
    env_file=".env",
    env_file_encoding="utf-8",
    extra="ignore",
    populate_by_name=True,
    hide_input_in_errors=True,
    validate_default=True,
    frozen=True,
)


def _check_token(value: SecretStr | None) -> SecretStr | None:
    """A blank token is no token (``CAREERBOT_DISCORD_TOKEN=`` as in ``.env.example``):
    commands that never talk to Discord work, and :func:`load_settings` says how to
    fill it in where one is needed."""
    if value is None:
        return None
    secret = value.get_secret_value()
    if not secret.strip():
        return None
    if secret != secret.strip() or any(c.isspace() for c in secret):
        raise ValueError("the Discord bot token contains spaces or line breaks")
    return value


class _TokenOnly(BaseSettings):
    """Just the token, read the same way: lets :func:`load_settings` tell "missing"
    apart from "invalid elsewhere" without ever looking at the value."""

    model_config = _CONFIG
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices(*TOKEN_ENV_NAMES)
    )


class Settings(BaseSettings):
    """careerbot's configuration. See the module docstring for where values come from.

    The token is optional here so that commands that never talk to Discord
    (``careerbot health``, ``chat``) share the same settings; :func:`load_settings`
    requires it unless told otherwise.
    """

    model_config = _CONFIG

    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(*TOKEN_ENV_NAMES),
        description="The bot token from the Discord developer portal. Never logged.",
    )
    database_path: Path = Field(
        default=Path("careerbot.sqlite3"),
        description="The SQLite file that holds members' progress and the question log; "
        "created on first start.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="A PostgreSQL database used instead of the SQLite file, so that "
        "several bot processes can share it: postgresql://USER:PASSWORD@HOST:5432/DBNAME. "
        "The database must exist; its password is never logged.",
    )
    knowledge_path: Path = Field(
        default=DEFAULT_KNOWLEDGE_PATH,
        description="The corpus folder (YAML files) the bot answers from.",
    )
    log_level: LogLevel = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    log_format: LogFormat = Field(
        default="plain",
        description="plain: one line per event (time level component message key=value); "
        "json: one JSON object per line, for log shippers.",
    )
    dev_guild_id: int | None = Field(
        default=None,
        description="A guild to sync commands to for development: guild commands appear at "
        "once, global ones can take a while.",
    )
    confidence_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=100.0,
        description="Answer only at or above this confidence (percent); unset: the "
        "matcher's calibrated default. A guild's /config threshold overrides it.",
    )
    ask_cooldown_seconds: float = Field(
        default=3.0,
        ge=0.0,
        le=3600.0,
        description="Minimum seconds between two questions from one member (/ask and DMs "
        "together); 0 turns the cooldown off.",
    )
    max_question_chars: int = Field(
        default=MAX_QUESTION_CHARS,
        ge=1,
        le=MAX_QUESTION_CHARS,
        description="Longer questions are refused politely (the matcher's own limit is the "
        "maximum).",
    )

    health_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve GET /healthz and /metrics (Prometheus) on this port while the "
        "bot runs; unset: no HTTP server.",
    )
    health_host: str = Field(
        default="127.0.0.1",
        description="Address the health server binds; 0.0.0.0 inside a container so the "
        "orchestrator can reach it.",
    )
    watch_knowledge: bool = Field(
        default=False,
        description="Reload the corpus when its YAML files change (same all-or-nothing "
        "validation as /kb reload).",
    )
    watch_interval_seconds: float = Field(
        default=2.0,
        ge=0.1,
        le=3600.0,
        description="How often the corpus watcher looks at the files' sizes and times.",
    )
    reminder_lease_seconds: int = Field(
        default=120,
        ge=10,
        le=150,
        description="How long a reminder being sent is held by one process: after a crash "
        "mid-send another process sends it again once this has passed. It must stay under "
        "Discord's nonce window (a few minutes), within which the resend is answered with "
        "the message already posted instead of a second one.",
    )
    shutdown_grace_seconds: float = Field(
        default=10.0,
        ge=0.0,
        le=300.0,
        description="On SIGTERM/SIGINT, how long in-flight work may take before the "
        "database is closed anyway.",
    )

    shards: str | None = Field(
        default=None,
        description="The Discord shards this process connects, such as 0-1 or 0,2 "
        "(needs shard_count). Unset: one unsharded connection, unless shard_count is set, "
        "then all shards.",
    )
    shard_count: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="How many shards the bot has in total, over all its processes. "
        "Unset: no sharding.",
    )

    @field_validator("shards", mode="before")
    @classmethod
    def _shard_list(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int):
            value = str(value)
        if isinstance(value, str):
            ids = parse_shard_ids(value)
            return ",".join(str(i) for i in ids)
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shards is not None:
            if self.shard_count is None:
                raise ValueError(
                    "CAREERBOT_SHARDS needs CAREERBOT_SHARD_COUNT (the bot's total shards)"
                )
            if self.shard_ids and self.shard_ids[-1] >= self.shard_count:
                raise ValueError(
                    f"CAREERBOT_SHARDS: shard {self.shard_ids[-1]} does not exist with "
                    f"CAREERBOT_SHARD_COUNT={self.shard_count} (shards are 0 to "
                    f"{self.shard_count - 1})"
                )
        return self

    @property
    def sharded(self) -> bool:
        """Whether the bot connects with discord.py's sharded client."""
        return self.shard_count is not None

    @property
    def shard_ids(self) -> tuple[int, ...]:
        """The shards this process holds (all of them when only the count is set)."""
        if self.shards is not None:
            return tuple(int(i) for i in self.shards.split(","))
        return tuple(range(self.shard_count or 1))

    @field_validator("discord_token")
    @classmethod
    def _token_present(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_token(value)

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _level_case(cls, value: Any, info: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = value.strip()
        return value.upper() if info.field_name == "log_level" else value.lower()

    @field_validator("database_path")
    @classmethod
    def _database_usable(cls, value: Path) -> Path:
        """Fail at start, naming the path, rather than at the first write."""
        if value.is_dir():
            raise ValueError(f"{value} is a folder; give a file such as {value}/careerbot.sqlite3")
        folder = value.parent
        if not folder.is_dir():
            raise ValueError(f"the folder {folder} does not exist (for the database {value})")
        if value.exists():
            if not os.access(value, os.R_OK | os.W_OK):
                raise ValueError(f"cannot read and write the database file {value}")
        elif not os.access(folder, os.W_OK | os.X_OK):
            raise ValueError(f"cannot create the database {value}: {folder} is not writable")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not is_postgres_url(value.get_secret_value()):
            raise ValueError("must start with postgresql:// (a PostgreSQL connection URL)")
        return value

    @field_validator("dev_guild_id")
    @classmethod
    def _snowflake(cls, value: int | None) -> int | None:
        if value is not None and not 0 < value < 2**63:
            raise ValueError("must be a Discord guild id (a positive number)")
        return value

    @field_validator("knowledge_path")
    @classmethod
    def _corpus_exists(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError(f"no such folder: {value}")
        return value

    @property
    def database(self) -> str | Path:
        """What to open: the PostgreSQL URL when one is set, else the SQLite file.
        The URL may hold a password: log :attr:`database_label` instead."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @property
    def database_label(self) -> str:
        return redact(self.database)

    @property
    def token(self) -> str:
        """The token itself, for ``bot.start``/``login`` only: never log or print it."""
        if self.discord_token is None:
            raise RuntimeError("no Discord bot token is configured")
        return self.discord_token.get_secret_value()


def _env_name(field: str) -> str:
    if field == "discord_token":
        return " or ".join(TOKEN_ENV_NAMES)
    return f"{ENV_PREFIX}{field.upper()}"


def load_settings(*, require_token: bool = True, **overrides: Any) -> Settings:
    """Read the settings, turning validation errors into a :class:`SettingsError` whose
    lines name the variable to fix and never contain the values that were given.

    ``require_token=False`` is for commands that never talk to Discord (``health``,
    ``chat``): a missing token is fine there, an invalid one still is not.
    """
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            message = error["msg"].removeprefix("Value error, ")
            if not error["loc"]:  # a rule across settings names its variables itself
                problems.append(message)
                continue
            field = str(error["loc"][0])
            if field in TOKEN_ENV_NAMES or field.lower() in {n.lower() for n in TOKEN_ENV_NAMES}:
                field = "discord_token"
            problems.append(f"{_env_name(field)}: {message}")
    if require_token and not any(p.startswith(_env_name("discord_token")) for p in problems):
        token_keys = {"discord_token", "_env_file", *TOKEN_ENV_NAMES}
        only = _TokenOnly(**{k: v for k, v in overrides.items() if k in token_keys})
        if only.discord_token is None:
            problems.insert(
                0, f"{_env_name('discord_token')}: the Discord bot token is missing; {TOKEN_HELP}"
            )
        elif not only.discord_token.get_secret_value().strip():
            problems.insert(0, f"{_env_name('discord_token')}: {EMPTY_TOKEN_HELP}")
    if problems or settings is None:
        raise SettingsError(problems)
    return settings
