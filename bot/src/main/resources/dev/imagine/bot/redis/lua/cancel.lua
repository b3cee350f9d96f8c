-- cancel(P, now, id)
-- Removes a waiting job; it costs nothing. -> {} when no job with this id waits, else
-- {id, user, cost, sub, seq, pre, payload}
local id = ARGV[3]
local jk = K('q:job:' .. id)
local f = redis.call('HMGET', jk, 'state', 'user', 'cost', 'sub', 'seq', 'pre', 'payload')
if f[1] ~= 'waiting' then return {} end
redis.call('ZREM', K('q:line:' .. f[2]), id)
redis.call('ZREM', K('q:waiting'), id)
if redis.call('ZCARD', K('q:line:' .. f[2])) == 0 then redis.call('SREM', K('q:users'), f[2]) end
redis.call('HSET', jk, 'state', 'cancelled', 'endedAt', NOW)
return {id, f[2], f[3], f[4], f[5], f[6], f[7]}
