-- 0003: notices waiting for a member, e.g. "your reminder was paused because your DMs
-- are closed". The bot cannot tell them when it happens (that is the problem), so it
-- tells them the next time they use the bot, then deletes the notice.

CREATE TABLE member_notices (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
    notice TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX member_notices_member ON member_notices (member_id, id);
