-- take(P, now, worker, leaseMillis, floorMillis, slackMillis, estimateFactor, workerTtlMillis)
-- Reclaims leases that ran out, then hands the next job by the fair-share policy to this worker under a new lease
-- with a new fencing token (INCR q:fence). The lease lasts leaseMillis and can be renewed until the deadline
-- max(floor, slack + estimateFactor x the job's estimate) after the start (see LeaseTerms).
-- -> {'EMPTY', givenUp...} or {'TAKEN', id, user, cost, sub, seq, pre, payload, token, leaseUntil, givenUp...}
local s = settings()
local worker, leaseMs, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[8])
local floorMs, slackMs, factor = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
reclaim(NOW, s, 100)
local givenUp = redis.call('SPOP', K('q:givenUp'), 100)
redis.call('ZADD', K('q:workers'), NOW + ttl * 1000, worker)
redis.call('ZREMRANGEBYSCORE', K('q:workers'), '-inf', NOW)
redis.call('HDEL', K('q:holding'), worker)
local user, _, h = next_user(NOW, s, false, nil)
if not user then
  local r = {'EMPTY'}
  for _, id in ipairs(givenUp) do r[#r + 1] = id end
  return r
end
local id = h.id
local jk = K('q:job:' .. id)
redis.call('ZREM', K('q:line:' .. user), id)
redis.call('ZREM', K('q:waiting'), id)
if redis.call('ZCARD', K('q:line:' .. user)) == 0 then redis.call('SREM', K('q:users'), user) end
local token = redis.call('INCR', K('q:fence'))
local credit = s.aging * waited(h.sub, NOW)
local leaseUntil = NOW + leaseMs * 1000
local f = redis.call('HMGET', jk, 'cost', 'payload')
local maxRunMs = math.max(floorMs, slackMs + factor * tonumber(f[1]) / 1000)
redis.call('HSET', jk, 'state', 'leased', 'worker', worker, 'token', token, 'leaseUntil', leaseUntil,
           'deadline', math.floor(NOW + maxRunMs * 1000), 'started', NOW, 'credit', fmt(credit))
redis.call('HDEL', jk, 'promisedTo', 'promisedBy', 'promisedUntil')
redis.call('HSET', K('q:holding'), worker, token)
redis.call('ZADD', K('q:leases'), leaseUntil, id)
add_inflight(user, tonumber(f[1]))
local r = {'TAKEN', id, user, f[1], fmt(h.sub), h.seq, h.pre, f[2], token, leaseUntil}
for _, g in ipairs(givenUp) do r[#r + 1] = g end
return r
