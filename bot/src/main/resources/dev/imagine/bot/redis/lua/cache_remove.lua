-- cache_remove(P, now, digest)   KEYS[1] = <P>lru
-- Forgets a picture and its bytes. -> 1 when it was there
local pk = K('png:' .. ARGV[3])
local size = redis.call('STRLEN', pk)
if redis.call('ZREM', KEYS[1], ARGV[3]) == 0 and size == 0 then return 0 end
redis.call('DEL', pk)
redis.call('DECRBY', K('bytes'), size)
return 1
