-- Library prepended to create and owner-usage: an owner's uploads, kept in two sorted sets under the key prefix.
-- <prefix>owner:<owner>:created  every upload of the owner, scored by its creation time ("my uploads")
-- <prefix>owner:<owner>:active   the owner's uploads that may still be active, scored by creation time (quotas)
-- <prefix>created                every upload, scored by its creation time (an administrator's list)
-- Members outlive their upload's keys; readers drop those whose hash is gone.

local function owner_key(prefix, owner, set)
  return prefix .. 'owner:' .. owner .. ':' .. set
end

-- How many uploads of `owner` are ACTIVE and expire after `after` (UTC epoch ms), and the sum of their file sizes.
-- Drops the members that can never count again (completed, aborted, expired, or gone), so the set stays as small as
-- the owner's uploads in progress.
local function owner_usage(prefix, owner, after)
  local active = owner_key(prefix, owner, 'active')
  local count, bytes = 0, 0
  for _, id in ipairs(redis.call('ZRANGE', active, 0, -1)) do
    local fields = redis.call('HMGET', prefix .. 'upload:' .. id, 'state', 'expires_at', 'file_size')
    local state = fields[1]
    if state == 'ACTIVE' then
      if tonumber(fields[2]) > tonumber(after) then
        count = count + 1
        bytes = bytes + tonumber(fields[3])
      end
    elseif state ~= 'COMPLETING' then
      redis.call('ZREM', active, id)
    end
  end
  return count, bytes
end
