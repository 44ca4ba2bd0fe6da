-- Library prepended to create and compare-and-set-state: adds an event to the outbox in the script of the change it
-- tells of, so both happen or neither. The outbox's keys, under the store's prefix:
--   outbox:due              sorted set: the uploads with events, scored by when (UTC epoch ms) their oldest event may
--                           be claimed: 0 when new, its retry time once released, the end of its lease while claimed
--   outbox:queue:<upload>   list: the upload's event ids, oldest first (only the first is ever claimed)
--   outbox:event:<event>    hash: body (EventCodec), upload, attempts, claimant ('' for none), delivered
--   outbox:count            how many events the outbox holds
local function enqueue_event(prefix, upload, event_id, body)
  if event_id == '' then
    return
  end
  redis.call('HSET', prefix .. 'outbox:event:' .. event_id, 'body', body, 'upload', upload, 'attempts', 0,
    'claimant', '', 'delivered', '')
  if redis.call('RPUSH', prefix .. 'outbox:queue:' .. upload, event_id) == 1 then
    redis.call('ZADD', prefix .. 'outbox:due', 0, upload)
  end
  redis.call('INCR', prefix .. 'outbox:count')
end
