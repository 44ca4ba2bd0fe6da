-- Up to a page of uploads from an index sorted set (scored by creation time), newest first; prepended by nothing.
-- KEYS[1] index   <prefix>created, or <prefix>owner:<owner>:created
-- ARGV[1] prefix  the key prefix
-- ARGV[2] max     the creation time to start at, UTC epoch ms ('+inf' for the newest)
-- ARGV[3] after   the id of the last upload of the previous page, created at max ('' for none): uploads created at
--                 max list only when their id sorts before it
-- ARGV[4] limit   how many at most
-- Reply: {id, hash as a flat field/value list, bitmap, id, …}. Members whose hash is gone are dropped from the index.
local prefix, max, after, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local reply, found, offset = {}, 0, 0
local batch = limit + 16
while found < limit do
  local members = redis.call('ZREVRANGEBYSCORE', KEYS[1], max, '-inf', 'WITHSCORES', 'LIMIT', offset, batch)
  if #members == 0 then
    break
  end
  for i = 1, #members, 2 do
    local id, score = members[i], members[i + 1]
    if not (after ~= '' and tonumber(score) == tonumber(max) and id >= after) then
      local hash = prefix .. 'upload:' .. id
      local fields = redis.call('HGETALL', hash)
      if #fields == 0 then
        redis.call('ZREM', KEYS[1], id)
        offset = offset - 1
      else
        reply[#reply + 1] = id
        reply[#reply + 1] = fields
        reply[#reply + 1] = redis.call('GET', hash .. ':chunks') or ''
        found = found + 1
        if found == limit then
          break
        end
      end
    end
  end
  offset = offset + #members / 2
  if #members / 2 < batch then
    break
  end
end
return reply
