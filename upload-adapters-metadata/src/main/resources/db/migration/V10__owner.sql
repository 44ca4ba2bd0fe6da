-- Issue #17: who started an upload (the signed-in subject, a token's sub), NULL when no one was signed in and for
-- every upload before this version (SessionField.OWNER). "My uploads" reads the index by owner and creation time,
-- newest first; an administrator's list (every upload) the one by creation time. Quotas count an owner's active
-- uploads through the first. Can run again after a half-applied attempt.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS owner VARCHAR(255);
CREATE INDEX IF NOT EXISTS uploads_owner_created_at ON uploads (owner, created_at, id);
CREATE INDEX IF NOT EXISTS uploads_created_at ON uploads (created_at, id);
