-- should_yield(P, now, id, token, promiseMillis)
-- FairShareQueue.shouldYield for the job this token holds: yes when preemption is on, the job was parked fewer than
-- maxPerJob times, the next job by the policy belongs to another user and was never parked, and that user's
-- priority beats the running user's (usage + their other jobs in flight - the aging credit this job started with)
-- by the margin. A yes promises the challenger to this worker (see promised_to_other). -> 1, 0, -1 when this
-- token no longer holds the job (the worker must stop: another may be drawing it), or -2 when another process asked
-- for the job to stop (request_stop)
local s = settings()
local id, token = ARGV[3], ARGV[4]
local jk = K('q:job:' .. id)
local f = redis.call('HMGET', jk, 'state', 'token', 'user', 'cost', 'pre', 'credit', 'worker', 'leaseUntil',
                     'stopRequested')
if f[1] ~= 'leased' or f[2] ~= token or tonumber(f[8]) <= NOW then return -1 end
if f[9] == '1' then return -2 end
if s.maxPerJob == 0 or tonumber(f[5]) >= s.maxPerJob then return 0 end
local next, challenger, h = next_user(NOW, s, true, token, f[3], tonumber(f[4]))
if not next or next == f[3] or h.pre > 0 then return 0 end
local incumbent = usage_at(f[3], NOW, s) + inflight(f[3], tonumber(f[4])) - tonumber(f[6])
if challenger + s.margin <= incumbent then
  redis.call('HSET', K('q:job:' .. h.id), 'promisedTo', token, 'promisedBy', f[7],
             'promisedUntil', NOW + tonumber(ARGV[5]) * 1000)
  return 1
end
return 0
