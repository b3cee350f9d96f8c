-- store_save(P, now, id, json, state, createdMicros, ownerKey, token, origin)   KEYS[1] = <P>job:<id>
-- Writes a job record and its indexes (by state, by owner). With a token (the writer is the worker that holds the
-- job), only while that token still holds a live lease: a worker that comes back late cannot overwrite what the
-- newer holder wrote. An origin kept by store_origin wins over the record's: a record with another origin (a copy made
-- before the adapter learned it) is not written, and the caller writes it again with the one returned.
-- -> {'OK'}, {'STALE', state} or {'ORIGIN', origin}
local id, json, state, created, owner, token, origin = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
if token ~= '' then
  local f = redis.call('HMGET', K('q:job:' .. id), 'state', 'token', 'leaseUntil')
  if f[1] ~= 'leased' or f[2] ~= token or tonumber(f[3]) <= NOW then return {'STALE', f[1] or 'unknown'} end
end
local late = redis.call('HGET', KEYS[1], 'origin')
if late and late ~= origin then return {'ORIGIN', late} end
local old = redis.call('HGET', KEYS[1], 'state')
if old then redis.call('ZREM', K('jobs:state:' .. old), id) end
redis.call('HSET', KEYS[1], 'json', json, 'state', state)
redis.call('ZADD', K('jobs:state:' .. state), created, id)
redis.call('ZADD', K('jobs:owner:' .. owner), created, id)
return {'OK'}
