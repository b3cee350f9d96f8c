-- renew(P, now, id, token, leaseMillis, workerTtlMillis, worker)
-- Extends the lease of the holder of this token, never past the job's deadline.
-- -> {'OK', leaseUntil, stopRequested} or {'LOST', state}: the worker must stop (its lease ran out and the job went back, or
--    another worker holds it under a newer token)
local id, token, leaseMs = ARGV[3], ARGV[4], tonumber(ARGV[5])
local jk = K('q:job:' .. id)
local f = redis.call('HMGET', jk, 'state', 'token', 'deadline', 'leaseUntil', 'stopRequested')
if f[1] ~= 'leased' or f[2] ~= token or tonumber(f[4]) <= NOW then return {'LOST', f[1] or 'unknown'} end
local leaseUntil = math.min(NOW + leaseMs * 1000, tonumber(f[3]))
redis.call('HSET', jk, 'leaseUntil', leaseUntil)
redis.call('ZADD', K('q:leases'), leaseUntil, id)
redis.call('ZADD', K('q:workers'), NOW + tonumber(ARGV[6]) * 1000, ARGV[7])
return {'OK', leaseUntil, f[5] or ''}
