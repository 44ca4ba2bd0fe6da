-- Removes a delivered event that the claimant holds; the next event of its upload becomes due at once (see outbox.lua).
-- ARGV[1] prefix, ARGV[2] event_id, ARGV[3] claimant
-- Reply: REMOVED, or NOT_HELD (the claimant does not hold it; nothing changed).
local NOT_HELD, REMOVED = 0, 1
local prefix = ARGV[1]
local event = prefix .. 'outbox:event:' .. ARGV[2]
if redis.call('HGET', event, 'claimant') ~= ARGV[3] then
  return NOT_HELD
end
local upload = redis.call('HGET', event, 'upload')
local queue = prefix .. 'outbox:queue:' .. upload
redis.call('DEL', event)
redis.call('LREM', queue, 1, ARGV[2])
if redis.call('LLEN', queue) > 0 then
  redis.call('ZADD', prefix .. 'outbox:due', 0, upload)
else
  redis.call('ZREM', prefix .. 'outbox:due', upload)
end
redis.call('DECR', prefix .. 'outbox:count')
return REMOVED
