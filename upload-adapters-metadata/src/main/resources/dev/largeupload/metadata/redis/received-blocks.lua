-- Reads an upload's received blocks, telling an upload without blocks from no upload.
-- KEYS[1] hash    <prefix>upload:<id>
-- KEYS[2] chunks  <prefix>upload:<id>:chunks, the bitmap of received blocks
-- Reply: {MISSING} for no such upload, else {FOUND, bitmap}.
local MISSING, FOUND = 0, 1
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {MISSING}
end
return {FOUND, redis.call('GET', KEYS[2]) or ''}
