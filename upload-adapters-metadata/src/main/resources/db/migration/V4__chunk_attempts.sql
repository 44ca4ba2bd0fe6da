-- Issue #13: the staging attempt whose bytes a chunk's digest belongs to, written in the same statement as the
-- digest, so that the commit takes exactly those bytes. NULL for a chunk recorded before this version (its
-- bytes are the one staging of the index that version made). Can run again after a half-applied attempt.
ALTER TABLE upload_chunks ADD COLUMN IF NOT EXISTS staging_attempt BIGINT;
