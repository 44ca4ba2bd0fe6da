-- Reads the SHA-256 of an upload's received chunks, telling an upload without chunks from no upload.
-- KEYS[1] hash     <prefix>upload:<id>
-- KEYS[2] digests  <prefix>upload:<id>:digests
-- Reply: {MISSING} for no such upload, else {FOUND, digests as a flat index/digest list}.
local MISSING, FOUND = 0, 1
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {MISSING}
end
return {FOUND, redis.call('HGETALL', KEYS[2])}
