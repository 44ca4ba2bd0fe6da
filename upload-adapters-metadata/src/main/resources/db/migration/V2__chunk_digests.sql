-- Issue #6: the SHA-256 of every chunk, the set and count of received chunks on the upload's row, and an
-- index for the job that removes finished uploads. Every statement can run again after a half-applied attempt
-- (H2 commits each DDL statement; PostgreSQL rolls the whole script back).

-- The chunk's 32-byte digest; NULL for a chunk recorded before this version. BYTEA is PostgreSQL's
-- binary type and an alias of BINARY VARYING in H2 2.x.
ALTER TABLE upload_chunks ADD COLUMN IF NOT EXISTS sha256 BYTEA;

-- The set of received chunks as a bitmap (bit i is bit i % 8 of byte i / 8, as java.util.BitSet#toByteArray;
-- at most 6,250 bytes for 50,000 chunks) and its size, kept by recordChunk under the upload's row lock, so
-- that reading an upload reads its row alone and recording a chunk never scans the chunk rows.
-- SchemaMigrations fills both from upload_chunks right after this script, in the same transaction
-- (building a bitmap is not portable SQL); received is NULL for no row after that.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS received_count INT DEFAULT 0 NOT NULL;

ALTER TABLE uploads ADD COLUMN IF NOT EXISTS received BYTEA;

CREATE INDEX IF NOT EXISTS uploads_state_updated_at ON uploads (state, updated_at);
