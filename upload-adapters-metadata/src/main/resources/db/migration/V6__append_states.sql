-- Issue #15: what an upload appended to by byte offset (the tus edge) keeps beside its session: the labels its
-- client gave, and the partial block past its last whole block (AppendState.encode), replaced by compare-and-set
-- on revision. Can run again after a half-applied attempt.
CREATE TABLE IF NOT EXISTS upload_append_states (
    upload_id VARCHAR(36)   NOT NULL PRIMARY KEY REFERENCES uploads (id) ON DELETE CASCADE,
    revision  BIGINT        NOT NULL,
    state     VARCHAR(9000) NOT NULL
);
