-- Ends a claimant's lease of an event without removing it (see outbox.lua).
-- ARGV[1] prefix, ARGV[2] event_id, ARGV[3] claimant
-- ARGV[4] retry_at   UTC epoch ms, when it is due again
-- ARGV[5] delivered  the destinations that acknowledged it (EventCodec.encodeDestinations)
-- Reply: RELEASED, or NOT_HELD (the claimant does not hold it; nothing changed).
local NOT_HELD, RELEASED = 0, 1
local prefix = ARGV[1]
local event = prefix .. 'outbox:event:' .. ARGV[2]
if redis.call('HGET', event, 'claimant') ~= ARGV[3] then
  return NOT_HELD
end
redis.call('HSET', event, 'claimant', '', 'delivered', ARGV[5])
redis.call('ZADD', prefix .. 'outbox:due', ARGV[4], redis.call('HGET', event, 'upload'))
return RELEASED
