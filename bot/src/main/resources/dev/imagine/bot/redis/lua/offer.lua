-- offer(P, now, id, user, costMicros, payload)
-- Admits a job unless its user has perUser jobs waiting or total jobs wait: every check and write in one step.
-- -> {'ACCEPTED', seq, dump} / {'USER_LIMIT', 0, dump} / {'TOTAL_LIMIT', 0, dump}
--    {'EXISTS', state}   a job with this id waits or is held by a worker (a retried offer lands here)
local s = settings()
local id, user, cost, payload = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local jk = K('q:job:' .. id)
local state = redis.call('HGET', jk, 'state')
if state == 'waiting' or state == 'leased' then return {'EXISTS', state} end
if redis.call('ZCARD', K('q:line:' .. user)) >= s.perUser then return {'USER_LIMIT', 0, dump(NOW, s)} end
if redis.call('ZCARD', K('q:waiting')) >= s.total then return {'TOTAL_LIMIT', 0, dump(NOW, s)} end
local seq = redis.call('INCR', K('q:seq'))
redis.call('DEL', jk)
redis.call('HSET', jk, 'user', user, 'cost', cost, 'sub', NOW, 'seq', seq, 'pre', 0, 'state', 'waiting',
           'payload', payload, 'expiries', 0)
back_in_line(id, user, seq, s)
return {'ACCEPTED', seq, dump(NOW, s)}
