-- charge(P, now, user, cpuSeconds)
-- Adds CPU time to the user's decayed usage (FairShareQueue.charge); at most once per half-life, forgets users
-- with nothing waiting or running whose usage decayed below 1e-3. -> {usageCpu, asOf}
local s = settings()
local user, cpu = ARGV[3], tonumber(ARGV[4])
local charged = usage_at(user, NOW, s) + cpu
redis.call('HSET', K('q:usage'), user, fmt(charged) .. ',' .. fmt(NOW))
local last = tonumber(redis.call('GET', K('q:lastForgetting')) or '-1e300')
if (NOW - last) / 1e6 >= s.halfLife then
  redis.call('SET', K('q:lastForgetting'), NOW)
  local all = redis.call('HGETALL', K('q:usage'))
  for i = 1, #all, 2 do
    local u = all[i]
    local c, a = string.match(all[i + 1], '^([^,]+),(.+)$')
    if redis.call('EXISTS', K('q:line:' .. u)) == 0 and redis.call('HEXISTS', K('q:inflight'), u) == 0
        and decayed(tonumber(c), tonumber(a), NOW, s.halfLife) < 1e-3 then
      redis.call('HDEL', K('q:usage'), u)
    end
  end
end
return {fmt(charged), fmt(NOW)}
