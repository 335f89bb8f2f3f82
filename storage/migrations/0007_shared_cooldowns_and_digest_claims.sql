-- 0007: what several bot processes on one database must agree on (issue 17).
--
-- * ask_cooldowns: when each member's last accepted question was asked, so a member
--   who reaches two processes still gets one question per cooldown. Milliseconds,
--   because a cooldown of a few seconds cannot be kept at whole-second precision.
--   warned: whether they were already told to slow down since that question.
--   (SQLite serves one process, which keeps the same rule in memory instead.)
-- * digest_posts: one row per server and ISO week ('2026-W48') whose weekly digest a
--   process took on; the primary key lets exactly one process insert it.
--
-- New tables only: nothing existing changes.

CREATE TABLE ask_cooldowns (
    member_id BIGINT NOT NULL PRIMARY KEY,
    last_ms BIGINT NOT NULL,
    warned BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE digest_posts (
    guild_id BIGINT NOT NULL,
    week TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, week)
);
