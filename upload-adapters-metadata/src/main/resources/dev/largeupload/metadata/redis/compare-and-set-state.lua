-- Changes an upload's state from `expected` to `next`, only if it is `expected` now; prepended by key-expiry.
-- KEYS[1..5] hash, chunks, digests, expiry, finished (see key-expiry)
-- ARGV[1] now, ARGV[2] grace (see key-expiry)
-- ARGV[3] id        the upload's id
-- ARGV[4] expected  the state it must be in
-- ARGV[5] next      the state it changes to
-- ARGV[6] at        UTC epoch ms, the upload's new updated_at
-- ARGV[7] prefix    the key prefix (for the outbox)
-- ARGV[8] event_id  the id of the event to add to the outbox with the change ('' for none; see outbox.lua)
-- ARGV[9] event     the event's body
-- Reply: CHANGED, or UNCHANGED (not in the expected state, or no such upload).
local UNCHANGED, CHANGED = 0, 1
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[4] then
  return UNCHANGED
end
redis.call('HSET', KEYS[1], 'state', ARGV[5], 'updated_at', ARGV[6])
local expires_at = redis.call('HGET', KEYS[1], 'expires_at')
index_state(ARGV[3], ARGV[5], expires_at, ARGV[6])
expire_keys(expires_at, ARGV[5])
enqueue_event(ARGV[7], ARGV[3], ARGV[8], ARGV[9])
return CHANGED
