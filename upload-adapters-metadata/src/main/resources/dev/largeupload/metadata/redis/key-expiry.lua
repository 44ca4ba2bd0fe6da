-- Library prepended to the scripts that change an upload (create, record-block, compare-and-set-state): keeps the
-- expiry of its keys and its place in the two sorted sets. It expects the scripts' common layout:
-- KEYS[1] hash       <prefix>upload:<id>, the session's fields
-- KEYS[2] chunks     <prefix>upload:<id>:chunks, the bitmap of received blocks (named when a block was a chunk)
-- KEYS[3] digests    <prefix>upload:<id>:digests, the blocks' SHA-256 and staging attempt by index
-- KEYS[4] expiry     <prefix>expiry, ids of active uploads scored by their expiry
-- KEYS[5] finished   <prefix>finished, ids of expired and aborted uploads scored by that change
-- ARGV[1] now        this server's clock, UTC epoch ms
-- ARGV[2] grace      how long the keys outlive the upload's expiry, ms
local function deadline(expires_at)
  return string.format('%.0f', math.max(tonumber(expires_at), tonumber(ARGV[1])) + tonumber(ARGV[2]))
end
local function expire_keys(expires_at, state)
  if state == 'COMPLETED' then
    for i = 1, 3 do
      redis.call('PERSIST', KEYS[i])
    end
  else
    local at = deadline(expires_at)
    for i = 1, 3 do
      redis.call('PEXPIREAT', KEYS[i], at)
    end
  end
end
local function index_state(id, state, expires_at, updated_at)
  if state == 'ACTIVE' then
    redis.call('ZADD', KEYS[4], expires_at, id)
  else
    redis.call('ZREM', KEYS[4], id)
  end
  if state == 'EXPIRED' or state == 'ABORTED' then
    redis.call('ZADD', KEYS[5], updated_at, id)
  else
    redis.call('ZREM', KEYS[5], id)
  end
end
