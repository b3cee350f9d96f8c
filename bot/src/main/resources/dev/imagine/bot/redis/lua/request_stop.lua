-- request_stop(P, now, id)
-- Another process asks the worker that holds the job to stop it (its owner cancelled it): the worker sees the mark
-- at its next step (should_yield) or renewal. -> 1 when a worker holds the job, else 0
local jk = K('q:job:' .. ARGV[3])
if redis.call('HGET', jk, 'state') ~= 'leased' then return 0 end
redis.call('HSET', jk, 'stopRequested', '1')
return 1
