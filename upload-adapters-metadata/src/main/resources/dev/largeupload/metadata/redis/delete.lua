-- Removes an upload's keys and its members of the sorted sets; succeeds when there is nothing.
-- KEYS[1..5] hash, chunks, digests, expiry, finished (see key-expiry)
-- ARGV[1] id  the upload's id
-- Reply: DELETED, whatever there was.
local DELETED = 1
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return DELETED
