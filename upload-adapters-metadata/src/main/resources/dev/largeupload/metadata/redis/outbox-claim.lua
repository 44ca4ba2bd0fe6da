-- Claims due events: the oldest event of each upload whose due time is at or before now (see outbox.lua).
-- ARGV[1] prefix     the key prefix
-- ARGV[2] now        UTC epoch ms
-- ARGV[3] lease_end  UTC epoch ms, when the claim's lease ends (the upload is due again then)
-- ARGV[4] claimant   who claims
-- ARGV[5] limit      how many events at most
-- Reply: a flat list body, attempts, delivered, body, attempts, delivered, ... of the events claimed.
local prefix, now, lease_end, claimant, limit = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local due = prefix .. 'outbox:due'
local reply = {}
for _, upload in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)) do
  local event_id = redis.call('LINDEX', prefix .. 'outbox:queue:' .. upload, 0)
  if not event_id then
    redis.call('ZREM', due, upload)
  else
    local event = prefix .. 'outbox:event:' .. event_id
    local attempts = redis.call('HINCRBY', event, 'attempts', 1)
    redis.call('HSET', event, 'claimant', claimant)
    redis.call('ZADD', due, lease_end, upload)
    reply[#reply + 1] = redis.call('HGET', event, 'body')
    reply[#reply + 1] = tostring(attempts)
    reply[#reply + 1] = redis.call('HGET', event, 'delivered') or ''
  end
end
return reply
