-- finish(P, now, id, token, outcome, cpuSeconds)
-- The holder ends its job. Outcome 'done' charges the user cpuSeconds, atomically with the end of the lease (the
-- only way a worker's usage grows); 'ended' (failed, cancelled, timed out) charges nothing. A worker whose token is
-- no longer the current one changes nothing. -> {'OK', usageCpu, usageAsOf} or {'STALE', state}
local s = settings()
local id, token, outcome, cpu = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local jk = K('q:job:' .. id)
local f = redis.call('HMGET', jk, 'state', 'token', 'user', 'cost')
if f[1] ~= 'leased' or f[2] ~= token then return {'STALE', f[1] or 'unknown'} end
local user = f[3]
drop_lease(id, user, tonumber(f[4]))
local charged = usage_at(user, NOW, s)
if outcome == 'done' then
  charged = charged + cpu
  redis.call('HSET', K('q:usage'), user, fmt(charged) .. ',' .. fmt(NOW))
end
redis.call('HSET', jk, 'state', outcome, 'endedAt', NOW)
return {'OK', fmt(charged), fmt(NOW)}
