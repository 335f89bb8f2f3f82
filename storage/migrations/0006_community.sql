-- 0006: questions handed to the community (issue 18). Per guild, a help channel where
-- "Ask the community" opens threads, and an opt-in mentor role mentioned once in each;
-- and a row per thread opened, so moderators see how many were answered there.
--
-- ADD COLUMN with no default: existing guilds have no help channel, and the bot offers
-- no "Ask the community" button until a moderator sets one.
--
-- message_id is the bot's first message in the thread (the question, the buttons), which
-- moderators' "Draft an entry" on an answer message reads the question from.
--
-- community_threads keeps no member id: the thread is public in Discord anyway, and
-- the question's own row (question_log) says who asked. Forgetting a member deletes
-- that row, and this one loses its link (ON DELETE SET NULL) but keeps the count.

ALTER TABLE guild_settings ADD COLUMN help_channel_id BIGINT;
ALTER TABLE guild_settings ADD COLUMN mentor_role_id BIGINT;

CREATE TABLE community_threads (
    thread_id BIGINT NOT NULL PRIMARY KEY,
    guild_id BIGINT NOT NULL,
    question_id BIGINT REFERENCES question_log (id) ON DELETE SET NULL,
    message_id BIGINT,
    asked_at BIGINT NOT NULL,
    answered_at BIGINT
);

CREATE INDEX community_threads_guild_asked ON community_threads (guild_id, asked_at);
CREATE INDEX community_threads_question ON community_threads (question_id);
