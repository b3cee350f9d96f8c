-- requeue(P, now, id, token, parked)
-- The holder hands its job back, at the head of its user's line (its own sequence and submit time) whatever the
-- caps say. parked=1 when it yields at a step boundary (counts a preemption), 0 when the worker stops.
-- -> {'REQUEUED', preemptions} or {'STALE', state}
local s = settings()
local id, token, parked = ARGV[3], ARGV[4], ARGV[5] == '1'
local jk = K('q:job:' .. id)
local f = redis.call('HMGET', jk, 'state', 'token', 'user', 'cost', 'seq', 'pre')
if f[1] ~= 'leased' or f[2] ~= token then return {'STALE', f[1] or 'unknown'} end
drop_lease(id, f[3], tonumber(f[4]))
local pre = tonumber(f[6])
if parked then pre = pre + 1 end
redis.call('HSET', jk, 'state', 'waiting', 'pre', pre)
back_in_line(id, f[3], tonumber(f[5]), s)
return {'REQUEUED', pre}
