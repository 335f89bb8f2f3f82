-- 0004: undoing a progress change, and progress looked up by checklist item.
--
-- A member who marked the wrong item can undo their last change. The change's history
-- row gets the time it was undone, so the history still shows what happened and a
-- second undo does not walk further back. ADD COLUMN with no default: existing rows
-- read as never undone.

ALTER TABLE progress_history ADD COLUMN undone_at BIGINT;

-- Progress by checklist item, for moderators' reloads: carrying progress over to an
-- item's new id, and counting members with progress on an item that was removed.
CREATE INDEX progress_item ON progress (item_id);
