-- Creates an upload, within a limit on active uploads if one is given; prepended by key-expiry and active-uploads.
-- KEYS[1..5] hash, chunks, digests, expiry, finished (see key-expiry)
-- ARGV[1] now, ARGV[2] grace (see key-expiry)
-- ARGV[3] id         the upload's id
-- ARGV[4] bitmap     the received blocks as a Redis bitmap (empty: none)
-- ARGV[5] limit      create only while fewer uploads are active (0: no limit)
-- ARGV[6] active_at  the instant at which uploads count as active (expiring after it), UTC epoch ms
-- ARGV[7] prefix     the key prefix, to read the state of other uploads when counting
-- ARGV[8] event_id   the id of the event to add to the outbox with the upload ('' for none; see outbox.lua)
-- ARGV[9] event      the event's body
-- ARGV[10..] field, value, field, value, ...: the session's fields
-- Reply: CREATED, EXISTS (an upload with this id exists) or FULL (limit uploads are active); nothing is changed
-- unless CREATED.
local EXISTS, CREATED, FULL = 0, 1, 2
if redis.call('EXISTS', KEYS[1]) == 1 then
  return EXISTS
end
local limit = tonumber(ARGV[5])
if limit > 0 and not has_room(KEYS[4], ARGV[6], ARGV[7], limit) then
  return FULL
end
redis.call('DEL', KEYS[2], KEYS[3])
local fields = {}
for i = 10, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
if #ARGV[4] > 0 then
  redis.call('SET', KEYS[2], ARGV[4])
end
local state = redis.call('HGET', KEYS[1], 'state')
local expires_at = redis.call('HGET', KEYS[1], 'expires_at')
index_state(ARGV[3], state, expires_at, redis.call('HGET', KEYS[1], 'updated_at'))
expire_keys(expires_at, state)
enqueue_event(ARGV[7], ARGV[3], ARGV[8], ARGV[9])
return CREATED
