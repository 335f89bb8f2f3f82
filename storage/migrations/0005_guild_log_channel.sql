-- 0005: a moderator log channel per guild (/config log-channel), where the bot tells
-- moderators what they must know and would not otherwise see: a corpus change on disk
-- it refused or held back, a reminder channel it can no longer post in.
--
-- ADD COLUMN with no default: existing guilds read as having no log channel, and the
-- bot behaves as before until a moderator sets one.

ALTER TABLE guild_settings ADD COLUMN log_channel_id BIGINT;
