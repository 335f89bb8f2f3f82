-- 0002: answer feedback, reminder claims, quiet hours and the question-text opt-in,
-- and the indexes behind the queries the bot runs on a schedule.
--
-- Only ADD COLUMN (with constant defaults), CREATE TABLE and CREATE INDEX: existing
-- rows keep every value, in particular reminders keep next_due_at and last_sent_at, so
-- upgrading never makes an already-sent reminder due again.

ALTER TABLE members ADD COLUMN quiet_start TEXT;
ALTER TABLE members ADD COLUMN quiet_end TEXT;
ALTER TABLE members ADD COLUMN store_question_text BOOLEAN NOT NULL DEFAULT FALSE;

-- A live claim: claimed_by holds the claimer, claimed_due_at the occurrence being sent,
-- and next_due_at is moved to the lease expiry (so an unfinished claim becomes due
-- again by itself, and "what is due" stays one indexed range scan).
ALTER TABLE reminders ADD COLUMN claimed_by TEXT;
ALTER TABLE reminders ADD COLUMN claimed_due_at BIGINT;

-- One vote per member per logged question; a second vote replaces the first.
CREATE TABLE question_feedback (
    question_id BIGINT NOT NULL REFERENCES question_log (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
    helpful BOOLEAN NOT NULL,
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (question_id, member_id)
);

-- Reminders due before a time, earliest first; also MIN(next_due_at) for the wake-up.
CREATE INDEX reminders_due ON reminders (next_due_at);
CREATE INDEX reminders_member ON reminders (member_id);
CREATE INDEX progress_history_member ON progress_history (member_id, id);
-- Unanswered questions and stats in a time window, everywhere or per guild.
CREATE INDEX question_log_asked ON question_log (asked_at);
CREATE INDEX question_log_guild_asked ON question_log (guild_id, asked_at);
CREATE INDEX question_log_member ON question_log (member_id);
CREATE INDEX question_feedback_member ON question_feedback (member_id);
