-- Creates an upload, within a limit on active uploads if one is given; prepended by key-expiry and active-uploads.
-- KEYS[1..5] hash, chunks, digests, expiry, finished (see key-expiry)
-- ARGV[1] now, ARGV[2] grace (see key-expiry)
-- ARGV[3] id         the upload's id
-- ARGV[4] bitmap     the received blocks as a Redis bitmap (empty: none)
-- ARGV[5] limit      create only while fewer uploads are active (0: no limit)
-- ARGV[6] active_at  the instant at which uploads count as active (expiring after it), UTC epoch ms
-- ARGV[7] prefix     the key prefix, to read the state of other uploads when counting
-- ARGV[8] owner      the owner of the upload ('' for none), prepended by owner-uploads
-- ARGV[9] max_uploads   the owner's quota of active uploads (0: none)
-- ARGV[10] max_bytes    the owner's quota of bytes in active uploads (0: none)
-- ARGV[11] file_size    this upload's size, counted against max_bytes
-- ARGV[12] event_id   the id of the event to add to the outbox with the upload ('' for none; see outbox.lua)
-- ARGV[13] event      the event's body
-- ARGV[14..] field, value, field, value, ...: the session's fields
-- Reply: {code, the owner's active uploads, their bytes as text}: code CREATED, EXISTS (an upload with this id
-- exists), FULL (limit uploads are active), OWNER_UPLOADS or OWNER_BYTES (the owner's quota); nothing is changed
-- unless CREATED. The owner's usage is counted only when a quota is given.
local EXISTS, CREATED, FULL, OWNER_UPLOADS, OWNER_BYTES = 0, 1, 2, 3, 4
local prefix, owner = ARGV[7], ARGV[8]
local max_uploads, max_bytes, size = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {EXISTS, 0, '0'}
end
local limit = tonumber(ARGV[5])
local count, bytes = 0, 0
if owner ~= '' and (max_uploads > 0 or max_bytes > 0) then
  count, bytes = owner_usage(prefix, owner, ARGV[6])
end
local used = string.format('%.0f', bytes)
if limit > 0 and not has_room(KEYS[4], ARGV[6], prefix, limit) then
  return {FULL, count, used}
end
if max_uploads > 0 and count >= max_uploads then
  return {OWNER_UPLOADS, count, used}
end
if max_bytes > 0 and bytes + size > max_bytes then
  return {OWNER_BYTES, count, used}
end
redis.call('DEL', KEYS[2], KEYS[3])
local fields = {}
for i = 14, #ARGV do
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
enqueue_event(prefix, ARGV[3], ARGV[12], ARGV[13])
local created_at = redis.call('HGET', KEYS[1], 'created_at')
redis.call('ZADD', prefix .. 'created', created_at, ARGV[3])
if owner ~= '' then
  redis.call('ZADD', owner_key(prefix, owner, 'created'), created_at, ARGV[3])
  if state == 'ACTIVE' then
    redis.call('ZADD', owner_key(prefix, owner, 'active'), created_at, ARGV[3])
  end
end
return {CREATED, count, used}
