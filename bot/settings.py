"""How the bot is configured: one pydantic-settings model, read from the environment.

Every value comes from an environment variable with the ``CAREERBOT_`` prefix (the
token may also be given as plain ``DISCORD_TOKEN``, the name most hosting guides use),
or from a ``.env`` file in the working directory. Values passed to ``Settings(...)``
win over both, which is what tests and the command line use.

Two rules hold whatever is added here later:

* The token is a ``SecretStr``: ``repr``, ``str`` and validation errors show
  ``**********`` (``hide_input_in_errors``), and :func:`load_settings` reports problems
  without the values that were typed, so a typo in the token never reaches a log.
* Problems are reported all at once, one line per setting, naming the environment
  variable to fix (:class:`SettingsError`).

Units: ``confidence_threshold`` is a percentage (0-100), the scale the matcher and
``careerbot ask`` print. Storage keeps the per-guild override as a fraction (0-1);
:mod:`bot.guilds` converts between the two in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge import DEFAULT_KNOWLEDGE_PATH, MAX_QUESTION_CHARS

ENV_PREFIX = "CAREERBOT_"
TOKEN_ENV_NAMES = ("CAREERBOT_DISCORD_TOKEN", "DISCORD_TOKEN")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class SettingsError(ValueError):
    """The configuration is incomplete or invalid; ``problems`` has one line per setting."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))


class Settings(BaseSettings):
    """careerbot's configuration. See the module docstring for where values come from."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,
        validate_default=True,
        frozen=True,
    )

    discord_token: SecretStr = Field(
        validation_alias=AliasChoices(*TOKEN_ENV_NAMES),
        description="The bot token from the Discord developer portal. Never logged.",
    )
    database_path: Path = Field(
        default=Path("careerbot.sqlite3"),
        description="The SQLite file that holds members' progress and the question log; "
        "created on first start.",
    )
    knowledge_path: Path = Field(
        default=DEFAULT_KNOWLEDGE_PATH,
        description="The corpus folder (YAML files) the bot answers from.",
    )
    log_level: LogLevel = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
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

    @field_validator("discord_token")
    @classmethod
    def _token_present(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if not secret.strip():
            raise ValueError("the Discord bot token is empty")
        if secret != secret.strip() or any(c.isspace() for c in secret):
            raise ValueError("the Discord bot token contains spaces or line breaks")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

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
    def token(self) -> str:
        """The token itself, for ``bot.start``/``login`` only: never log or print it."""
        return self.discord_token.get_secret_value()


def _env_name(field: str) -> str:
    if field == "discord_token":
        return " or ".join(TOKEN_ENV_NAMES)
    return f"{ENV_PREFIX}{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning validation errors into a :class:`SettingsError` whose
    lines name the variable to fix and never contain the values that were given."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "settings"
            if field in TOKEN_ENV_NAMES or field.lower() in {n.lower() for n in TOKEN_ENV_NAMES}:
                field = "discord_token"
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing" and field == "discord_token":
                message = "the Discord bot token is missing"
            problems.append(f"{_env_name(field)}: {message}")
        raise SettingsError(problems) from None
