-- Removes an upload's keys and its members of the sorted sets; succeeds when there is nothing.
-- KEYS[1..5] hash, chunks, digests, expiry, finished (see key-expiry)
-- ARGV[1] id  the upload's id
-- The sets of owner-uploads (<prefix>created, <prefix>owner:<owner>:…) are named from the prefix, which KEYS[4]
-- (<prefix>expiry) ends with, and the owner the hash holds.
-- Reply: DELETED, whatever there was.
local DELETED = 1
local prefix = string.sub(KEYS[4], 1, #KEYS[4] - #'expiry')
local owner = redis.call('HGET', KEYS[1], 'owner')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', prefix .. 'created', ARGV[1])
if owner then
  redis.call('ZREM', prefix .. 'owner:' .. owner .. ':created', ARGV[1])
  redis.call('ZREM', prefix .. 'owner:' .. owner .. ':active', ARGV[1])
end
return DELETED
