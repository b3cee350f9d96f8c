-- store_delete(P, now, id, ownerKey)   KEYS[1] = <P>job:<id>
-- Forgets a job record (one that was never accepted) and its index entries. -> 1 when there was one
local id = ARGV[3]
local old = redis.call('HGET', KEYS[1], 'state')
if not old then return 0 end
redis.call('ZREM', K('jobs:state:' .. old), id)
redis.call('ZREM', K('jobs:owner:' .. ARGV[4]), id)
redis.call('DEL', KEYS[1])
return 1
