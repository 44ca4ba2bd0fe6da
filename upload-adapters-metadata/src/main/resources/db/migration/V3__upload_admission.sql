-- Issue #13: one row whose lock serialises the creations that must stay within the cap on active uploads
-- (MAX_ACTIVE_UPLOADS): JdbcMetadataStore.createWithinLimit updates it, then counts the active uploads and inserts
-- the new one in the same transaction, so that concurrent creations on any number of servers count one after the
-- other. admitted_at is the time of the last such creation (UTC epoch milliseconds), written to take the lock.
-- Both statements can run again after a half-applied attempt.

CREATE TABLE IF NOT EXISTS upload_admission (
    id          INT    NOT NULL PRIMARY KEY,
    admitted_at BIGINT NOT NULL
);

INSERT INTO upload_admission (id, admitted_at) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM upload_admission WHERE id = 1);
