-- inflight_drop(P, now, id)   KEYS[1] = <P>inflight:follows:<id>
-- The job `id` stops following its leader (its owner cancelled it). -> 1 when it was following one
local id = ARGV[3]
local leader = redis.call('GET', KEYS[1])
if not leader then return 0 end
redis.call('DEL', KEYS[1])
return redis.call('HDEL', K('inflight:followers:' .. leader), id)
