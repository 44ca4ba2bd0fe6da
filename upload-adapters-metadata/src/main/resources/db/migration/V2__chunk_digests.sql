-- Issue #6: the SHA-256 of every chunk, a running count of received chunks, and an index for the
-- job that removes finished uploads. Every statement can run again after a half-applied attempt
-- (H2 commits each DDL statement; PostgreSQL rolls the whole script back).

-- The chunk's 32-byte digest; NULL for a chunk recorded before this version. BYTEA is PostgreSQL's
-- binary type and an alias of BINARY VARYING in H2 2.x.
ALTER TABLE upload_chunks ADD COLUMN IF NOT EXISTS sha256 BYTEA;

-- How many rows upload_chunks holds for the upload, kept by recordChunk under the upload's row lock,
-- so that recording a chunk never counts them.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS received_count INT DEFAULT 0 NOT NULL;

UPDATE uploads SET received_count = (SELECT COUNT(*) FROM upload_chunks c WHERE c.upload_id = uploads.id);

CREATE INDEX IF NOT EXISTS uploads_state_updated_at ON uploads (state, updated_at);
