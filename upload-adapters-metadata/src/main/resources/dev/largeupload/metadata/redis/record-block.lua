-- Records a received block with its SHA-256 and staging attempt and pushes the upload's expiry; prepended by key-expiry.
-- KEYS[1..5] hash, chunks, digests, expiry, finished (see key-expiry)
-- ARGV[1] now, ARGV[2] grace (see key-expiry)
-- ARGV[3] id           the upload's id
-- ARGV[4] index        the block's index
-- ARGV[5] received_at  UTC epoch ms, the upload's new updated_at
-- ARGV[6] expires_at   UTC epoch ms, the upload's new expiry
-- ARGV[7] record       the block's digest (32 raw bytes) then its staging attempt (8 bytes, big-endian)
-- Reply: {count} of received blocks, this one included; else a refusal, RecordBlockRefusal in Java:
-- {-1} NO_SUCH_UPLOAD, {-2, state} NOT_ACTIVE, {-3, block_count} OUT_OF_RANGE.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return {-1}
end
if state ~= 'ACTIVE' then
  return {-2, state}
end
-- A hash written before blocks existed has no block_size: its blocks are its chunks. Sizes stay below 2^53, so
-- these doubles are exact, and index * block_size >= file_size is exact too (rounding keeps a product that is
-- at least file_size at least file_size).
local file_size = tonumber(redis.call('HGET', KEYS[1], 'file_size'))
local block_size = tonumber(redis.call('HGET', KEYS[1], 'block_size') or redis.call('HGET', KEYS[1], 'chunk_size'))
if tonumber(ARGV[4]) * block_size >= file_size then
  return {-3, math.ceil(file_size / block_size)}
end
redis.call('SETBIT', KEYS[2], ARGV[4], 1)
redis.call('HSET', KEYS[3], ARGV[4], ARGV[7])
redis.call('HSET', KEYS[1], 'updated_at', ARGV[5], 'expires_at', ARGV[6])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[3])
expire_keys(ARGV[6], state)
return {redis.call('BITCOUNT', KEYS[2])}
