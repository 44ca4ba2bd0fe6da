-- Declares the length of an upload whose length was deferred: its plan's file size and chunk count, in its hash.
-- KEYS[1] hash         <prefix>upload:<id>
-- ARGV[1] file_size    the declared length
-- ARGV[2] chunk_count  the chunks of the plan cut to that length
-- ARGV[3] block_size   the plan's block size, which must be the one held
-- Reply: MISSING (no such upload), UNCHANGED (not active, its length known, or another block size), or DECLARED.
local MISSING, UNCHANGED, DECLARED = 0, 1, 2
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return MISSING
end
if state ~= 'ACTIVE' or redis.call('HGET', KEYS[1], 'length_deferred') ~= '1'
    or redis.call('HGET', KEYS[1], 'block_size') ~= ARGV[3] then
  return UNCHANGED
end
redis.call('HSET', KEYS[1], 'file_size', ARGV[1], 'chunk_count', ARGV[2])
redis.call('HDEL', KEYS[1], 'length_deferred')
return DECLARED
