-- Reads an upload's fields and received blocks in one step.
-- KEYS[1] hash    <prefix>upload:<id>
-- KEYS[2] chunks  <prefix>upload:<id>:chunks, the bitmap of received blocks
-- Reply: nil for no such upload, else {hash as a flat field/value list, bitmap}.
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then
  return nil
end
return {fields, redis.call('GET', KEYS[2]) or ''}
