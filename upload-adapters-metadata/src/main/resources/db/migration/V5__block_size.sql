-- Issue #14: the plan's block size, the durable and recorded unit of an upload (a chunk is a whole number of
-- blocks). NULL for an upload created before this version: its plan has blocks as large as its chunks, so its
-- received bitmap and its rows in upload_chunks are by chunk, which is by block (SessionCodec.plan). From this
-- version on, bit i of uploads.received and upload_chunks.chunk_index = i are block i of the plan.
-- Can run again after a half-applied attempt.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS block_size BIGINT;
