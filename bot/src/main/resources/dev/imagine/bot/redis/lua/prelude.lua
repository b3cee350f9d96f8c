-- Put in front of every script by RedisScripts (Redis caches each whole script by its SHA1).
-- KEYS[1] is the settings hash "<prefix>q:settings": it routes the call and carries the hash tag, and every other
-- key a script touches has the same prefix, hence the same cluster slot. ARGV[1] is that prefix ("{imagine}:"),
-- ARGV[2] the time in microseconds since the epoch, or "" for the server's clock (production always passes "";
-- tests pass a fake time, so that a lease runs out without anybody sleeping).
-- Numbers that are not small integers go back to Java as strings with 17 digits: Redis truncates a Lua number to
-- an integer on the way out, and tostring() keeps only 14 digits (a time in microseconds has 16).
local P = ARGV[1]
local function K(name) return P .. name end

local NOW
if ARGV[2] ~= nil and ARGV[2] ~= '' then
  NOW = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  NOW = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function fmt(x) return string.format('%.17g', x) end

local function settings()
  local v = redis.call('HMGET', KEYS[1], 'perUser', 'total', 'halfLife', 'aging', 'margin', 'maxPerJob',
                       'maxExpiries')
  if not v[1] then
    return error({err = 'NOSETTINGS the queue settings are missing: the bot writes them when it starts'})
  end
  return {perUser = tonumber(v[1]), total = tonumber(v[2]), halfLife = tonumber(v[3]), aging = tonumber(v[4]),
          margin = tonumber(v[5]), maxPerJob = tonumber(v[6]), maxExpiries = tonumber(v[7])}
end

-- The shared usage ledger: one field per user, "cpuSeconds,asOfMicros".
local function ledger(user)
  local v = redis.call('HGET', K('q:usage'), user)
  if not v then return 0, 0 end
  local cpu, asof = string.match(v, '^([^,]+),(.+)$')
  return tonumber(cpu), tonumber(asof)
end

-- Usage.at: halves every half-life; a clock that went back counts as no time passed.
local function decayed(cpu, asof, t, halfLife)
  if cpu == 0 then return 0 end
  local elapsed = math.max(0, (t - asof) / 1e6)
  return cpu * math.pow(0.5, elapsed / halfLife)
end

local function usage_at(user, t, s)
  local cpu, asof = ledger(user)
  return decayed(cpu, asof, t, s.halfLife)
end

-- The estimates of the user's jobs that workers hold now, in integer microseconds (so that the sum returns to 0
-- exactly), counted in the priority: more free workers must not hand a heavy user more than their share. With one
-- worker nothing is in flight when it takes, so the order is the embedded queue's. minusUs leaves one job out.
local function inflight(user, minusUs)
  local v = tonumber(redis.call('HGET', K('q:inflight'), user) or '0') - (minusUs or 0)
  return v / 1e6
end

local function add_inflight(user, costUs)
  local left = redis.call('HINCRBY', K('q:inflight'), user, costUs)
  if left <= 0 then redis.call('HDEL', K('q:inflight'), user) end
end

local function waited(sub, t) return math.max(0, (t - sub) / 1e6) end

-- The head of one user's line: the lowest sequence (a job handed back keeps its sequence, so it goes first).
local function head(user)
  local ids = redis.call('ZRANGE', K('q:line:' .. user), 0, 0)
  if #ids == 0 then return nil end
  local f = redis.call('HMGET', K('q:job:' .. ids[1]), 'sub', 'seq', 'pre', 'promisedTo', 'promisedBy',
                      'promisedUntil')
  return {id = ids[1], sub = tonumber(f[1]), seq = tonumber(f[2]), pre = tonumber(f[3]),
          promisedTo = f[4], promisedBy = f[5], promisedUntil = tonumber(f[6] or 0)}
end

-- A head that a yielding worker was promised stays its own until that worker takes its next job, or for the
-- promise's time at most if the worker died: one waiting job makes one worker yield, not all of them.
local function promised_to_other(h, t, mine)
  if not h.promisedTo or h.promisedTo == mine or h.promisedUntil <= t then return false end
  return redis.call('HGET', K('q:holding'), h.promisedBy) == h.promisedTo
end

-- FairSharePolicy.nextUser: the smallest usage + in flight - aging x wait(oldest); ties to the older submit time,
-- then the lower sequence.
local function next_user(t, s, skipPromised, mine, exceptUser, exceptCostUs)
  local best, bestPrio, bestHead
  for _, user in ipairs(redis.call('SMEMBERS', K('q:users'))) do
    local h = head(user)
    if h and not (skipPromised and promised_to_other(h, t, mine)) then
      local prio = usage_at(user, t, s) + inflight(user, user == exceptUser and exceptCostUs or 0)
                   - s.aging * waited(h.sub, t)
      if best == nil or prio < bestPrio or (prio == bestPrio and (h.sub < bestHead.sub
          or (h.sub == bestHead.sub and h.seq < bestHead.seq))) then
        best, bestPrio, bestHead = user, prio, h
      end
    end
  end
  return best, bestPrio, bestHead
end

-- One token per job that became available; idle workers block on this list (BLPOP) between two takes.
local function wake(s)
  redis.call('LPUSH', K('q:wake'), '1')
  redis.call('LTRIM', K('q:wake'), 0, s.total - 1)
end

-- Puts a job in its user's line at its own sequence.
local function back_in_line(id, user, seq, s)
  redis.call('ZADD', K('q:line:' .. user), seq, id)
  redis.call('ZADD', K('q:waiting'), seq, id)
  redis.call('SADD', K('q:users'), user)
  wake(s)
end

-- Ends a worker's hold on a job: no lease, no longer in flight.
local function drop_lease(id, user, costUs)
  redis.call('ZREM', K('q:leases'), id)
  add_inflight(user, -costUs)
  redis.call('HDEL', K('q:job:' .. id), 'worker', 'leaseUntil', 'deadline', 'started', 'credit')
end

-- Leases that ran out (a worker died, froze or lost Redis): the job goes back to its place, or is given up after
-- maxExpiries (a job that brings down every worker that takes it must not go round forever). Given-up jobs are
-- listed under q:givenUp until a process has told their owners (see RedisJobQueue.take).
local function reclaim(t, s, limit)
  local n = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', K('q:leases'), '-inf', '(' .. fmt(t), 'LIMIT', 0, limit)) do
    local jk = K('q:job:' .. id)
    local f = redis.call('HMGET', jk, 'user', 'cost', 'seq')
    drop_lease(id, f[1], tonumber(f[2]))
    local expiries = redis.call('HINCRBY', jk, 'expiries', 1)
    if expiries >= s.maxExpiries then
      redis.call('HSET', jk, 'state', 'lost', 'endedAt', t)
      redis.call('SADD', K('q:givenUp'), id)
    else
      redis.call('HSET', jk, 'state', 'waiting')
      back_in_line(id, f[1], tonumber(f[3]), s)
    end
    n = n + 1
  end
  return n
end

-- What a plan needs, read in one go: Java computes positions and waits from it (ClusterPlan). The order itself is
-- decided only here, in take.
local function dump(t, s)
  local waiting = {}
  local users = {}
  for _, id in ipairs(redis.call('ZRANGE', K('q:waiting'), 0, -1)) do
    local f = redis.call('HMGET', K('q:job:' .. id), 'user', 'cost', 'sub', 'seq', 'pre', 'payload')
    waiting[#waiting + 1] = {id, f[1], f[2], f[3], f[4], f[5], f[6]}
    users[f[1]] = true
  end
  local leases = {}
  for _, id in ipairs(redis.call('ZRANGE', K('q:leases'), 0, -1)) do
    local f = redis.call('HMGET', K('q:job:' .. id), 'user', 'cost', 'started', 'worker')
    leases[#leases + 1] = {id, f[1], f[2], f[3], f[4]}
    users[f[1]] = true
  end
  local usage = {}
  for user in pairs(users) do
    local cpu, asof = ledger(user)
    usage[#usage + 1] = {user, fmt(cpu), fmt(asof)}
  end
  local workers = redis.call('ZCOUNT', K('q:workers'), '(' .. fmt(t), '+inf')
  return {fmt(t), waiting, leases, usage, workers}
end
