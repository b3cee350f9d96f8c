-- cache_put(P, now, digest, png, budgetBytes)   KEYS[1] = <P>lru
-- The shared result cache as an explicit structure with an exact byte budget: each PNG under png:<digest>, its last
-- use in the sorted set lru, the total under bytes; the least recently used go until the budget holds. No TTL on
-- the PNGs (an expiry behind the script's back would make the byte count lie), and the Redis instance runs with
-- maxmemory-policy noeviction, so Redis itself never evicts a job to make room for a picture. -> {evicted, bytes}
local key, png, budget = ARGV[3], ARGV[4], tonumber(ARGV[5])
if string.len(png) > budget then return {0, tonumber(redis.call('GET', K('bytes')) or '0')} end
local pk = K('png:' .. key)
local old = redis.call('STRLEN', pk)
redis.call('SET', pk, png)
redis.call('ZADD', KEYS[1], NOW, key)
local bytes = redis.call('INCRBY', K('bytes'), string.len(png) - old)
local evicted = 0
while bytes > budget do
  local oldest = redis.call('ZPOPMIN', KEYS[1])
  if #oldest == 0 then break end
  local ok = K('png:' .. oldest[1])
  bytes = redis.call('DECRBY', K('bytes'), redis.call('STRLEN', ok))
  redis.call('DEL', ok)
  evicted = evicted + 1
end
return {evicted, bytes}
