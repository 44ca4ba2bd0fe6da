-- Library prepended to count-active and create: counts the active uploads in the expiry sorted set.

-- How many members of the sorted set `expiry` are scored after `after` (UTC epoch ms) and are uploads whose hash
-- (under `prefix`) says ACTIVE. Drops the other members (an upload whose keys are gone), so the count is exact
-- whatever happened to the keys. Reads the state of every such member: as many as the cap on active uploads allows.
local function count_active(expiry, after, prefix)
  local count = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', expiry, '(' .. after, '+inf')) do
    if redis.call('HGET', prefix .. 'upload:' .. id, 'state') == 'ACTIVE' then
      count = count + 1
    else
      redis.call('ZREM', expiry, id)
    end
  end
  return count
end

-- Whether fewer than `limit` uploads are active after `after`. Every active upload is a member of `expiry`, so fewer
-- members than the limit (one ZCOUNT) is room; only at the limit are the members' states read.
local function has_room(expiry, after, prefix, limit)
  if redis.call('ZCOUNT', expiry, '(' .. after, '+inf') < limit then
    return true
  end
  return count_active(expiry, after, prefix) < limit
end
