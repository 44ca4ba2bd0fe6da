-- Saves an upload's append state (AppendState.encode) in its hash, only if the revision held is the expected one.
-- KEYS[1] hash      <prefix>upload:<id>; the state lives in its fields append_revision and append_state, so it
--                   expires and is deleted with the upload
-- ARGV[1] expected  the revision held now ("0": none)
-- ARGV[2] next      the revision saved
-- ARGV[3] state     the encoded state
-- Reply: MISSING (no such upload), STALE (another revision is held; nothing changed), or SAVED.
local MISSING, STALE, SAVED = 0, 1, 2
if redis.call('EXISTS', KEYS[1]) == 0 then
  return MISSING
end
local held = redis.call('HGET', KEYS[1], 'append_revision') or '0'
if held ~= ARGV[1] then
  return STALE
end
redis.call('HSET', KEYS[1], 'append_revision', ARGV[2], 'append_state', ARGV[3])
return SAVED
