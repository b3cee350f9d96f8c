-- store_usage(P, now, user, cpuSeconds, asOfMicros)   KEYS[1] = <P>q:settings
-- Keeps a charged usage in the shared ledger unless a later charge is already there: the queue's own charge wrote
-- it first, and a slower copy of an older charge must not undo another worker's newer one. -> 1 when written
local user, cpu, asof = ARGV[3], ARGV[4], tonumber(ARGV[5])
local _, stored = ledger(user)
if stored ~= 0 and stored >= asof then return 0 end
redis.call('HSET', K('q:usage'), user, cpu .. ',' .. ARGV[5])
return 1
