-- Ids of active uploads expired at or before now, oldest first; drops members whose upload is gone (its keys
-- expired) or no longer active, so that they cannot crowd the limit.
-- KEYS[1] expiry  <prefix>expiry
-- ARGV[1] now     UTC epoch ms
-- ARGV[2] limit   at most this many ids
-- ARGV[3] prefix  the key prefix, to read each upload's state
-- Reply: the ids.
local limit = tonumber(ARGV[2])
local found = {}
local offset = 0
while #found < limit do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', offset, limit - #found)
  if #ids == 0 then
    break
  end
  for _, id in ipairs(ids) do
    if redis.call('HGET', ARGV[3] .. 'upload:' .. id, 'state') == 'ACTIVE' then
      found[#found + 1] = id
      offset = offset + 1
    else
      redis.call('ZREM', KEYS[1], id)
    end
  end
end
return found
