-- Reads the records (SHA-256 and staging attempt) of an upload's received blocks, telling an upload without blocks from no upload.
-- KEYS[1] hash     <prefix>upload:<id>
-- KEYS[2] digests  <prefix>upload:<id>:digests
-- Reply: {MISSING} for no such upload, else {FOUND, records as a flat index/record list}.
local MISSING, FOUND = 0, 1
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {MISSING}
end
return {FOUND, redis.call('HGETALL', KEYS[2])}
