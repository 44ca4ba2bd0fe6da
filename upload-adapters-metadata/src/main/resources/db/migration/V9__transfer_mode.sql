-- Issue #16: how an upload's bytes travel: 'direct' when the client stages its blocks straight into the blob
-- storage, NULL when they go through this server (and for every upload before this version)
-- (SessionField.TRANSFER). Can run again after a half-applied attempt.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS transfer VARCHAR(16);
