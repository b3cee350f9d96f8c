-- cache_get(P, now, digest)   KEYS[1] = <P>lru
-- -> the PNG (its last use becomes now), or nil.
local png = redis.call('GET', K('png:' .. ARGV[3]))
if png then redis.call('ZADD', KEYS[1], 'XX', NOW, ARGV[3]) end
return png
