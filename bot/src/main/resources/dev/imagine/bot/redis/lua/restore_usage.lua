-- restore_usage(P, now, user1, cpu1, asOfMicros1, user2, ...)
-- FairShareQueue.restoreUsage, to bring a ledger kept elsewhere into the shared one: each entry decays from when it
-- was charged; one that decayed below 1e-3 is left out; usage already here is kept and the restored one added.
-- -> the users restored
local s = settings()
local restored = {}
for i = 3, #ARGV, 3 do
  local user = ARGV[i]
  local left = decayed(tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), NOW, s.halfLife)
  if left >= 1e-3 then
    local mine = usage_at(user, NOW, s)
    redis.call('HSET', K('q:usage'), user, fmt(mine + left) .. ',' .. fmt(NOW))
    restored[#restored + 1] = user
  end
end
return restored
