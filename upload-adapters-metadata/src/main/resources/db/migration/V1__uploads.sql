-- Upload sessions and their received chunks. Instants are UTC epoch milliseconds (BIGINT),
-- the one time type that H2 and PostgreSQL store and compare alike.
-- IF NOT EXISTS makes a script that failed half-way (H2 commits each DDL statement) safe to run again.

CREATE TABLE IF NOT EXISTS uploads (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    file_name       VARCHAR(1024) NOT NULL,
    content_type    VARCHAR(255)  NOT NULL,
    file_size       BIGINT        NOT NULL,
    chunk_size      BIGINT        NOT NULL,
    chunk_count     INT           NOT NULL,
    state           VARCHAR(16)   NOT NULL,
    created_at      BIGINT        NOT NULL,
    updated_at      BIGINT        NOT NULL,
    expires_at      BIGINT        NOT NULL,
    token_hash      VARCHAR(64)   NOT NULL,
    expected_sha256 VARCHAR(64)
);

CREATE INDEX IF NOT EXISTS uploads_state_expires_at ON uploads (state, expires_at);

CREATE TABLE IF NOT EXISTS upload_chunks (
    upload_id   VARCHAR(36) NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    chunk_index INT         NOT NULL,
    received_at BIGINT      NOT NULL,
    PRIMARY KEY (upload_id, chunk_index)
);
