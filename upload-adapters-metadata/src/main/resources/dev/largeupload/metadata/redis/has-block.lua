-- Whether one block of an upload is recorded (one GETBIT), telling an upload without it from no upload.
-- KEYS[1] hash    <prefix>upload:<id>
-- KEYS[2] chunks  <prefix>upload:<id>:chunks, the bitmap of received blocks
-- ARGV[1] index   the block's index (0 or more; past the bitmap's end is not recorded)
-- Reply: {MISSING} for no such upload, else {FOUND, 1 if recorded or 0}.
local MISSING, FOUND = 0, 1
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {MISSING}
end
return {FOUND, redis.call('GETBIT', KEYS[2], ARGV[1])}
