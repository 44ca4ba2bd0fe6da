-- Issue #15: whether an upload's length is deferred (tus creation-defer-length, an IETF draft upload without a
-- length): '1' while it is, NULL once it is known and for every upload before this version. Its plan is for the
-- largest file allowed until the length is declared (SessionField.LENGTH_DEFERRED). Can run again after a
-- half-applied attempt.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS length_deferred VARCHAR(1);
