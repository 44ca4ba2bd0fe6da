-- Issue #15, concatenation: an append state (AppendState.encode) may also name the parts of a concatenation, up to
-- 1,000 upload ids beside its 8,192 characters of labels, so its text column grows. The same statement on H2 and
-- PostgreSQL; it can run again.
ALTER TABLE upload_append_states ALTER COLUMN state SET DATA TYPE VARCHAR(48000);
