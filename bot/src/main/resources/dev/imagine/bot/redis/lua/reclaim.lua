-- reclaim(P, now, limit) -> how many leases that ran out were put back or given up.
local s = settings()
return reclaim(NOW, s, tonumber(ARGV[3]))
